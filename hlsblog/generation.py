"""The content generation moves by itself whenever a commit changes something readers see.

Cached pages, feeds and ETags in every worker are keyed on ``content_generation()``. Rather than
each write path remembering to move it, one listener on the blog's session watches every
flush and bulk statement of a transaction and, when any touched a row readers see, writes a
new generation as that transaction commits: it commits or rolls back with the change.

Rows readers see: posts, comments, categories, tags (and which posts carry them), users (their
names are shown), settings, old addresses, and every plugin model that inherits
``ReaderVisible``. SQL sent straight to a connection (``text()`` on ``db.engine``) is not seen.

Every request reads it, off the ORM: one prepared statement on a plain connection each worker
keeps (``generation_reader.py``), chosen over a cheaper signal (shared memory, a file's
time, LISTEN/NOTIFY) because the row commits with the change it announces, so every worker
on every host sees both at the same moment, with nothing more to deploy; the read costs
microseconds on SQLite and one loopback round trip on PostgreSQL.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from .extensions import db
from .models import Category, Comment, OldAddress, Post, Setting, Tag, User
from .settings import GENERATION_KEY, write_new_generation

# session.info key: this transaction changed something readers see.
CHANGED = "hlsblog.readers_see_a_change"
# A post's categories and tags live in these, written as part of the post.
ASSOCIATIONS = frozenset({"post_categories", "post_tags"})


class ReaderVisible:
    """Mixin for a plugin model whose rows readers see (shown on pages or in feeds).

    A new, changed or deleted row then moves the content generation, so every worker's cached
    pages and feeds show it: ``class Shout(ReaderVisible, db.Model): ...``.
    """


CORE_VISIBLE = (Post, Comment, Category, Tag, User, OldAddress, ReaderVisible)


def init_app(app: Flask) -> None:
    """Make the blog's session move the content generation (listeners added once, for all apps)."""
    for name, listener in LISTENERS.items():
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)


def readers_see(row: object) -> bool:
    """Whether readers see ``row``: a change to it must move the content generation."""
    if isinstance(row, Setting):
        return row.key != GENERATION_KEY  # the generation itself says nothing new
    return isinstance(row, CORE_VISIBLE)


def _pending_change(session: Session) -> bool:
    """Whether the session holds an unflushed change readers would see."""
    if any(readers_see(row) for row in chain(session.new, session.deleted)):
        return True
    # Dirty includes rows given back the value they had: only a real change counts.
    return any(readers_see(row) and session.is_modified(row) for row in session.dirty)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if not session.info.get(CHANGED) and _pending_change(session):
        session.info[CHANGED] = True


def _do_orm_execute(state: ORMExecuteState) -> None:
    if state.is_select or not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    visible = any(issubclass(m.class_, CORE_VISIBLE + (Setting,)) for m in state.all_mappers)
    if visible or getattr(table, "name", None) in ASSOCIATIONS:
        state.session.info[CHANGED] = True


def _before_commit(session: Session) -> None:
    # Written at commit rather than at the first flush, so the one row every writer updates
    # stays locked (on PostgreSQL) only for the commit itself, not for the whole transaction.
    if session.info.get(CHANGED) or _pending_change(session):
        write_new_generation(session)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost: committed or rolled back, start afresh
        session.info.pop(CHANGED, None)


LISTENERS: dict[str, Any] = {
    "before_flush": _before_flush,
    "do_orm_execute": _do_orm_execute,
    "before_commit": _before_commit,
    "after_transaction_end": _after_transaction_end,
}
