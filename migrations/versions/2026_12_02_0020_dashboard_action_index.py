"""Dashboard counts read each action's status and target date by recommendation from one index (PostgreSQL's
EXPLAIN ANALYZE on the national data: a scan of every action before, an index scan after)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 03:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    # A plain CREATE INDEX: no table is rebuilt, so SQLite's AUTOINCREMENT on actions stays as it is.
    op.create_index(
        "ix_actions_recommendation_id_status_target_on",
        "actions",
        ["recommendation_id", "status", "target_on"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_actions_recommendation_id_status_target_on", table_name="actions")
