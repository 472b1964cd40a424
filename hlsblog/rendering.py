"""Markdown and HTML to stored, safe HTML — done once, when the source is saved.

Two bleach policies: a wide one for the blog's own posts and the narrow one readers get for
comments. Templates never call these; they show the stored ``*_html`` columns.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import partial
from html import escape, unescape
from typing import Any

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from bleach.sanitizer import Cleaner
from markupsafe import Markup

# Bump when a policy changes; `flask --app app rerender` brings stored HTML up to date.
POLICY_VERSION = 2  # 2: entities inside <code> escaped once, not twice

COMMENT_ATTRIBUTES: dict[str, list[str]] = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "acronym": ["title"],
    "b": [],
    "blockquote": ["cite"],
    "cite": [],
    "code": [],
    "del": ["datetime"],
    "em": [],
    "i": [],
    "q": ["cite"],
    "s": [],
    "strike": [],
    "strong": [],
}
COMMENT_TAGS = frozenset(COMMENT_ATTRIBUTES)
COMMENT_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Made by us from line breaks, never offered to readers.
_STRUCTURE: dict[str, list[str]] = {"p": [], "br": []}

POST_ATTRIBUTES: dict[str, list[str]] = {
    **COMMENT_ATTRIBUTES,
    "a": ["href", "title", "rel", "id", "class"],
    "img": ["src", "alt", "title", "width", "height", "loading", "srcset", "sizes"],
    "p": [],
    "br": [],
    "hr": [],
    "div": ["class", "id"],
    "span": ["class"],
    "h1": ["id"],
    "h2": ["id"],
    "h3": ["id"],
    "h4": ["id"],
    "h5": ["id"],
    "h6": ["id"],
    "ul": [],
    "ol": ["start"],
    "li": ["id"],
    "dl": [],
    "dt": [],
    "dd": [],
    "table": [],
    "thead": [],
    "tbody": [],
    "tfoot": [],
    "tr": [],
    "th": ["align", "colspan", "rowspan", "scope"],
    "td": ["align", "colspan", "rowspan"],
    "caption": [],
    "pre": [],
    "code": ["class"],
    "kbd": [],
    "samp": [],
    "var": [],
    "sup": ["id"],
    "sub": [],
    "ins": ["datetime"],
    "mark": [],
    "small": [],
    "u": [],
    "figure": [],
    "figcaption": [],
    "details": [],
    "summary": [],
}
POST_PROTOCOLS = frozenset({"http", "https", "mailto"})

_MARKDOWN_EXTENSIONS = ["extra", "sane_lists"]
_MORE = re.compile(r"<!--\s*more\b.*?-->", re.IGNORECASE)
_NEXTPAGE = re.compile(r"<!--\s*nextpage\s*-->", re.IGNORECASE)
# Between the pages of a paginated post's stored HTML. The sanitizer strips every comment, so
# in stored HTML this one can only be ours.
PAGE_BREAK = "<!--nextpage-->"
_QUOTE_TAG = re.compile(r"</?blockquote\b[^>]*>", re.IGNORECASE)
_OBSOLETE = re.compile(r"<(/?)(acronym|strike)\b")
_OBSOLETE_TO = {"acronym": "abbr", "strike": "s"}


def allowed_tags_line() -> Markup:
    """The "You can use these HTML tags" text, made from the policy really applied."""
    parts = []
    for tag, attrs in COMMENT_ATTRIBUTES.items():
        shown = "".join(f' {attr}=""' for attr in attrs)
        parts.append(f"<{tag}{shown}>")
    return Markup("<code>{}</code>").format(" ".join(parts))


def markdown_to_html(source: str) -> str:
    """Markdown to unsanitized HTML; always pass the result through a policy."""
    return markdown.markdown(source, extensions=_MARKDOWN_EXTENSIONS, output_format="html")


def split_pages(source: str) -> list[str]:
    """The parts of a text split at each ``<!--nextpage-->`` mark (one part when it has none).

    A mark at the very start or end, or two in a row, makes no empty page.
    """
    parts = [part for part in _NEXTPAGE.split(source) if part.strip()]
    return parts or [source]


def has_page_break(source: str) -> bool:
    """Whether a text holds a ``<!--nextpage-->`` mark."""
    return _NEXTPAGE.search(source) is not None


def stored_pages(html: str) -> list[str]:
    """The pages of a post's stored HTML (one when it is not paginated)."""
    return html.split(PAGE_BREAK)


def whole_text(html: str) -> str:
    """A post's stored HTML with its pages run together, for feeds and excerpts."""
    return html.replace(PAGE_BREAK, "\n")


def split_more(source: str) -> tuple[str, str | None]:
    """The source and, when it has a ``<!--more-->`` mark, the part before it."""
    parts = _MORE.split(source, maxsplit=1)
    if len(parts) == 1:
        return source, None
    return _MORE.sub("", source), parts[0]


def clean_post_html(html: str) -> str:
    """Apply the post policy: wide enough for real writing, never script."""
    cleaned = bleach.clean(
        html,
        tags=frozenset(POST_ATTRIBUTES),
        attributes=POST_ATTRIBUTES,
        protocols=POST_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return _modernize(cleaned)


_ABSOLUTE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def _reader_link(attrs: dict[Any, str], new: bool = False) -> dict[Any, str]:
    # Readers' links are absolute http(s) or mailto only: a relative or odd href is dropped,
    # so no encoding trick can smuggle a scheme past the browser. Every link is nofollow ugc.
    href = attrs.get((None, "href"))
    if href is not None and not _ABSOLUTE_LINK.match(href):
        del attrs[(None, "href")]
    attrs[(None, "rel")] = "nofollow ugc"
    return attrs


class _LinkifyAfterSanitizing(LinkifyFilter):
    """bleach's linker as a filter that runs after the sanitizer, in the same pass."""

    def extract_entities(self, token: dict[str, Any]) -> Iterator[dict[str, Any]]:
        # The sanitizer has already made every entity a token of its own; reading entities
        # again would take a reader's escaped `&amp;lt;` for `&lt;`.
        yield token


_linker = partial(_LinkifyAfterSanitizing, callbacks=[_reader_link], skip_tags={"code"})
_per_thread = threading.local()


def _comment_cleaner() -> Cleaner:
    # One pass, the linker a filter of the sanitizer (as bleach's docs advise): linking cleaned
    # HTML afterwards escaped every entity inside a skipped <code> again, so a reader's
    # `&lt;b&gt;` showed as `&amp;lt;b&amp;gt;`. Now cleaning stored HTML again changes nothing.
    # A Cleaner keeps parser state, so each serving thread has its own.
    cleaner = getattr(_per_thread, "cleaner", None)
    if cleaner is None:
        cleaner = _per_thread.cleaner = Cleaner(
            tags=COMMENT_TAGS | set(_STRUCTURE),
            attributes={**COMMENT_ATTRIBUTES, **_STRUCTURE},
            protocols=COMMENT_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_linker],
        )
    return cleaner


def clean_comment_html(html: str) -> str:
    """Apply the comment policy: the reader allowlist, and nofollow ugc on every link."""
    return _modernize(_comment_cleaner().clean(html))


def comment_text_to_html(text: str) -> str:
    """A reader's text with line breaks made into paragraphs, then the comment policy."""
    return clean_comment_html(autop(text))


def ping_text_to_html(text: str, title: str = "") -> str:
    """A ping's excerpt as safe paragraphs, the title of the page that sent it first, bold."""
    title = " ".join(title.split())
    heading = f"<p><strong>{escape(title, quote=False)}</strong></p>\n" if title else ""
    return clean_comment_html(heading + autop(escape(text, quote=False)))


# The title is escaped text (perhaps made a link), so its first </strong></p> is its end.
_PING_TITLE = re.compile(r"<p><strong>(.*?)</strong></p>\n", re.DOTALL)


def ping_title(html: str) -> str:
    """The title :func:`ping_text_to_html` put first in ``html``, as text ("" when none)."""
    # The title is kept nowhere else, so rendering a ping again reads it back from here.
    match = _PING_TITLE.match(html)
    return unescape(strip_tags(match.group(1))) if match else ""


def autop(text: str) -> str:
    """Blank lines make paragraphs and single line breaks ``<br>``, as WordPress does."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    # A quote is a block of its own: paragraphs go inside it, never around it.
    text = _QUOTE_TAG.sub(lambda m: f"\n\n{m.group(0)}\n\n", text)
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    out = []
    for block in blocks:
        if _QUOTE_TAG.fullmatch(block):
            out.append(block)
        else:
            out.append("<p>{}</p>".format(block.replace("\n", "<br>\n")))
    return "\n".join(out)


def _modernize(html: str) -> str:
    # acronym and strike are on the allowlist but obsolete in HTML5: keep their meaning, valid.
    return _OBSOLETE.sub(lambda m: f"<{m.group(1)}{_OBSOLETE_TO[m.group(2).lower()]}", html)


def strip_tags(html: str) -> str:
    """Text of some HTML, for excerpts, titles and search snippets."""
    return bleach.clean(html, tags=set(), strip=True, strip_comments=True)


def plain_text(html: str) -> str:
    """Text of some HTML as a reader sees it: tags gone, entities decoded once.

    For places that escape on output or send text on (a template's attribute, a form field,
    a stored ping's text); :func:`strip_tags` keeps it escaped, for HTML like feed excerpts.
    """
    return unescape(strip_tags(html))
