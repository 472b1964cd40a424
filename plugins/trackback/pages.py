"""What a fetched HTML page says: its title, its links (with their rel), the text around them."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

_SPACE = re.compile(r"\s+")
_SKIPPED = {"script", "style", "template", "noscript"}
_RDF = re.compile(r"<rdf:Description\b(.*?)/?>", re.IGNORECASE | re.DOTALL)
_ATTR = re.compile(r"([\w:.-]+)\s*=\s*(\"[^\"]*\"|'[^']*')")


@dataclass
class Link:
    """One ``<a>``, ``<area>`` or ``<link>`` of a page, its address made absolute."""

    tag: str
    href: str
    rel: list[str]
    offset: int


@dataclass
class Page:
    """A parsed page."""

    url: str
    title: str = ""
    links: list[Link] = field(default_factory=list)
    text: str = ""
    source: str = ""

    def excerpt_around(self, link: Link, width: int = 140) -> str:
        """The words before and after a link, as WordPress quotes a pingback."""
        start, end = max(0, link.offset - width), link.offset + width
        snippet = _SPACE.sub(" ", self.text[start:end]).strip()
        return ("[…] " if start else "") + snippet + (" […]" if end < len(self.text) else "")


class _Scanner(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.parts: list[str] = []
        self.size = 0
        self.skipping = 0
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "title":
            self.in_title = True
        elif tag in ("a", "area", "link") and "href" in values:
            try:
                href = urljoin(self.page.url, values["href"].strip())
            except ValueError:  # e.g. "http://[oops" — not a link anyone can follow
                return
            rel = values.get("rel", "").lower().split()
            self.page.links.append(Link(tag, href, rel, self.size))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self.skipping:
            self.skipping -= 1
        elif tag == "title":
            self.in_title = False
        elif tag in ("p", "div", "li", "br", "h1", "h2", "h3", "td"):
            self._add(" ")

    def handle_data(self, data: str) -> None:
        if self.in_title and not self.page.title:
            self.page.title = _SPACE.sub(" ", data).strip()
        elif not self.skipping and not self.in_title:
            self._add(data)

    def _add(self, data: str) -> None:
        self.parts.append(data)
        self.size += len(data)


def parse(source: str, url: str) -> Page:
    """Scan an HTML document fetched from ``url``."""
    page = Page(url=url, source=source)
    scanner = _Scanner(page)
    scanner.feed(source)
    scanner.close()
    page.text = "".join(scanner.parts)
    return page


def page_key(url: str) -> tuple[str, int | None, str, str]:
    """What makes two addresses the same page: host, port, path, query (not scheme, fragment)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ("", -1, url, "")
    return (
        (parts.hostname or "").lower(),
        None if port in (80, 443) else port,
        parts.path.rstrip("/"),
        parts.query,
    )


def link_to(page: Page, target: str) -> Link | None:
    """The first link of ``page`` to ``target``, if it has one."""
    wanted = page_key(target)
    return next((link for link in page.links if page_key(link.href) == wanted), None)


def rel_link(page: Page, rel: str) -> str | None:
    """The address of the first ``<link>`` or ``<a>`` with ``rel`` in document order."""
    return next((link.href for link in page.links if rel in link.rel), None)


def trackback_ping_url(page: Page, target: str) -> str | None:
    """The TrackBack ping address an RDF block on ``page`` gives for ``target``."""
    found = []
    for match in _RDF.finditer(page.source):
        attrs = {k.lower(): html.unescape(v[1:-1]) for k, v in _ATTR.findall(match.group(1))}
        if "trackback:ping" in attrs:
            found.append((attrs.get("dc:identifier", ""), attrs["trackback:ping"]))
    wanted = page_key(target)
    exact = [ping for ident, ping in found if page_key(ident) == wanted]
    ping = exact[0] if exact else (found[0][1] if len(found) == 1 else None)
    return urljoin(page.url, ping) if ping else None
