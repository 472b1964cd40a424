"""Posts go to a Trash before they are deleted

Revision ID: 2f2d801a430a
Revises: 5d2f8c41b7e9
Create Date: 2026-11-30 13:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

from hlsblog.blog import search

# revision identifiers, used by Alembic.
revision = "2f2d801a430a"
down_revision = "5d2f8c41b7e9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trashed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("trashed_from", sa.String(length=20), server_default="", nullable=False)
        )
    # After any batch work on "post": a table rebuild would drop the search triggers.
    search.install(op.get_bind())


def downgrade():
    # Posts still in the Trash go back to what they were: a downgraded blog has no Trash.
    op.execute(
        "UPDATE post SET status = COALESCE(NULLIF(trashed_from, ''), 'draft') WHERE status = 'trash'"
    )
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_column("trashed_from")
        batch_op.drop_column("trashed_at")
    search.install(op.get_bind())
