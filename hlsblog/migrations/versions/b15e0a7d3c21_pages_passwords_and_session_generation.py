"""Pages beside posts, password-protected posts, and revocable sessions

Revision ID: b15e0a7d3c21
Revises: 7c1e4b9a2d60
Create Date: 2026-11-30 15:40:00.000000

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b15e0a7d3c21"
down_revision = "7c1e4b9a2d60"
branch_labels = None
depends_on = None

_POST_TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'post'"


@contextmanager
def _post_triggers_kept():
    """Make again the search index's triggers on "post" if SQLite's batch mode rebuilt it."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    before = dict(bind.exec_driver_sql(_POST_TRIGGERS).all())
    yield
    after = {name for name, _sql in bind.exec_driver_sql(_POST_TRIGGERS)}
    for name, sql in before.items():
        if name not in after:
            bind.exec_driver_sql(sql)


def upgrade():
    with (
        _post_triggers_kept(),
        op.batch_alter_table("post", schema=None) as batch_op,
    ):
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="post", nullable=False)
        )
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("menu_order", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("password", sa.String(length=255), server_default="", nullable=False)
        )
        batch_op.create_foreign_key(
            "fk_post_parent_id_post", "post", ["parent_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_post_page_tree", ["kind", "parent_id", "menu_order"])
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
    # A downgraded blog has no pages: they become drafts, as they were before it had them.
    op.execute("UPDATE post SET status = 'draft' WHERE kind = 'page' AND status = 'published'")
    with (
        _post_triggers_kept(),
        op.batch_alter_table("post", schema=None) as batch_op,
    ):
        batch_op.drop_index("ix_post_page_tree")
        # Dropping parent_id drops its foreign key with it (named or not: a blog made by
        # create_all has it unnamed).
        batch_op.drop_column("password")
        batch_op.drop_column("menu_order")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("kind")
