"""Listing indexes and full-text search

Revision ID: 5d2f8c41b7e9
Revises: ce0b6750e7b1
Create Date: 2026-11-28 11:05:00.000000

"""

from alembic import op

from hlsblog.blog import search

# revision identifiers, used by Alembic.
revision = "5d2f8c41b7e9"
down_revision = "ce0b6750e7b1"
branch_labels = None
depends_on = None


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
    search.install(op.get_bind())


def downgrade():
    search.uninstall(op.get_bind())
    with op.batch_alter_table("post_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_post_tags_tag")
    with op.batch_alter_table("post_categories", schema=None) as batch_op:
        batch_op.drop_index("ix_post_categories_category")
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_index("ix_post_author_listing")
        batch_op.drop_index("ix_post_front_page")
