"""Security review: SQLite never reuses an id (AUTOINCREMENT on every table with an integer id)

Without AUTOINCREMENT SQLite gives a new row the highest id plus one, so deleting the newest action and adding
another reused its id, and audit events for different actions shared one entity_id. PostgreSQL's sequences never
go back, so nothing changes there.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def tables_to_rebuild(bind, autoincrement: bool) -> list[str]:
    """The tables, as they are in this database, whose primary key is one `id` column and whose AUTOINCREMENT
    is not yet as wanted."""
    inspector = sa.inspect(bind)
    names = []
    for name in inspector.get_table_names():
        if name == "alembic_version" or inspector.get_pk_constraint(name)["constrained_columns"] != ["id"]:
            continue
        sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).scalar()
        if ("AUTOINCREMENT" in sql.upper()) != autoincrement:
            names.append(name)
    return names


def rebuild(autoincrement: bool) -> None:
    """SQLite cannot add AUTOINCREMENT to a table, only build it again. Foreign keys must be off while tables
    are swapped (SQLite's own procedure for altering a table, section 7 of its ALTER TABLE page); a pragma that
    cannot change inside a transaction, so this migration ends the transaction it runs in and starts another."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN")
    for name in tables_to_rebuild(bind, autoincrement):
        with op.batch_alter_table(name, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass
    problems = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"Rebuilding the tables broke foreign keys: {problems[:5]}")
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=ON")
    bind.exec_driver_sql("BEGIN")


def upgrade():
    rebuild(autoincrement=True)


def downgrade():
    rebuild(autoincrement=False)
