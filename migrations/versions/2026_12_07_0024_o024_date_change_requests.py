"""Date change requests: an action's owner asks for a new target date with a reason, the recommendation's lead
approves or refuses, and a date already slipped or moved beyond the limit also needs the reviewer's agreement.

Revision ID: o024
Revises: 0023
Create Date: 2026-12-07 12:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.db_types

# revision identifiers, used by Alembic.
revision = "o024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "date_change_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", tracker.db_types.UTCDateTime(), nullable=False),
        sa.Column("current_on", sa.Date(), nullable=False),
        sa.Column("new_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", tracker.db_types.UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", tracker.db_types.UTCDateTime(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_date_change_requests_action_id_actions")),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_date_change_requests_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_date_change_requests_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_date_change_requests_requested_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_date_change_requests")),
        # ids are never reused, as on every other table (tracker.db_types.never_reuse_ids)
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("date_change_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_date_change_requests_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_date_change_requests_state"), ["state"], unique=False)


def downgrade():
    with op.batch_alter_table("date_change_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_date_change_requests_state"))
        batch_op.drop_index(batch_op.f("ix_date_change_requests_action_id"))
    op.drop_table("date_change_requests")
