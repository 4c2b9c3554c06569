"""Second factor: the time step of the last authenticator code accepted, so that no code works twice

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-02 03:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None

#: SQLite never reuses an id (see 0009): a table this migration builds or rebuilds keeps AUTOINCREMENT
SQLITE_KEEPS_IDS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table("users", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_column("totp_last_step")
