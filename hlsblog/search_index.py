"""The database's own full-text index over posts, kept in step with them by triggers.

SQLite: an FTS5 table over ``post.title`` and ``post.body_source`` (external content, so the
text is stored once). PostgreSQL: a ``post_search`` table of ``tsvector`` documents with a GIN
index. Triggers on ``post`` keep both in step with every write, whichever code makes it (the
admin, ``save_post``, a WXR import, a bulk load). The ``simple`` configuration and FTS5's
``unicode61`` tokenizer both match whole words without stemming, so a query finds the same
posts on either database. The query side is ``hlsblog.blog.search``.

A new blog gets the index with its tables (``register``); an existing one from its
migrations. A migration that rebuilds the ``post`` table (SQLite batch mode copies and drops
it) drops its triggers, and must make them again: see the Trash migration.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event, text

from .models import Post

_SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS post_fts USING fts5("
    "title, body_source, content='post', content_rowid='id')",
    "CREATE TRIGGER IF NOT EXISTS post_fts_insert AFTER INSERT ON post BEGIN "
    "INSERT INTO post_fts(rowid, title, body_source) VALUES (new.id, new.title, new.body_source);"
    " END",
    "CREATE TRIGGER IF NOT EXISTS post_fts_delete AFTER DELETE ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, title, body_source) "
    "VALUES ('delete', old.id, old.title, old.body_source); END",
    "CREATE TRIGGER IF NOT EXISTS post_fts_update AFTER UPDATE OF title, body_source ON post "
    "BEGIN INSERT INTO post_fts(post_fts, rowid, title, body_source) "
    "VALUES ('delete', old.id, old.title, old.body_source); "
    "INSERT INTO post_fts(rowid, title, body_source) VALUES (new.id, new.title, new.body_source);"
    " END",
    "INSERT INTO post_fts(post_fts) VALUES ('rebuild')",
]
_POSTGRES = [
    "CREATE TABLE IF NOT EXISTS post_search (post_id integer PRIMARY KEY, document tsvector)",
    "CREATE INDEX IF NOT EXISTS ix_post_search_document ON post_search USING gin (document)",
    "CREATE OR REPLACE FUNCTION post_search_sync() RETURNS trigger AS $$ BEGIN "
    "IF TG_OP = 'DELETE' THEN DELETE FROM post_search WHERE post_id = old.id; RETURN old; END IF; "
    "INSERT INTO post_search (post_id, document) VALUES (new.id, to_tsvector('simple', "
    "coalesce(new.title, '') || ' ' || coalesce(new.body_source, ''))) "
    "ON CONFLICT (post_id) DO UPDATE SET document = excluded.document; RETURN new; "
    "END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS post_search_sync ON post",
    "CREATE TRIGGER post_search_sync AFTER INSERT OR DELETE OR UPDATE OF title, body_source "
    "ON post FOR EACH ROW EXECUTE FUNCTION post_search_sync()",
    "INSERT INTO post_search (post_id, document) SELECT id, to_tsvector('simple', "
    "coalesce(title, '') || ' ' || coalesce(body_source, '')) FROM post "
    "ON CONFLICT (post_id) DO NOTHING",
]
_DROP = {
    "sqlite": ["DROP TABLE IF EXISTS post_fts"],
    "postgresql": [
        "DROP TABLE IF EXISTS post_search",
        "DROP FUNCTION IF EXISTS post_search_sync() CASCADE",
    ],
}


def install(connection: Connection) -> None:
    """Create the index, its triggers, and index the posts already there (idempotent)."""
    statements = {"sqlite": _SQLITE, "postgresql": _POSTGRES}.get(connection.dialect.name, [])
    for statement in statements:
        connection.execute(text(statement))


def uninstall(connection: Connection) -> None:
    """Drop the index and its triggers."""
    for statement in _DROP.get(connection.dialect.name, []):
        connection.execute(text(statement))


def register() -> None:
    """Create the index whenever ``post`` is created (``create_all``), drop it with the table."""
    for name, listener in (("after_create", _after_create), ("before_drop", _before_drop)):
        if not event.contains(Post.__table__, name, listener):
            event.listen(Post.__table__, name, listener)


def _after_create(_table: Any, connection: Connection, **_kw: Any) -> None:
    install(connection)


def _before_drop(_table: Any, connection: Connection, **_kw: Any) -> None:
    uninstall(connection)
