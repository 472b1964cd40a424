"""A fresh test database without building its schema again for every test.

SQLite: the first fresh database a process makes is kept as a template, and later tests' new
database files start as a copy of it. PostgreSQL: as follows.

Dropping the schema and creating some forty tables, indexes, triggers and functions was most of
a PostgreSQL test's set-up: each CREATE is a round trip and a catalog write. Here a test's
database whose schema is exactly the one the last fresh app started from is emptied in place
instead: every row deleted (``alembic_version``'s kept) and every sequence restarted, which
leaves what a new schema would. A test that changed the schema itself (a migration run up or
down, a table dropped, a restore) changes the catalog's fingerprint, and that database is
dropped and built again as before; so is every database if a new schema ever comes with rows.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from .extensions import db

# Everything a test could change in the schema, as text: tables and their columns, constraints,
# indexes, triggers, functions, enum types, and the migration the schema is stamped with.
_FINGERPRINT = text(
    """
    SELECT md5(string_agg(item, ',' ORDER BY item)) FROM (
        SELECT c.relname || ' ' || c.relkind::text || ' ' || coalesce(a.attname || ' '
            || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' '
            || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), '') AS item
        FROM pg_class c
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        WHERE c.relnamespace = 'public'::regnamespace
        UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' '
            || pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL SELECT 'index ' || indexname || ' ' || indexdef
        FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL SELECT 'trigger ' || tgrelid::regclass::text || ' ' || pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
        UNION ALL SELECT 'function ' || proname || ' ' || md5(prosrc)
        FROM pg_proc WHERE pronamespace = 'public'::regnamespace
        UNION ALL SELECT 'enum ' || t.typname || ' ' || e.enumlabel
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE t.typnamespace = 'public'::regnamespace
        UNION ALL SELECT 'version ' || version_num FROM public.alembic_version
    ) AS items
    """
)
_TABLES = text(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
)
_RESTART_SEQUENCES = text(
    "SELECT setval(s.seqrelid, s.seqstart, false) FROM pg_sequence s "
    "JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = 'public'::regnamespace"
)

# Per database URL: the fingerprint of the schema a fresh test app starts from.
_CLEAN: dict[str, str] = {}
_SQLITE = "sqlite:///"
# This process's fresh SQLite database, once one is made (in a folder removed at exit).
_SQLITE_TEMPLATE: list[Path] = []


def _fingerprint(conn: Connection) -> str | None:
    if conn.execute(text("SELECT to_regclass('public.alembic_version')")).scalar() is None:
        return None  # not a schema an app made
    return conn.execute(_FINGERPRINT).scalar()


def remember_clean(url: str) -> None:
    """Note ``url``'s schema, just built for a fresh app, as the one to start from again."""
    if url.startswith(_SQLITE):
        _keep_sqlite_template(Path(url.removeprefix(_SQLITE)))
        return
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            fingerprint = _fingerprint(conn)
            if fingerprint is not None and _holds_rows(conn):
                fingerprint = None  # a new schema that comes with rows: emptying would lose them
    finally:
        engine.dispose()
    if fingerprint is None:
        _CLEAN.pop(url, None)
    else:
        _CLEAN[url] = fingerprint


def _holds_rows(conn: Connection) -> bool:
    names = [conn.dialect.identifier_preparer.quote(t) for t in conn.execute(_TABLES).scalars()]
    probes = [f"SELECT 1 FROM {name}" for name in names]  # noqa: S608  (catalog's, quoted)
    if not names:
        return False
    return conn.exec_driver_sql(" UNION ALL ".join(probes) + " LIMIT 1").first() is not None


def empty_in_place(url: str) -> bool:
    """Empty ``url``'s database if its schema is still the clean one; False if it changed."""
    if url not in _CLEAN:
        return False
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if _fingerprint(conn) != _CLEAN[url]:
                return False
            _delete_rows(conn, sorted(conn.execute(_TABLES).scalars()))
            conn.execute(_RESTART_SEQUENCES)
        return True
    finally:
        engine.dispose()


def copy_sqlite_template(path: Path) -> bool:
    """Start a new SQLite database at ``path`` as a copy of the fresh one; False if none yet."""
    if not _SQLITE_TEMPLATE or path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_SQLITE_TEMPLATE[0], path)
    return True


def _keep_sqlite_template(path: Path) -> None:
    if not _SQLITE_TEMPLATE:
        folder = tempfile.mkdtemp(prefix="hlsblog-schema-")
        atexit.register(shutil.rmtree, folder, True)
        _SQLITE_TEMPLATE.append(Path(folder) / "fresh.sqlite3")
    _SQLITE_TEMPLATE[0].unlink(missing_ok=True)
    # The backup API copies what the write-ahead log holds too, as one consistent file.
    source, copy = sqlite3.connect(path), sqlite3.connect(_SQLITE_TEMPLATE[0])
    with closing(source), closing(copy):
        source.backup(copy)


def add_missing_tables(url: str) -> None:
    """In an app context: create the tables of models first imported by this app's plugins."""
    if set(db.metadata.tables) - set(inspect(db.engine).get_table_names()):
        db.create_all()
        remember_clean(url)


def _delete_rows(conn: Connection, tables: list[str]) -> None:
    """DELETE, far quicker than TRUNCATE on tables of a few rows; foreign keys are unchecked."""
    names = [conn.dialect.identifier_preparer.quote(table) for table in tables]
    try:
        with conn.begin_nested():
            # Replica mode skips the foreign-key triggers, so the order of the tables is free;
            # only a superuser may set it.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            deletes = [f"DELETE FROM {name}" for name in names]  # noqa: S608  (catalog's, quoted)
            conn.exec_driver_sql("; ".join(deletes))
    except DBAPIError:
        conn.exec_driver_sql(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
