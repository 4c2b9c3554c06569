"""Create assurance tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 09:40:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.db_types

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("reopened_by_id", sa.Integer(), nullable=True),
        sa.Column("reopened_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_submissions_decided_by_id_users")),
        sa.ForeignKeyConstraint(
            ["recommendation_id"], ["recommendations.id"], name=op.f("fk_submissions_recommendation_id_recommendations")
        ),
        sa.ForeignKeyConstraint(["reopened_by_id"], ["users.id"], name=op.f("fk_submissions_reopened_by_id_users")),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["users.id"], name=op.f("fk_submissions_submitted_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_recommendation_id"), ["recommendation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_submitted_at"), ["submitted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_submitted_by_id"), ["submitted_by_id"], unique=False)

    op.create_table(
        "action_dependencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_action_dependencies_action_id_actions")),
        sa.ForeignKeyConstraint(["blocker_id"], ["actions.id"], name=op.f("fk_action_dependencies_blocker_id_actions")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_action_dependencies_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_dependencies")),
        sa.UniqueConstraint("action_id", "blocker_id", name="uq_action_dependencies_action_id_blocker_id"),
    )
    with op.batch_alter_table("action_dependencies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_dependencies_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_dependencies_blocker_id"), ["blocker_id"], unique=False)

    op.create_table(
        "evidence_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_evidence_reviews_evidence_id_evidence")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_evidence_reviews_reviewed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_evidence_reviews_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_reviews")),
    )
    with op.batch_alter_table("evidence_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_reviews_evidence_id"), ["evidence_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_reviews_submission_id"), ["submission_id"], unique=False)


def downgrade():
    with op.batch_alter_table("evidence_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_reviews_submission_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_reviews_evidence_id"))

    op.drop_table("evidence_reviews")
    with op.batch_alter_table("action_dependencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_dependencies_blocker_id"))
        batch_op.drop_index(batch_op.f("ix_action_dependencies_action_id"))

    op.drop_table("action_dependencies")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_submitted_by_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_submissions_recommendation_id"))

    op.drop_table("submissions")
