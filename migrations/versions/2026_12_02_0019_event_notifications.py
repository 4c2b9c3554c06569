"""Event notifications: what happened to a person's work, recorded with the change and told to them once;
and each person's choice of hearing at once or in their daily or weekly message

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 03:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.db_types

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("message_key", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_notification_events_actor_id_users")),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], name=op.f("fk_notification_events_recipient_id_users")),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_notification_events_recommendation_id_recommendations"),
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], ondelete="SET NULL", name=op.f("fk_notification_events_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            ondelete="SET NULL",
            name=op.f("fk_notification_events_evidence_id_evidence"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_events")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_notification_events_recipient_id_message_key", "notification_events", ["recipient_id", "message_key"]
    )
    op.create_index(op.f("ix_notification_events_recommendation_id"), "notification_events", ["recommendation_id"])
    op.create_index(op.f("ix_notification_events_created_at"), "notification_events", ["created_at"])
    op.add_column(
        "users", sa.Column("event_preference", sa.String(length=20), nullable=False, server_default="immediate")
    )


def downgrade():
    with op.batch_alter_table("users", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("event_preference")
    op.drop_index(op.f("ix_notification_events_created_at"), table_name="notification_events")
    op.drop_index(op.f("ix_notification_events_recommendation_id"), table_name="notification_events")
    op.drop_index("ix_notification_events_recipient_id_message_key", table_name="notification_events")
    op.drop_table("notification_events")
