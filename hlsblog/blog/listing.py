"""Paged listings of public posts, shared by the front page, archives and search."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy import Select

from ..extensions import db
from ..models import Post
from ..settings import get_setting


@dataclass
class Page:
    """One page of a listing."""

    posts: list[Post]
    number: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1


def paginate(
    query: Select[Any],
    number: int,
    allow_empty: bool = False,
    window: Callable[[int, int], Select[Any]] | None = None,
) -> Page:
    """Page ``number`` of ``query``; 404 past the end (an empty first page is fine).

    ``window(offset, limit)``: the page's rows picked another way than ``query``'s own
    offset (a term's archive reads its dated links: hlsblog/term_dates.py).
    """
    per_page = max(1, int(get_setting("posts_per_page") or 10))
    if number < 1:
        abort(404)
    offset, limit = (number - 1) * per_page, per_page + 1
    rows = db.session.scalars(
        window(offset, limit) if window else query.offset(offset).limit(limit)
    ).all()
    if not rows and (number > 1 or not allow_empty):
        abort(404)
    return Page(posts=list(rows[:per_page]), number=number, has_next=len(rows) > per_page)
