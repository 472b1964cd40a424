"""An existing blog's database upgrades to exactly the schema the models describe."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

import hlsblog
from hlsblog.extensions import db

pytestmark = pytest.mark.plugins()

VERSIONS = Path(hlsblog.__file__).parent / "migrations" / "versions"


def test_migrations_build_the_models_schema(app):
    with app.app_context():
        _upgrade_from_nothing()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    core = {"user", "post", "comment", "category", "tag", "setting", "post_tags", "post_categories"}
    # Plugins' tables are created by init-db's create_all, not by the core's migrations.
    assert [d for d in diff if _table_of(d) in core] == []


def test_migrations_import_nothing_of_the_app():
    """A migration does what it did on the day it was written, whatever the app's code becomes."""
    imports = {path.name: _imported_modules(path) for path in VERSIONS.glob("*.py")}
    assert imports
    assert {name: found for name, found in imports.items() if "hlsblog" in found} == {}


def test_search_finds_posts_of_a_blog_built_and_rebuilt_by_the_migrations(app, make_post):
    # The Trash migration rebuilds "post" on SQLite, both ways: the search triggers must survive.
    with app.app_context():
        _upgrade_from_nothing()
        downgrade(revision="5d2f8c41b7e9")
        upgrade()
    make_post(title="Keeping a lighthouse", body="Lamps, lenses and long nights.")
    page = app.test_client().get("/search?q=lenses")
    assert "Keeping a lighthouse" in page.get_data(as_text=True)


def _upgrade_from_nothing():
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def _imported_modules(path):
    """The top-level packages a migration file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def _table_of(difference):
    thing = difference[1]
    if hasattr(thing, "table"):
        return thing.table.name
    return getattr(thing, "name", None) or difference[2]
