"""Who may change what: an admin every post, an author their own (and the comments on them).

The rule is written once, here, in its two forms: ``can_edit`` for a post in hand, and
``editable_only`` for a query that reads posts, so a list never shows what a page would refuse.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select

from .models import Media, Post

Query = TypeVar("Query", bound=Select[Any])


def can_edit(user: Any, post: Post) -> bool:
    """Whether ``user`` (flask-login's anonymous user too) may edit ``post`` and its comments."""
    return bool(user.is_authenticated) and (user.is_admin or post.author_id == user.id)


def editable_only(query: Query, user: Any) -> Query:
    """``query`` (which reads ``Post``) narrowed to the posts a logged-in ``user`` may edit."""
    return query if user.is_admin else query.where(Post.author_id == user.id)


def can_manage_media(user: Any, media: Media) -> bool:
    """Whether ``user`` may edit or delete an upload: an admin any, an author their own."""
    return bool(user.is_authenticated) and (user.is_admin or media.uploader_id == user.id)


def own_media_only(query: Query, user: Any) -> Query:
    """``query`` (which reads ``Media``) narrowed to the uploads a logged-in ``user`` manages."""
    return query if user.is_admin else query.where(Media.uploader_id == user.id)
