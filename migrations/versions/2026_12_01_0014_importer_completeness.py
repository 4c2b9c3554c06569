"""Inspections keep the precision of their dates: a report that gives only a month is shown as that month

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-01 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None

#: SQLite never reuses an id (see 0009): a table this migration builds or rebuilds keeps AUTOINCREMENT
SQLITE_KEEPS_IDS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table("inspections", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(
            sa.Column("is_fieldwork_month_only", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("is_published_month_only", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("inspections", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_column("is_published_month_only")
        batch_op.drop_column("is_fieldwork_month_only")
