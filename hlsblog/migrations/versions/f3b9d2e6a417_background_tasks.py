"""Background tasks: the task queue's ledger and its consumers' heartbeats

Revision ID: f3b9d2e6a417
Revises: c16a3e5d9b70
Create Date: 2026-11-30 18:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f3b9d2e6a417"
down_revision = "c16a3e5d9b70"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "background_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("again", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("run_at", sa.DateTime(), nullable=False),
        sa.Column("pushed_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "key", name="uq_background_task_kind_key"),
    )
    op.create_index(
        "ix_background_task_state_run_at", "background_task", ["state", "run_at"], unique=False
    )
    op.create_table(
        "task_consumer",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("task_consumer")
    op.drop_index("ix_background_task_state_run_at", table_name="background_task")
    op.drop_table("background_task")
