"""Posts go to a Trash before they are deleted

Revision ID: 2f2d801a430a
Revises: 5d2f8c41b7e9
Create Date: 2026-11-30 13:15:00.000000

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2f2d801a430a"
down_revision = "5d2f8c41b7e9"
branch_labels = None
depends_on = None

_POST_TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'post'"


@contextmanager
def _post_triggers_kept():
    """Make again the triggers on "post" (the search index's) that a batch rebuild dropped.

    SQLite's batch mode may copy "post" to a new table and drop the old one, triggers and all;
    PostgreSQL alters the table in place. The triggers are read from the database, not from
    the app's code, so this migration does the same whatever that code says later.
    """
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
        batch_op.add_column(sa.Column("trashed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("trashed_from", sa.String(length=20), server_default="", nullable=False)
        )


def downgrade():
    # Posts still in the Trash go back to what they were: a downgraded blog has no Trash.
    op.execute(
        "UPDATE post SET status = COALESCE(NULLIF(trashed_from, ''), 'draft') WHERE status = 'trash'"
    )
    with (
        _post_triggers_kept(),
        op.batch_alter_table("post", schema=None) as batch_op,
    ):
        batch_op.drop_column("trashed_from")
        batch_op.drop_column("trashed_at")
