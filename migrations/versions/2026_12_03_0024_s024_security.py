"""Outbox messages record every recommendation they mention, so that one is neither queued nor sent to someone who
may not see each of them

Revision ID: s024
Revises: 0023
Create Date: 2026-12-03 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 's024'
down_revision = '0023'
branch_labels = None
depends_on = None

#: SQLite never reuses an id (see 0009): a table this migration builds or rebuilds keeps AUTOINCREMENT
SQLITE_KEEPS_IDS = {'sqlite_autoincrement': True}


def upgrade():
    with op.batch_alter_table('outbox_messages', table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column('recommendation_ids', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_column('recommendation_ids')
