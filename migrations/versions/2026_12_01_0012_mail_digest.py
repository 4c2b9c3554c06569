"""Outbox messages remember the actions they mention, so a person hears of an action once a week,
and when retrying a message stops

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 12:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.db_types

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: SQLite never reuses an id (see 0009): a table this migration builds or rebuilds keeps AUTOINCREMENT
SQLITE_KEEPS_IDS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table("outbox_messages", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column("action_ids", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("give_up_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_column("give_up_at")
        batch_op.drop_column("action_ids")
