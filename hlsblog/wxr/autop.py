"""WordPress post content to the HTML WordPress would show: its ``wpautop`` paragraph rules.

WordPress stores posts with paragraphs implied by blank lines and line breaks implied by single
newlines, and adds the markup only when it shows a post. We add it once, on import, so the stored
HTML (``Post.source_format = "html"``) shows the same. Block-editor content (``<!-- wp:… -->``)
is skipped, as WordPress skips it. Shortcodes are left as they are: unknown ones stay visible.
"""

from __future__ import annotations

import re

_BLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    "area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|"
    "hgroup|header|footer|nav|figure|figcaption|details|menu|summary"
)
_OPEN_BLOCK = re.compile(rf"(<(?:{_BLOCKS})[\s/>])", re.IGNORECASE)
_CLOSE_BLOCK = re.compile(rf"(</(?:{_BLOCKS})>)", re.IGNORECASE)
_ANY_BLOCK = rf"</?(?:{_BLOCKS})\b[^>]*>"
_P_BEFORE_BLOCK = re.compile(rf"<p>\s*({_ANY_BLOCK})", re.IGNORECASE)
_P_AFTER_BLOCK = re.compile(rf"({_ANY_BLOCK})\s*</p>", re.IGNORECASE)
_BR_BEFORE_BLOCK = re.compile(rf"<br />(\s*{_ANY_BLOCK})", re.IGNORECASE)
_BR_AFTER_BLOCK = re.compile(rf"({_ANY_BLOCK})\s*<br />", re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_KEPT = re.compile(r"<(?:pre )?hlsblog-kept-(\d+)>(?:</pre>)?")
_KEEP = re.compile(r"<(pre|script|style|svg|textarea)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
_TAG_NEWLINES = re.compile(r"<[^>]*>", re.DOTALL)
_DOUBLE_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>", re.IGNORECASE)
_BREAK = re.compile(r"(<!--\s*more\b.*?-->|<!--\s*nextpage\s*-->)", re.IGNORECASE)
_BLOCK_EDITOR = re.compile(r"<!--\s*wp:")


def wpautop(text: str) -> str:
    """Paragraphs from blank lines and ``<br />`` from single newlines, around block tags."""
    if not text.strip():
        return ""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        # A kept <pre> is still a block, so its placeholder must look like one.
        if match.group(1).lower() == "pre":
            return f"<pre hlsblog-kept-{len(kept) - 1}></pre>"
        return f"<hlsblog-kept-{len(kept) - 1}>"

    text = _KEEP.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    # A newline inside a tag is not a line break the writer typed.
    text = _TAG_NEWLINES.sub(lambda m: m.group(0).replace("\n", " "), text)
    text = _DOUBLE_BR.sub("\n\n", text + "\n")
    text = _OPEN_BLOCK.sub(r"\n\n\1", text)
    text = _CLOSE_BLOCK.sub(r"\1\n\n", text)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    text = "".join(f"<p>{block}</p>\n" for block in blocks)
    # A quote holds paragraphs: the one opened before it moves inside.
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _P_BEFORE_BLOCK.sub(r"\1", text)
    text = _P_AFTER_BLOCK.sub(r"\1", text)
    text = re.sub(r"(?<!<br />)\s*\n(?!$)", "<br />\n", _BR.sub("<br />", text))
    text = _BR_AFTER_BLOCK.sub(r"\1", text)
    text = _BR_BEFORE_BLOCK.sub(r"\1", text)
    text = re.sub(r"<br />\s*</p>", "</p>", text)
    text = re.sub(r"<p>\s*</p>\n?", "", text)
    return _KEPT.sub(lambda m: kept[int(m.group(1))], text).strip()


def wordpress_html(content: str) -> str:
    """Post content from a WordPress export as stored HTML.

    ``<!--more-->`` and ``<!--nextpage-->`` are kept between the parts they divide, each part
    given its paragraphs on its own, as WordPress does when it shows one page of a post.
    """
    if _BLOCK_EDITOR.search(content):
        return content.strip()
    pieces = _BREAK.split(content)  # text, mark, text, mark, ..., text
    shown = [piece if n % 2 else wpautop(piece) for n, piece in enumerate(pieces)]
    return "\n".join(piece for piece in shown if piece).strip()
