"""A real WordPress on the other side of a move (Debian's package, tests/peers/wordpress_peer.py).

The blog of ``tests/fixtures/wxr/wordpress-peer.xml`` (a real WordPress 6.1 export: pages, a
nested page, a password post and page, a post in three parts and a page in two, nested
categories, empty tags, a post at 23:30 in New York, comments, and private, draft and scheduled
posts) is imported into that WordPress and into hlsblog. Every address WordPress
gave it is then asked of both: hlsblog must answer as WordPress did (200, or 301s ending in 200
on the same content). Then hlsblog's export goes back into a fresh WordPress and must give the
same blog. Skipped, with the reason, where no WordPress is set up (README: "Testing against
real peers").
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
import requests
from flask import Flask
from peers import wordpress_peer as wordpress

pytestmark = pytest.mark.wordpress

EXPORT = Path(__file__).parent / "fixtures" / "wxr" / "wordpress-peer.xml"
# Addresses no link function makes but readers and crawlers ask for.
EXTRA = [
    ("/2024/01/10/hello-from-the-old-blog/comment-page-1/", "Hello, comments page 1", "part"),
    ("/feed/rss2/", "site feed (rss2)", "feed"),
    ("/category/abroad/europe/trains/feed/atom/", "feed of category: Trains", "feed"),
    ("/no-such-page/", "nothing", "missing"),
    ("/?p=999", "no such post", "missing"),
    ("/?page_id=999", "no such page", "missing"),
    ("/?cat=999", "no such category", "missing"),
    ("/?s=nothing-matches-this", "search: nothing", "search"),
    # Mistyped or guessed addresses, which WordPress answers with a 301 to what it guesses.
    ("/2024/13/", "a thirteenth month", "date"),
    ("/2024/02/30/", "February 30", "date"),
    ("/2024/00/", "month zero", "date"),
    ("/a-night-train-to-berlin/", "a post's slug alone", "part"),
    ("/2024/02/20/a-long-read-in-three-parts/4/", "a fourth part of three", "part"),
    ("/2024/01/10/hello-from-the-old-blog/comment-page-2/", "Hello, comments page 2", "part"),
    # Never public: a private post, a draft and a scheduled one, by number and by address.
    ("/?p=14", "a private post", "missing"),
    ("/2024/03/25/private-notes/", "a private post", "missing"),
    ("/?p=15", "a draft", "missing"),
    ("/?p=16", "a scheduled post", "missing"),
    ("/2030/01/01/coming-soon/", "a scheduled post", "missing"),
    ("/wp-sitemap.xml", "WordPress's sitemap", "sitemap"),
    ("/robots.txt", "robots.txt", "robots"),
]
SECRET = "The secret timetable"  # the password post's text
PARTS = (  # the parts of the paginated post and page: which one a page shows is compared
    "Part one: the plan.",
    "Part two: the journey.",
    "Part three: home again.",
    "Chapter one: the rules.",
    "Chapter two: the exceptions.",
)
POSTS = {  # the export's posts by WordPress number: which of them a listing links to is compared
    7: "hello-from-the-old-blog",
    8: "a-night-train-to-berlin",
    9: "a-long-read-in-three-parts",
    10: "members-only",
    11: "a-guest-writes",
}
LISTINGS = ("term", "author", "date", "search", "front")

# Old links hlsblog doesn't answer as WordPress yet, with who is building the answer (issue 15's
# engineers: A pages, B password and paginated posts, C old addresses). One that starts to
# answer right fails the test until it is struck off here, so the list stays true.
GUESS = "C: WordPress 301s a mistyped address to its guess (the issue asked 404 for bad dates)"
KNOWN: dict[str, str] = {
    "/2024/00/": "C: WordPress shows the year for month zero (the issue asked 404)",
    "/2024/13/": GUESS,
    "/2024/02/30/": GUESS,
    "/2024/02/20/a-long-read-in-three-parts/4/": "B: " + GUESS[3:],
}


class Answer(NamedTuple):
    """What a reader following a link ends on, and how they got there."""

    chain: tuple[int, ...]
    content: str
    address: str

    def shown(self) -> str:
        hops = " → ".join(str(code) for code in self.chain)
        return f"{hops} {self.content!r} at {self.address}"


@pytest.fixture
def peer() -> Iterator[Any]:
    """The peer WordPress, held for this test, freshly installed."""
    reason = wordpress.why_unavailable()
    if reason:
        pytest.skip(reason)
    with wordpress.exclusive():
        wordpress.setup()
        wordpress.reset()
        yield wordpress


def moved_blog(app: Flask, path: Path) -> None:
    """hlsblog after the blogger imported the export, setting nothing first.

    WXR names no time zone: the import finds the old blog's from its local and GMT dates.
    """
    done = app.test_cli_runner().invoke(args=["import-wxr", str(path)])
    assert done.exit_code == 0, done.output


def title_of(page: str) -> str:
    """The content a page shows, from its <title>: WordPress's and ours, in one form."""
    found = re.search(r"<title[^>]*>(.*?)</title>", page, re.S)
    title = html.unescape(found.group(1)).strip() if found else ""
    head = re.split(r" [–|] ", title)[0]
    head = re.sub(r"^(Category|Tag|Author|Protected|Private): ", "", head)
    search = re.match(r"(?:Search Results for|Search:) [“\"]?(.*?)[”\"]?$", head)
    return f"search: {search.group(1)}" if search else head


def listed(page: str) -> str:
    """The export's posts a page links to, by slug (``/2024/01/10/slug/`` or ``/?p=7``)."""
    hrefs = [urlsplit(html.unescape(href)) for href in re.findall(r'href="([^"#]+)', page)]
    slugs = {href.path.rstrip("/").rsplit("/", 1)[-1] for href in hrefs}
    numbers = {int(n) for href in hrefs for n in re.findall(r"(?:^|&)p=(\d+)$", href.query)}
    return ", ".join(slug for n, slug in POSTS.items() if slug in slugs or n in numbers)


def sitemap_entries(response: requests.Response) -> str:
    """The posts and pages a sitemap (or the sitemaps of an index) lists, by path."""
    locs = re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", response.text)
    if "<sitemapindex" in response.text:
        locs = [loc for part in locs for loc in re.findall(r"<loc>\s*([^<\s]+)", _get(part).text)]
    paths = {urlsplit(html.unescape(loc)).path for loc in locs}
    archives = ("/category/", "/tag/", "/author/")
    return ", ".join(sorted(path for path in paths if not path.startswith(archives)))


def _get(url: str) -> requests.Response:
    return requests.get(url, timeout=30)


def content_of(response: requests.Response, kind: str, front: str | None) -> str:
    """A comparable name for what ``response`` shows: a title, a feed's items, or an error."""
    if response.status_code >= 400:
        return f"error {response.status_code}"
    if kind == "sitemap":
        return f"sitemap of {sitemap_entries(response)}"
    if kind == "robots":
        return "robots.txt naming a sitemap" if "Sitemap:" in response.text else response.text
    if "xml" in response.headers.get("Content-Type", ""):
        feed = feedparser.parse(response.content)
        titles = sorted(re.sub(r"^Protected: ", "", e.get("title", "")) for e in feed.entries)
        return f"feed of {len(titles)}: {'; '.join(titles)}"
    title = title_of(response.text)
    if title == front:  # blogs' names differ; a page showing the front page by mistake is seen
        title = "the front page"
        if kind != "front":
            return title
    if kind in LISTINGS:
        return f"{title} listing [{listed(response.text)}]"
    parts = [part for part in PARTS if part in response.text]  # which part of a paged post
    return f"{title} [{', '.join(parts)}]" if parts and len(parts) < len(PARTS) else title


def follow(url: str, kind: str, front: str | None) -> Answer:
    """Fetch ``url`` as a browser would, following redirects."""
    response = _get(url)
    chain = tuple(hop.status_code for hop in response.history) + (response.status_code,)
    address = urlsplit(response.url)
    where = address.path + (f"?{address.query}" if address.query else "")
    return Answer(chain, content_of(response, kind, front), where)


def front_title(base: str) -> str:
    """The front page's title, so a page that serves it by mistake is seen."""
    return title_of(_get(base + "/").text)


def relative(url: str) -> str:
    """An address of the old blog without its host: the move keeps paths and queries."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def wordpress_answers(peer: Any, structures: list[str]) -> dict[str, tuple[str, str, Answer]]:
    """Every old link of the blog as WordPress answers it under each permalink structure."""
    answers: dict[str, tuple[str, str, Answer]] = {}
    for structure in structures:
        peer.set_permalinks(structure)
        front = front_title(peer.URL)
        # A blog with plain permalinks never had the extra addresses that have a path.
        extra = EXTRA if structure else [item for item in EXTRA if item[0].startswith("/?")]
        for url, what, kind in [*peer.links(), *extra]:
            old = relative(url)
            if old not in answers:
                answers[old] = (what, kind, follow(peer.URL + old, kind, front))
    return answers


def differences(answers: dict[str, tuple[str, str, Answer]], base: str) -> dict[str, str]:
    """The old links hlsblog answers otherwise than WordPress: status, content, or address."""
    front = front_title(base)
    found = {}
    for old, (what, kind, theirs) in answers.items():
        ours = follow(base + old, kind, front)
        same = (ours.chain[-1] // 100, ours.content) == (theirs.chain[-1] // 100, theirs.content)
        # A post or page keeps its pretty address: the one search engines have indexed.
        pretty = kind in ("post", "page") and "?" not in theirs.address
        moved = pretty and ours.address != theirs.address
        # Search engines move their index only on a permanent redirect.
        temporary = any(hop not in (301, 308) for hop in ours.chain[:-1])
        if not same or moved or temporary:
            found[old] = f"{what}: WordPress {theirs.shown()}; hlsblog {ours.shown()}"
    return found


@pytest.mark.parametrize("blog", ["pretty", "plain"])
def test_every_old_link_answers_as_wordpress_answered_it(
    peer: Any, app: Flask, live_server: Any, tmp_path: Path, blog: str
) -> None:
    """A blog with pretty permalinks (its plain links answered too), or one with plain only."""
    peer.import_wxr(EXPORT)
    export, structures = EXPORT, [wordpress.PRETTY, ""]
    if blog == "plain":  # its export, written by WordPress, links every post as /?p=N
        peer.set_permalinks("")
        export, structures = tmp_path / "plain.xml", [""]
        export.write_text(peer.export_wxr())
    moved_blog(app, export)
    answers = wordpress_answers(peer, structures)
    assert len(answers) > 50
    found = differences(answers, live_server.url)
    unexpected = {old: why for old, why in found.items() if old not in KNOWN}
    report = "\n".join(f"{old}\n    {why}" for old, why in sorted(unexpected.items()))
    assert not unexpected, f"{len(unexpected)} old links answer otherwise:\n{report}"
    fixed = sorted(old for old in KNOWN if old in answers and old not in found)
    assert not fixed, f"these answer as WordPress did now; strike them off KNOWN: {fixed}"


class _PasswordForm(HTMLParser):
    """The form of a page that asks for a password: its action and the fields to send."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({"action": found.get("action", ""), "fields": {}, "secret": None})
        elif tag in ("input", "button") and self.forms and found.get("name"):
            form = self.forms[-1]
            if found.get("type") == "password":
                form["secret"] = found["name"]
            elif found.get("type") in ("hidden", "submit"):
                form["fields"][found["name"]] = found.get("value", "")


def try_password(url: str, password: str, secret: str) -> tuple[bool, bool]:
    """A reader at a protected post: (form shown, text shown after sending ``password``)."""
    reader = requests.Session()
    page = reader.get(url, timeout=30)
    parser = _PasswordForm()
    parser.feed(page.text)
    forms = [form for form in parser.forms if form["secret"]]
    if not forms:
        return False, secret in page.text
    form = forms[0]
    data = {**form["fields"], form["secret"]: password}
    action = urljoin(page.url, html.unescape(form["action"]) or page.url)
    reader.post(action, data=data, headers={"Referer": page.url}, timeout=30)
    return True, secret in reader.get(page.url, timeout=30).text


@pytest.mark.parametrize(
    ("address", "password", "secret"),
    [
        ("/2024/03/05/members-only/", "open sesame", SECRET),
        ("/about/staff-room/", "staff only", "The staff secret"),
    ],
    ids=["post", "page"],
)
def test_a_password_opens_as_on_wordpress(
    peer: Any, app: Flask, live_server: Any, address: str, password: str, secret: str
) -> None:
    peer.import_wxr(EXPORT)
    moved_blog(app, EXPORT)
    for attempt in ("wrong guess", password):
        theirs = try_password(peer.URL + address, attempt, secret)
        assert try_password(live_server.url + address, attempt, secret) == theirs, attempt
    assert theirs == (True, True)  # WordPress shows the form, and the text to the password
    for feed in ("/feed/", "/comments/feed/", "/category/news/feed/", address + "feed/"):
        assert secret not in _get(peer.URL + feed).text
        assert secret not in _get(live_server.url + feed).text, feed


def blog_shape(dump: dict[str, Any]) -> dict[str, Any]:
    """A WordPress blog as a reader and its owner know it: no ids, parents by slug."""
    slugs = {post["ID"]: post["post_name"] for post in dump["posts"]}
    term_slugs = {term["term_id"]: term["slug"] for term in dump["terms"]}
    posts = {
        post["post_name"]: {
            "type": post["post_type"],
            "status": post["post_status"],
            "title": post["post_title"],
            "parent": slugs.get(post["post_parent"]),
            "menu_order": post["menu_order"],
            "password": post["post_password"],
            "date": post["post_date"],
            "date_gmt": post["post_date_gmt"],
            "parts": post["pages"],
            "text": post["text"],
            "comments": post["comment_count"],
            "categories": sorted(post["categories"]),
            "tags": sorted(post["tags"]),
        }
        for post in dump["posts"]
    }
    terms = {
        (term["taxonomy"], term["slug"]): (term["name"], term_slugs.get(term["parent"]))
        for term in dump["terms"]
    }
    return {"posts": posts, "terms": terms}


def test_our_export_gives_wordpress_back_the_same_blog(
    peer: Any, app: Flask, tmp_path: Path
) -> None:
    peer.import_wxr(EXPORT)
    before = blog_shape(peer.dump())
    moved_blog(app, EXPORT)
    ours = tmp_path / "from-hlsblog.xml"
    done = app.test_cli_runner().invoke(
        args=["export-wxr", str(ours), "--base-url", "http://localhost/"]
    )
    assert done.exit_code == 0, done.output
    peer.reset()
    peer.import_wxr(ours)
    after = blog_shape(peer.dump())
    # What the issue asks first: pages as pages, in their tree, and the password kept.
    assert after["posts"]["team"]["type"] == "page"
    assert after["posts"]["team"]["parent"] == "about"
    assert after["posts"]["members-only"]["password"] == "open sesame"
    # hlsblog has no private status: a private post is kept as a draft (docs/wxr.md) and goes
    # back as one, still out of readers' sight.
    assert after["posts"]["private-notes"]["status"] == "draft"
    before["posts"]["private-notes"]["status"] = "draft"
    # A draft's GMT date is WordPress's "not fixed yet" zero; ours goes out with its date, so
    # publishing it in WordPress keeps that date instead of taking the day it is published.
    before["posts"]["half-written"]["date_gmt"] = after["posts"]["half-written"]["date_gmt"]
    for slug, post in before["posts"].items():
        assert after["posts"].get(slug) == post, slug
    assert after == before
