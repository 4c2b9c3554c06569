"""The migrations build the schema the models describe, on SQLite and PostgreSQL, in one line of history."""

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tracker.extensions import db

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


# The text-search indexes are PostgreSQL's alone (made there, compared there); SQLite has none to compare.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_models_and_migrations_agree(app):
    with app.app_context():
        context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_history_has_a_single_head(app):
    config = app.extensions["migrate"].migrate.get_config(str(VERSIONS.parent))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migration_files_are_named_by_date_and_sequence():
    names = sorted(p.name for p in VERSIONS.glob("*.py"))
    assert names
    assert all(re.fullmatch(r"\d{4}_\d{2}_\d{2}_\d{4}_[a-z0-9_]+\.py", name) for name in names), names
