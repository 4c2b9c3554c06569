"""An upload awaiting review keeps the administrator's corrections, section by section, until it is saved

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-02 03:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None

#: SQLite never reuses an id (see 0009): a table this migration builds or rebuilds keeps AUTOINCREMENT
SQLITE_KEEPS_IDS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table("report_import_drafts", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column("review", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("report_import_drafts", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_column("review")
