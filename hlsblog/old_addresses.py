"""Old addresses (a WordPress blog's permalinks) and where they lead after the move.

An address is kept as its path and sorted query, without the host, so a link to the old domain
that now points here, or to this blog under any name, finds it: ``/?p=123``,
``/2010/08/hello-world/``, ``/archives/123``, ``/blog/?page_id=2``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from sqlalchemy.orm import lazyload

from .extensions import db
from .models import OldAddress, Post
from .posts import permalink

# Old addresses that lead to a fixed address rather than a post: a WordPress attachment's page
# to its file, an imported blog's ``?cat=N`` and ``?author=N`` to the archive they named.
TARGET_KINDS = frozenset({"attachment", "category", "author"})


def address_key(path: str, query: str = "") -> str:
    """The form an address is stored and looked up in: decoded path, no end slash, sorted query."""
    path = unquote(path or "/")
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return (path + ("?" + urlencode(pairs) if pairs else ""))[:1000]


def key_of_url(url: str) -> str | None:
    """The key of a full or relative URL, or None when it isn't one."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("", "http", "https") or not (parts.path or parts.query):
        return None
    return address_key(parts.path, parts.query)


def remember(
    url: str, *, post: Post | None = None, replace: bool = True, **fields: Any
) -> OldAddress | None:
    """Store the old address ``url`` so it leads to ``post`` or ``target_url``.

    An address already leading elsewhere moves only when ``replace`` is true.
    """
    key = key_of_url(url)
    if key is None:
        return None
    row = db.session.scalar(db.select(OldAddress).where(OldAddress.path == key))
    if row is not None and not replace and row.post is not post:
        return None
    if row is None:
        row = OldAddress(path=key)
        db.session.add(row)
    row.url = url[:2000]
    row.post = post
    for name, value in fields.items():
        setattr(row, name, value)
    return row


def new_address(path: str, query: bytes | str) -> str | None:
    """Where an old address now leads, if anywhere: one indexed query, made only on a 404."""
    return old_address(path, query)[1]


def old_address(path: str, query: bytes | str) -> tuple[bool, str | None]:
    """Whether this blog knows the old address, and where it leads now (``None``: nowhere
    public, such as a post that came in as a draft)."""
    if isinstance(query, bytes):
        query = query.decode("utf-8", "replace")
    found = db.session.execute(
        db.select(OldAddress.kind, OldAddress.target_url, Post)
        .outerjoin(Post, OldAddress.post_id == Post.id)
        .where(OldAddress.path == address_key(path, query))
        .options(lazyload("*"))  # the post's author and terms are not needed for its address
    ).first()
    if found is None:
        return False, None
    kind, target_url, post = found
    if kind in TARGET_KINDS:
        return True, target_url or None
    return True, permalink(post) if post is not None and post.is_public else None


def guessed_address(path: str) -> str | None:
    """The address of the public post or page whose slug is the path's last part, if any.

    WordPress answers a 404 with a guess (``redirect_guess_404_permalink``), so links made
    under an older permalink structure (``/hello-world/``, ``/2010/hello-world/``) still lead
    somewhere. Only an exact slug is taken here, never a slug that merely starts the same way.
    """
    slug = unquote(path).rstrip("/").rsplit("/", 1)[-1]
    if not slug:
        return None
    post = db.session.scalar(db.select(Post).where(Post.slug == slug[:200]))
    return permalink(post) if post is not None and post.is_public else None
