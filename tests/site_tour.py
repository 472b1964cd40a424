"""A small blog with every kind of page a reader sees, and a walk through its admin.

The accessibility, HTML-validity and CSP tests all visit the same pages: the reader pages are
listed here once, and the admin's are found by following its own navigation (one link deep
from each page it lists), so a page added to the admin is checked without editing a list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

# Replies nest this deep: the theme's default thread depth, the deepest a reader can make.
THREAD_DEPTH = 5

# Admin addresses that answer a GET by doing something, or that are not HTML pages.
_NOT_A_PAGE = re.compile(r"/(logout|export|download|preview)\b|\.(xml|json|zip|csv)$")


def build_tour_blog(
    make_post: Callable[..., dict[str, Any]], make_comment: Callable[..., int]
) -> dict[str, str]:
    """Posts, a page, a thread of replies five deep; the reader pages to visit, by name."""
    make_post("An older note", body="A short *note* from before.", categories="Notes")
    post = make_post(
        "Threads and tables",
        body="A post with a [link](https://example.org/), `code` and a list:\n\n- one\n- two",
        categories="News",
        tags="demo",
    )
    parent = None
    for depth in range(THREAD_DEPTH):
        parent = make_comment(
            post["id"],
            f"Reply at depth {depth + 1}, long enough to wrap on a phone's narrow screen.",
            author_name=f"Reader {depth + 1}",
            parent_id=parent,
        )
    make_comment(post["id"], "A second thread with <em>emphasis</em>.", author_name="Ada")
    make_post("About", body="A page of its own.", kind="page", slug="about", categories="")
    year, month = post["url"].strip("/").split("/")[:2]
    return {
        "front page": "/",
        "post with comments": post["url"],
        "category archive": "/category/news/",
        "monthly archive": f"/{year}/{month}/",
        "search": "/search?q=threads",
        "page": "/about/",
        "login": "/login",
        "not found": "/no-such-page/",
    }


class _Links(HTMLParser):
    """The href of every link, split into those inside the admin's nav and the others."""

    def __init__(self) -> None:
        super().__init__()
        self.nav: list[str] = []
        self.other: list[str] = []
        self._nav_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "nav":
            if self._nav_depth or (found.get("aria-label") or "").lower() == "admin":
                self._nav_depth += 1
        elif tag == "a" and found.get("href"):
            (self.nav if self._nav_depth else self.other).append(str(found["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1


def _shape(path: str) -> str:
    """A path with its numbers and query blanked: /admin/posts/3/edit and /admin/posts/7/edit
    are one page, and so are /admin/comments/?status=all and ?status=spam."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def admin_pages(fetch: Callable[[str], str], start: str = "/admin/", limit: int = 60) -> list[str]:
    """The admin's pages: those its nav links to, and one of each kind they link to in turn.

    ``fetch(path)`` returns a page's HTML as the logged-in admin sees it. Links that differ
    only in numbers or query count once; the first address met of each kind is kept.
    """
    first = _Links()
    first.feed(fetch(start))
    listed = [_admin_path(href, start) for href in first.nav]
    pages: dict[str, str] = {}
    for path in [start, *listed]:
        if path and _shape(path) not in pages:
            pages[_shape(path)] = path
    for path in list(pages.values()):
        links = _Links()
        links.feed(fetch(path))
        for href in links.other:
            found = _admin_path(href, path)
            if found and _shape(found) not in pages and len(pages) < limit:
                pages[_shape(found)] = found
    return list(pages.values())


def _admin_path(href: str, base: str) -> str | None:
    """The admin page ``href`` leads to (query kept, fragment dropped), or None."""
    parts = urlsplit(urljoin(base, href))
    if parts.netloc or not parts.path.startswith("/admin/") or _NOT_A_PAGE.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
