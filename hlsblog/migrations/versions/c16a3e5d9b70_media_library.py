"""Media library: uploaded images and files

Revision ID: c16a3e5d9b70
Revises: b15e0a7d3c21
Create Date: 2026-11-30 16:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c16a3e5d9b70"
down_revision = "b15e0a7d3c21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("original_name", sa.String(length=500), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("alt", sa.Text(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("sizes", sa.JSON(), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("wp_id", sa.Integer(), nullable=True),
        sa.Column("original_url", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["uploader_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("filename"),
    )
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_post_id"), ["post_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_wp_id"), ["wp_id"], unique=False)


def downgrade():
    # The files stay in the storage: a downgrade forgets them, it never deletes a picture.
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_wp_id"))
        batch_op.drop_index(batch_op.f("ix_media_post_id"))
        batch_op.drop_index(batch_op.f("ix_media_created_at"))
    op.drop_table("media")
