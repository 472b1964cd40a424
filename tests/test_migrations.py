"""An existing blog's database upgrades to exactly the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from hlsblog.extensions import db

pytestmark = pytest.mark.plugins()


def test_migrations_build_the_models_schema(app):
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    core = {"user", "post", "comment", "category", "tag", "setting", "post_tags", "post_categories"}
    # Plugins' tables are created by init-db's create_all, not by the core's migrations.
    assert [d for d in diff if _table_of(d) in core] == []


def _table_of(difference):
    thing = difference[1]
    if hasattr(thing, "table"):
        return thing.table.name
    return getattr(thing, "name", None) or difference[2]
