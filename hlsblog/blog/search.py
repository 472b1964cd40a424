"""A reader's search, asked of the database's own full-text index (``hlsblog.search_index``).

Each word of the query matches as a prefix ("boot" finds "boots"), the same way on SQLite and
PostgreSQL; other databases, with no index to use, get the same answers from ``LIKE``.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select, and_, func, literal_column, or_, select, text
from sqlalchemy.sql import ColumnElement

from ..models import Post

MAX_WORDS = 10
_WORD = re.compile(r"\w+")


def words(query: str) -> list[str]:
    """The words of a reader's query that the index can match (at most ``MAX_WORDS``)."""
    return _WORD.findall(query)[:MAX_WORDS]


def matching(dialect: str, query_words: list[str]) -> ColumnElement[bool]:
    """A condition on ``Post`` true for posts holding every word (each as a prefix).

    A password-protected post is found by its title only: its text is hidden, and the index
    holds it all the same.
    """
    found = _indexed(dialect, query_words)
    return and_(found, or_(Post.password == "", _in_title(query_words)))


def _in_title(query_words: list[str]) -> ColumnElement[bool]:
    return and_(*(Post.title.icontains(w, autoescape=True) for w in query_words))


def _indexed(dialect: str, query_words: list[str]) -> ColumnElement[bool]:
    if dialect == "postgresql":
        terms = " & ".join("'" + w.replace("'", "''") + "':*" for w in query_words)
        document: ColumnElement[Any] = literal_column("post_search.document")
        ids: Select[Any] = select(literal_column("post_search.post_id")).select_from(
            text("post_search")
        )
        return Post.id.in_(ids.where(document.op("@@")(func.to_tsquery("simple", terms))))
    if dialect == "sqlite":
        terms = " ".join('"' + w.replace('"', '""') + '"*' for w in query_words)
        fts_ids: Select[Any] = select(literal_column("rowid")).select_from(text("post_fts"))
        return Post.id.in_(fts_ids.where(literal_column("post_fts").op("MATCH")(terms)))
    return _like(query_words)


def _like(query_words: list[str]) -> ColumnElement[bool]:
    # Other databases: no index to use, but the same answers.
    return and_(*(or_(Post.title.icontains(w), Post.body_source.icontains(w)) for w in query_words))
