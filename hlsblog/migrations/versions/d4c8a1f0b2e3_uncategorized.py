"""Uncategorized is a real category: posts filed under none are filed under it

Revision ID: d4c8a1f0b2e3
Revises: e7a41c2b9d58
Create Date: 2026-11-30 19:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4c8a1f0b2e3"
down_revision = "e7a41c2b9d58"
branch_labels = None
depends_on = None

SLUG = "uncategorized"


def upgrade():
    bind = op.get_bind()
    # As WordPress files them: every post (never a page) with no category goes under one.
    orphans = (
        bind.execute(
            sa.text(
                "SELECT id FROM post WHERE kind = 'post' AND id NOT IN"
                " (SELECT post_id FROM post_categories)"
            )
        )
        .scalars()
        .all()
    )
    if not orphans:
        return
    found = bind.execute(sa.text("SELECT id FROM category WHERE slug = :s"), {"s": SLUG}).scalar()
    if found is None:
        bind.execute(
            sa.text("INSERT INTO category (name, slug, description) VALUES (:n, :s, '')"),
            {"n": "Uncategorized", "s": SLUG},
        )
        found = bind.execute(
            sa.text("SELECT id FROM category WHERE slug = :s"), {"s": SLUG}
        ).scalar()
    bind.execute(
        sa.text("INSERT INTO post_categories (post_id, category_id) VALUES (:p, :c)"),
        [{"p": post_id, "c": found} for post_id in orphans],
    )


def downgrade():
    # Filing posts under Uncategorized lost nothing: the category and its links stay.
    pass
