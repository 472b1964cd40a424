"""Listing indexes and full-text search

Revision ID: 5d2f8c41b7e9
Revises: ce0b6750e7b1
Create Date: 2026-11-28 11:05:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "5d2f8c41b7e9"
down_revision = "ce0b6750e7b1"
branch_labels = None
depends_on = None

# The full-text index as it was made on this day, written out here so that later changes to
# the app's code cannot change what this migration does. SQLite: an FTS5 table over the
# posts' title and text, kept in step by triggers. PostgreSQL: tsvector documents in
# post_search, with a GIN index and one trigger function.
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


def _run(statements_by_dialect):
    for statement in statements_by_dialect.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade():
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.create_index(
            "ix_post_front_page", ["status", "sticky", "published_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_post_author_listing", ["author_id", "status", "published_at"], unique=False
        )
    with op.batch_alter_table("post_categories", schema=None) as batch_op:
        batch_op.create_index(
            "ix_post_categories_category", ["category_id", "post_id"], unique=False
        )
    with op.batch_alter_table("post_tags", schema=None) as batch_op:
        batch_op.create_index("ix_post_tags_tag", ["tag_id", "post_id"], unique=False)
    # After any batch work on "post": a table rebuild would drop the search triggers.
    _run({"sqlite": _SQLITE, "postgresql": _POSTGRES})


def downgrade():
    _run(_DROP)
    with op.batch_alter_table("post_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_post_tags_tag")
    with op.batch_alter_table("post_categories", schema=None) as batch_op:
        batch_op.drop_index("ix_post_categories_category")
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_index("ix_post_author_listing")
        batch_op.drop_index("ix_post_front_page")
