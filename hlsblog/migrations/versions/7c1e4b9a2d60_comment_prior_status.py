"""Comments remember the status they had before spam or trash

Revision ID: 7c1e4b9a2d60
Revises: 2f2d801a430a
Create Date: 2026-12-02 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c1e4b9a2d60"
down_revision = "2f2d801a430a"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("prior_status", sa.String(length=20), server_default="", nullable=False)
        )
    # Before the core kept it, the moderation plugin noted it in its own table: carry it over
    # (plain SQL on a table that may be absent; the core imports no plugin), so comments
    # already binned are restored where they came from.
    if sa.inspect(op.get_bind()).has_table("moderation_mark"):
        op.execute(
            "UPDATE comment SET prior_status = (SELECT m.prior_status FROM moderation_mark m"
            " WHERE m.comment_id = comment.id) WHERE status IN ('spam', 'trash')"
            " AND comment.id IN (SELECT comment_id FROM moderation_mark)"
        )


def downgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_column("prior_status")
