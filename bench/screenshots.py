"""Screenshots of the demo blog for docs/screenshots/, made again with one command:

    .venv/bin/python bench/screenshots.py [--out docs/screenshots]

Builds the demo blog (bench/demo_blog.py, its comment thread five replies deep), serves it
with gunicorn on 127.0.0.1 and photographs, in Debian's Chromium at 1280 and 390 px wide, in
the light and the dark scheme: the front page, the post with the threaded comments, the
editor with its preview and the posts list. Each PNG is the top of the page, cut at a height
that shows what the page is for, so the files stay small.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.demo_blog import DemoBlog, demo_blog  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("HLSBLOG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]
# Width -> (viewport height, the most of the page's height a picture shows).
WIDTHS = {1280: (800, 1600), 390: (844, 2400)}
SCHEMES = ["light", "dark"]


def shots(blog: DemoBlog) -> dict[str, tuple[str, bool]]:
    """What to photograph: file name -> (path, whether the admin must be logged in)."""
    return {
        "front-page": ("/", False),
        "post-with-comments": (blog.thread_post, False),
        "editor": (f"/admin/posts/{blog.thread_post_id}/", True),
        "posts-list": ("/admin/posts/", True),
    }


def _settle(page: Any) -> None:
    """Wait until the page has loaded what it asks for (the editor's preview included)."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")


def photograph(page: Any, url: str, path: Path, width: int) -> None:
    """The top of the page at ``url``, as tall as it is up to this width's limit."""
    viewport, tallest = WIDTHS[width]
    page.set_viewport_size({"width": width, "height": viewport})
    page.goto(url)
    _settle(page)
    height = min(int(page.evaluate("document.documentElement.scrollHeight")), tallest)
    clip = {"x": 0, "y": 0, "width": width, "height": max(height, viewport)}
    page.screenshot(path=str(path), full_page=True, clip=clip)


def main(argv: list[str] | None = None) -> None:
    """Serve the demo blog and write every screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with demo_blog() as blog, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cookie = blog.login_cookie().split("; ")
        for scheme in SCHEMES:
            context = browser.new_context(color_scheme=scheme, device_scale_factor=1)
            admin = browser.new_context(color_scheme=scheme, device_scale_factor=1)
            admin.add_cookies(
                [
                    {"name": c.split("=", 1)[0], "value": c.split("=", 1)[1], "url": blog.url}
                    for c in cookie
                ]
            )
            for name, (path, logged_in) in shots(blog).items():
                page = (admin if logged_in else context).new_page()
                for width in WIDTHS:
                    out = args.out / f"{name}-{width}-{scheme}.png"
                    photograph(page, blog.url + path, out, width)
                    print(f"{out}  {out.stat().st_size // 1024} KB")
                page.close()
            context.close()
            admin.close()
        browser.close()


if __name__ == "__main__":
    main()
