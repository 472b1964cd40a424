"""Markdown and HTML to stored, safe HTML — done once, when the source is saved.

Two bleach policies: a wide one for the blog's own posts and the narrow one readers get for
comments. Templates never call these; they show the stored ``*_html`` columns.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import bleach
import markdown
from bleach.linkifier import Linker
from markupsafe import Markup

# Bump when a policy changes; `flask --app app rerender` brings stored HTML up to date.
POLICY_VERSION = 1

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
    "img": ["src", "alt", "title", "width", "height", "loading"],
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


_linker = Linker(
    callbacks=[_reader_link],
    skip_tags={"code"},
    parse_email=False,
    recognized_tags=COMMENT_TAGS | set(_STRUCTURE),
)


def clean_comment_html(html: str) -> str:
    """Apply the comment policy: the reader allowlist, and nofollow ugc on every link."""
    cleaned = bleach.clean(
        html,
        tags=COMMENT_TAGS | set(_STRUCTURE),
        attributes={**COMMENT_ATTRIBUTES, **_STRUCTURE},
        protocols=COMMENT_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return _modernize(_linker.linkify(cleaned))


def comment_text_to_html(text: str) -> str:
    """A reader's text with line breaks made into paragraphs, then the comment policy."""
    return clean_comment_html(autop(text))


def plain_text_to_html(text: str) -> str:
    """Text that may hold no markup at all (ping excerpts), as safe paragraphs."""
    return clean_comment_html(autop(escape(text, quote=False)))


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
