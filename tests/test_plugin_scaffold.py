"""``flask --app app plugins new NAME`` starts a plugin author from a package that runs.

The story of the issue: ``plugins new hello_world`` → ``pip install -e`` → the plugin is on the
admin's Plugins page and its own test passes. The package is installed into this venv only
while this module runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hlsblog.testing import admin_client

ROOT = Path(__file__).parent.parent
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check"]


def _run(*args: object, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def hello_world(tmp_path_factory):
    """The package ``plugins new hello_world`` wrote, pip-installed (editable) meanwhile."""
    parent = tmp_path_factory.mktemp("authors")
    flask = Path(sys.executable).parent / "flask"
    _run(flask, "--app", "app", "plugins", "new", "hello_world", "--dir", parent)
    folder = parent / "hello_world"
    try:
        _run(*PIP, "install", "--quiet", "-e", folder)
        with pytest.MonkeyPatch.context() as patch:
            # What the install's .pth file does for every Python started from now on.
            patch.syspath_prepend(str(folder))
            yield folder
    finally:
        _run(*PIP, "uninstall", "--quiet", "--yes", "hlsblog-hello-world")
        sys.modules.pop("hlsblog_hello_world", None)


# Packaging and discovery: no database in it, so SQLite only.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_new_plugin_is_on_and_listed_on_the_plugins_page(hello_world, make_app):
    client = admin_client(make_app(plugins=None))
    assert "Hello from Hello World!" in client.get("/").get_data(as_text=True)
    page = client.get("/admin/plugins/").get_data(as_text=True)
    section = page[page.index('id="plugin-hello_world"') :].split("</section>")[0]
    assert "hello_world <small>0.1.0</small> — on" in section
    assert "Hello World: says hello at the top of the blog" in section
    assert "package hlsblog-hello-world" in section and "Hooks: template_slot" in section


def test_the_new_plugins_own_test_passes(hello_world):
    result = _run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=hello_world)
    assert " passed" in result.stdout and "failed" not in result.stdout


@pytest.mark.plugins()
# A command refusing a name: no database in it, so SQLite only.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "name, error",
    [("Hello World", "can't name a plugin"), ("hello__world", "can't name a plugin")],
)
def test_a_name_that_cant_be_a_package_is_refused(runner, tmp_path, name, error):
    parent = tmp_path / "authors"
    result = runner.invoke(args=["plugins", "new", name, "--dir", str(parent)])
    assert result.exit_code != 0 and error in result.output
    assert not parent.exists()


@pytest.mark.plugins()
# A command refusing a folder: no database in it, so SQLite only.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_existing_folder_is_never_written_over(runner, tmp_path):
    mine = tmp_path / "authors" / "hello_world"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("mine")
    result = runner.invoke(args=["plugins", "new", "hello_world", "--dir", str(mine.parent)])
    assert result.exit_code != 0 and "already exists and is not empty" in result.output
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
