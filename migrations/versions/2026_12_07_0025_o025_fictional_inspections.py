"""Inspections record whether they are fictional demo data, so every page that shows one can say so.

Revision ID: o025
Revises: o024
Create Date: 2026-12-07 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "o025"
down_revision = "o024"
branch_labels = None
depends_on = None

# SQLite rebuilds the table to add a column; it must keep never reusing ids (tracker.db_types.never_reuse_ids)
SQLITE_KEEPS_IDS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table("inspections", schema=None, table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column("is_fictional", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("inspections", schema=None, table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_column("is_fictional")
