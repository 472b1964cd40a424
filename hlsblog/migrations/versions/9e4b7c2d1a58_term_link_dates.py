"""Each category and tag link keeps its published post's date, indexed for archives

Revision ID: 9e4b7c2d1a58
Revises: d4c8a1f0b2e3
Create Date: 2026-11-30 19:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9e4b7c2d1a58"
down_revision = "d4c8a1f0b2e3"
branch_labels = None
depends_on = None

LINKS = (
    ("post_categories", "category_id", "ix_post_categories_dated"),
    ("post_tags", "tag_id", "ix_post_tags_dated"),
)


def upgrade():
    for table, term, index in LINKS:
        op.add_column(table, sa.Column("published_at", sa.DateTime(), nullable=True))
        op.execute(
            f"UPDATE {table} SET published_at = "  # noqa: S608  (our own table names)
            f"(SELECT post.published_at FROM post WHERE post.id = {table}.post_id"
            " AND post.status = 'published' AND post.kind = 'post')"
        )
        op.create_index(index, table, [term, "published_at", "post_id"])


def downgrade():
    for table, _term, index in LINKS:
        op.drop_index(index, table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("published_at")
