"""What share previews and search engines see of a page: Open Graph, Twitter card, canonical.

``post_preview`` gives one post's (or page's) title, address, description and image: the
``<head>`` of its page, the share plugin's links and anything else that describes a post take
it from here, so they always agree. ``page_meta`` gives the same for whichever reader page is
being rendered (``templates/_meta.html`` writes the tags). Both run while a page is built,
and a built page is kept for the content generation, so no reader waits on them twice.
A protected post's preview carries WordPress's notice, never its text or its images.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import request, url_for
from jinja2 import pass_context

from .models import Post
from .posts import permalink
from .protection import public_excerpt
from .rendering import plain_text
from .settings import get_setting

# Where a reader page's kind (``page_kind``) gets tags; admin and plugin pages don't.
LISTINGS = frozenset({"home", "archive"})
NOINDEX = frozenset({"search"})
_IMAGE = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]+)\"", re.IGNORECASE)
_PAGE_BREAK = re.compile(r"<!--\s*nextpage\s*-->", re.IGNORECASE)


class PostPreview:
    """A post as previews show it; the description and image are worked out once, if asked."""

    def __init__(self, post: Post, part: int = 1) -> None:
        self.post = post
        self.part = part  # which page of a paginated post's text
        self.title = post.title or ""
        self.published: datetime | None = post.published_at
        self.modified: datetime | None = post.updated_at

    @cached_property
    def url(self) -> str:
        """The post's absolute permalink (its canonical address)."""
        return permalink(self.post, external=True)

    @cached_property
    def description(self) -> str:
        """Up to 200 characters of plain text anyone may read (a notice for a protected post)."""
        return " ".join(public_excerpt(self.post, part=self.part).split())

    @cached_property
    def image(self) -> str:
        """The absolute address of the first image in the post's text; "" when it has none."""
        if self.post.password:  # a locked post's pictures are part of what it hides
            return ""
        first_part = _PAGE_BREAK.split(self.post.body_html or "", maxsplit=1)[0]
        match = _IMAGE.search(first_part)
        if match is None:
            return ""
        address = urljoin(self.url, unescape(match.group(1)))
        return address if urlsplit(address).scheme in ("http", "https") else ""


def post_preview(post: Post, part: int = 1) -> PostPreview:
    """What previews and search engines show of ``post``: title, address, description, image."""
    return PostPreview(post, part)


@dataclass(frozen=True)
class PageMeta:
    """The tags of one reader page: ``templates/_meta.html`` writes them."""

    title: str
    description: str
    url: str  # canonical address; "" on a page that search engines should not keep
    og_type: str  # article | website
    site_name: str
    image: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    noindex: bool = False

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image else "summary"


@pass_context
def page_meta(context: Any) -> PageMeta | None:
    """The tags for the page being rendered; ``None`` on pages that are not the reader's."""
    kind = context.get("page_kind")
    post = context.get("post")
    site = str(get_setting("title") or "")
    if isinstance(post, Post) and kind not in LISTINGS | NOINDEX | {"admin", "share"}:
        part = context.get("part")
        preview = post_preview(post, part if isinstance(part, int) else 1)
        return PageMeta(
            preview.title,
            preview.description,
            _canonical(preview, context.get("part")),
            "article",
            site,
            preview.image,
            preview.published,
            preview.modified,
        )
    if kind in LISTINGS:
        title = str(context.get("title") or site)
        return PageMeta(title, _tagline(), _here(), "website", site)
    if kind in NOINDEX:  # search results: followed, never kept
        return PageMeta(site, _tagline(), "", "website", site, noindex=True)
    return None


def _tagline() -> str:
    return plain_text(str(get_setting("tagline") or ""))


def _canonical(preview: PostPreview, part: Any) -> str:
    """A post's permalink; page 2 of a paginated post (or page) is a page of its own."""
    return f"{preview.url}{part}/" if isinstance(part, int) and part > 1 else preview.url


def _here() -> str:
    """This page's own address, without a query: a listing's page 2 is its own page."""
    if request.url_rule is None or request.endpoint is None:
        return request.base_url
    return url_for(request.endpoint, **(request.view_args or {}), _external=True)
