"""Reading a WordPress eXtended RSS file one record at a time, with a parser that refuses entities.

The file is untrusted: ``defusedxml`` refuses DTDs, entity declarations and external references
before any of them is expanded. Each record (author, term, item) is turned into a small dataclass
as soon as its closing tag is read, then its elements are cleared, so memory stays flat however
large the export. The ``wp:`` namespace is recognised by shape (``…wordpress.org/export/X.Y/``),
never by one fixed address, and elements of any other namespace are ignored. Names WordPress
stores HTML-escaped (comment authors, term names, users' names) come out decoded once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_etree
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden

from .cdata import CdataRepair, Repair, opened
from .names import shown

_WP = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$")
_EXCERPT = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
_KNOWN = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
_VERSION = re.compile(r"^\d+\.\d+$")

Source = str | Path | IO[bytes]


class WxrError(Exception):
    """The file can't be read as a WordPress export; the message says where and why."""


@dataclass
class WxrAuthor:
    login: str
    wp_id: int | None = None
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class WxrTerm:
    taxonomy: str  # category, post_tag, or another WordPress taxonomy
    slug: str
    name: str
    wp_id: int | None = None
    parent: str = ""  # the parent's slug
    description: str = ""


@dataclass
class WxrComment:
    wp_id: int | None
    content: str = ""
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: str = ""
    date_gmt: str = ""
    approved: str = "1"
    type: str = ""
    parent: int | None = None
    user_id: int | None = None


@dataclass
class WxrItem:
    title: str = ""
    link: str = ""
    guid: str = ""
    pub_date: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    wp_id: int | None = None
    date: str = ""
    date_gmt: str = ""
    modified_gmt: str = ""
    comment_status: str = ""
    ping_status: str = ""
    slug: str = ""
    status: str = ""
    parent: int | None = None
    menu_order: int = 0
    post_type: str = ""
    password: str = ""
    sticky: bool = False
    attachment_url: str = ""
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, slug, name)
    repaired_lines: list[int] = field(default_factory=list)  # read with the ]]> fallback
    meta: list[tuple[str, str]] = field(default_factory=list)
    comments: list[WxrComment] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How a report names this item: its type, WordPress id and title."""
        return f"{self.post_type or 'item'} {self.wp_id or '?'} {self.title[:60]!r}"

    def meta_value(self, key: str) -> str | None:
        """The first value stored under ``key`` in the item's postmeta, if any."""
        return next((value for k, value in self.meta if k == key), None)


Record = WxrAuthor | WxrTerm | WxrItem


@dataclass
class Channel:
    """What the file says about the site it came from."""

    version: str = ""
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""


_names: dict[str, str | None] = {}


def qname(tag: Any) -> str | None:
    """``wp:post_id`` for any WordPress export namespace, ``title`` without one, else None."""
    if not isinstance(tag, str):
        return None  # comments and processing instructions
    if tag in _names:
        return _names[tag]
    name: str | None = tag
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        if _WP.match(uri):
            name = f"wp:{local}"
        elif _EXCERPT.match(uri):
            name = f"excerpt:{local}"
        elif uri in _KNOWN:
            name = f"{_KNOWN[uri]}:{local}"
        else:
            name = None
    _names[tag] = name
    return name


def _text(element: Element) -> str:
    return element.text or ""


def _number(value: str) -> int | None:
    # "²" passes isdigit() but not int(). A number too large for the database is kept as
    # written: its record then fails alone, reported with that number, instead of coming in
    # quietly without its id (and its old address).
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) <= 40:
        return int(value)
    return None


def _fields(element: Element) -> dict[str, str]:
    """The first text of each recognised child, by qualified name."""
    found: dict[str, str] = {}
    for child in element:
        name = qname(child.tag)
        if name is not None and name not in found:
            found[name] = _text(child)
    return found


def _author(element: Element) -> WxrAuthor | None:
    f = _fields(element)
    login = f.get("wp:author_login", "").strip()
    if not login:
        return None
    return WxrAuthor(
        login=login,
        wp_id=_number(f.get("wp:author_id", "")),
        email=f.get("wp:author_email", "").strip(),
        display_name=shown(f.get("wp:author_display_name", "")).strip(),
        first_name=shown(f.get("wp:author_first_name", "")).strip(),
        last_name=shown(f.get("wp:author_last_name", "")).strip(),
    )


def _term(kind: str, element: Element) -> WxrTerm | None:
    f = _fields(element)
    if kind == "category":
        taxonomy, slug, name = "category", f.get("wp:category_nicename", ""), f.get("wp:cat_name")
        parent, description = f.get("wp:category_parent", ""), f.get("wp:category_description")
    elif kind == "tag":
        taxonomy, slug, name = "post_tag", f.get("wp:tag_slug", ""), f.get("wp:tag_name")
        parent, description = "", f.get("wp:tag_description")
    else:
        taxonomy, slug, name = f.get("wp:term_taxonomy", ""), f.get("wp:term_slug", ""), None
        name = f.get("wp:term_name")
        parent, description = f.get("wp:term_parent", ""), f.get("wp:term_description")
    if not (slug.strip() or (name or "").strip()):
        return None
    return WxrTerm(
        taxonomy=taxonomy.strip(),
        slug=slug.strip(),
        name=shown(name or slug).strip(),
        wp_id=_number(f.get("wp:term_id", "")),
        parent=parent.strip(),
        description=(description or "").strip(),
    )


def _comment(element: Element) -> WxrComment:
    f = _fields(element)
    return WxrComment(
        wp_id=_number(f.get("wp:comment_id", "")),
        content=f.get("wp:comment_content", ""),
        author=shown(f.get("wp:comment_author", "")).strip(),
        email=f.get("wp:comment_author_email", "").strip(),
        url=f.get("wp:comment_author_url", "").strip(),
        ip=f.get("wp:comment_author_IP", "").strip(),
        date=f.get("wp:comment_date", "").strip(),
        date_gmt=f.get("wp:comment_date_gmt", "").strip(),
        approved=f.get("wp:comment_approved", "1").strip(),
        type=f.get("wp:comment_type", "").strip(),
        parent=_number(f.get("wp:comment_parent", "")) or None,
        user_id=_number(f.get("wp:comment_user_id", "")) or None,
    )


def _item(element: Element) -> WxrItem:
    f = _fields(element)
    item = WxrItem(
        title=f.get("title", ""),
        link=f.get("link", "").strip(),
        guid=f.get("guid", "").strip(),
        pub_date=f.get("pubDate", "").strip(),
        creator=f.get("dc:creator", "").strip(),
        content=f.get("content:encoded", ""),
        excerpt=f.get("excerpt:encoded", ""),
        wp_id=_number(f.get("wp:post_id", "")),
        date=f.get("wp:post_date", "").strip(),
        date_gmt=f.get("wp:post_date_gmt", "").strip(),
        modified_gmt=f.get("wp:post_modified_gmt", "").strip(),
        comment_status=f.get("wp:comment_status", "").strip(),
        ping_status=f.get("wp:ping_status", "").strip(),
        slug=f.get("wp:post_name", "").strip(),
        status=f.get("wp:status", "").strip(),
        parent=_number(f.get("wp:post_parent", "")) or None,
        menu_order=_number(f.get("wp:menu_order", "")) or 0,
        post_type=f.get("wp:post_type", "").strip(),
        password=f.get("wp:post_password", ""),
        sticky=f.get("wp:is_sticky", "").strip() == "1",
        attachment_url=f.get("wp:attachment_url", "").strip(),
    )
    for child in element:
        name = qname(child.tag)
        if name == "category":
            domain = child.get("domain", "category")
            item.terms.append((domain, child.get("nicename", ""), shown(_text(child)).strip()))
        elif name == "wp:postmeta":
            meta = _fields(child)
            if "wp:meta_key" in meta:
                item.meta.append((meta["wp:meta_key"], meta.get("wp:meta_value", "")))
        elif name == "wp:comment":
            item.comments.append(_comment(child))
    return item


def _record(name: str, element: Element) -> Record | None:
    if name == "item":
        return _item(element)
    if name == "wp:author":
        return _author(element)
    if name in ("wp:category", "wp:tag", "wp:term"):
        return _term(name[3:], element)
    return None


_CHANNEL_FIELDS = {
    "wp:wxr_version": "version",
    "title": "title",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
}


class WxrReader:
    """Iterate over a WXR file's records; ``channel`` fills in as the file is read."""

    def __init__(self, source: Source, repair_cdata: bool = False) -> None:
        self.source = source
        self.channel = Channel()
        # WordPress's fallback for a pre-2010 export's unescaped ``]]>`` (``cdata.py``).
        self.repair_cdata = repair_cdata
        self.repairs: list[Repair] = []

    def __iter__(self) -> Iterator[Record]:
        try:
            yield from self._records()
        except ParseError as error:
            line, column = getattr(error, "position", (0, 0))
            reason = str(error).split(":")[0]
            raise WxrError(
                f"{self._name()} is not well-formed XML: {reason} at line {line}, column {column}."
            ) from error
        except (DTDForbidden, EntitiesForbidden) as error:
            raise WxrError(
                f"{self._name()} was refused: it declares a DTD or XML entities "
                "(a WordPress export never does; entity expansion can exhaust memory)."
            ) from error
        except DefusedXmlException as error:
            raise WxrError(f"{self._name()} was refused: {error}.") from error

    def _name(self) -> str:
        return Path(self.source).name if isinstance(self.source, str | Path) else "The file"

    def _records(self) -> Iterator[Record]:
        if not self.repair_cdata:
            yield from self._parsed(self.source)
            return
        with opened(self.source) as raw:
            stream = CdataRepair(raw)
            self.repairs = stream.repairs
            yield from self._parsed(stream)

    def _parsed(self, source: Source | CdataRepair) -> Iterator[Record]:
        depth, channel, items = 0, None, 0
        events = safe_etree.iterparse(source, events=("start", "end"), forbid_dtd=True)
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 2:
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            name = qname(element.tag)
            if name in _CHANNEL_FIELDS:
                setattr(self.channel, _CHANNEL_FIELDS[name], _text(element).strip())
            record = _record(name, element) if name else None
            if name == "item":
                items += 1
                if isinstance(record, WxrItem):
                    record.repaired_lines = [r.line for r in self.repairs if r.item == items]
            channel.clear()  # the record is built: let its elements go
            if record is not None:
                yield record


def check_version(channel: Channel, name: str) -> None:
    """Refuse a file with no usable ``wp:wxr_version``, as WordPress's own importer does."""
    if not channel.version:
        raise WxrError(
            f"{name} does not look like a WordPress export: it has no <wp:wxr_version> "
            "in its <channel>."
        )
    if not _VERSION.match(channel.version):
        raise WxrError(f"{name} has an unreadable WXR version {channel.version[:20]!r}.")
