"""A user an admin disabled: kept with their posts, but unable to log in

Revision ID: e7a41c2b9d58
Revises: f3b9d2e6a417
Create Date: 2026-11-30 18:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e7a41c2b9d58"
down_revision = "f3b9d2e6a417"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("disabled")
