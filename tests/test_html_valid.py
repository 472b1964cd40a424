"""Every page's HTML is valid, as the W3C's Nu HTML Checker (vnu) reads it: the reader pages,
as a stranger and as the logged-in blogger sees them, and every page of the admin.

vnu comes from npm's ``vnu-jar`` (it needs Java), installed once into a cache folder outside
the clone; without Java or npm the test is skipped, saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from site_tour import admin_pages, build_tour_blog

from hlsblog.testing import admin_client

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

VNU_VERSION = "26.9.27"
NPM_CACHE = Path(os.environ.get("HLSBLOG_NPM_CACHE", Path.home() / ".cache" / "hlsblog-npm"))


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    """The checker's jar, from the cache folder (npm installs it there the first time)."""
    jar = NPM_CACHE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not shutil.which("java"):
        pytest.skip("vnu needs Java: `apt-get install default-jre-headless`")
    if not jar.exists():
        if not shutil.which("npm"):
            pytest.skip("vnu comes from npm's vnu-jar: `apt-get install npm`")
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(NPM_CACHE), "--no-audit", "--no-fund", "-E"]
            + [f"vnu-jar@{VNU_VERSION}"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return jar


def _errors(jar: Path, pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """vnu's errors for each page, by name: one Java start for them all."""
    files = {}
    for n, (name, html) in enumerate(pages.items()):
        files[name] = folder / f"page{n}.html"
        files[name].write_text(html, encoding="utf-8")
    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--errors-only", "--stdout"]
        + [str(path) for path in files.values()],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.stdout, result.stderr  # vnu answers in JSON even when every page is valid
    by_file: dict[str, list[str]] = {}
    for message in json.loads(result.stdout)["messages"]:
        where = f"line {message.get('lastLine')}: {message['message']}"
        by_file.setdefault(Path(message.get("url", "?")).name, []).append(where)
    return {name: by_file[path.name] for name, path in files.items() if path.name in by_file}


def test_every_page_is_valid_html(app, vnu_jar, tmp_path, make_post, make_comment):
    blogger = admin_client(app)
    reader = build_tour_blog(make_post, make_comment)
    stranger = app.test_client()
    pages = {}
    for name, path in reader.items():
        pages[name] = stranger.get(path).get_data(as_text=True)
    for name in ("front page", "post with comments"):  # with the blogger's extras (Edit links)
        pages[f"{name}, logged in"] = blogger.get(reader[name]).get_data(as_text=True)
    for path in admin_pages(lambda path: blogger.get(path).get_data(as_text=True)):
        page = blogger.get(path)
        assert page.status_code == 200, path
        pages[path] = page.get_data(as_text=True)
    assert len(pages) > 20
    assert _errors(vnu_jar, pages, tmp_path) == {}
