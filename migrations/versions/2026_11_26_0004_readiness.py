"""Create readiness tables: internal case audit rounds, their standards and key-question answers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:40:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.db_types

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_audit_rounds_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_audit_rounds_inspection_id_inspections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_rounds")),
    )
    with op.batch_alter_table("audit_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_rounds_inspection_id"), ["inspection_id"], unique=False)

    op.create_table(
        "audit_round_standards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_round_id", sa.Integer(), nullable=False),
        sa.Column("standard_id", sa.Integer(), nullable=False),
        sa.Column("cases_sampled", sa.Integer(), nullable=True),
        sa.Column("self_assessed_rating", sa.String(length=30), nullable=True),
        sa.CheckConstraint(
            "cases_sampled IS NULL OR cases_sampled > 0", name=op.f("ck_audit_round_standards_cases_sampled_positive")
        ),
        sa.ForeignKeyConstraint(
            ["audit_round_id"],
            ["audit_rounds.id"],
            name=op.f("fk_audit_round_standards_audit_round_id_audit_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["standard_id"], ["standards.id"], name=op.f("fk_audit_round_standards_standard_id_standards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_round_standards")),
        sa.UniqueConstraint("audit_round_id", "standard_id", name="uq_audit_round_standards_round_standard"),
    )
    with op.batch_alter_table("audit_round_standards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_round_standards_audit_round_id"), ["audit_round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_round_standards_standard_id"), ["standard_id"], unique=False)

    op.create_table(
        "audit_round_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_round_id", sa.Integer(), nullable=False),
        sa.Column("key_question_id", sa.Integer(), nullable=False),
        sa.Column("yes_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("yes_count >= 0", name=op.f("ck_audit_round_answers_yes_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["audit_round_id"],
            ["audit_rounds.id"],
            name=op.f("fk_audit_round_answers_audit_round_id_audit_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["key_question_id"], ["key_questions.id"], name=op.f("fk_audit_round_answers_key_question_id_key_questions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_round_answers")),
        sa.UniqueConstraint("audit_round_id", "key_question_id", name="uq_audit_round_answers_round_question"),
    )
    with op.batch_alter_table("audit_round_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_round_answers_audit_round_id"), ["audit_round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_round_answers_key_question_id"), ["key_question_id"], unique=False)


def downgrade():
    with op.batch_alter_table("audit_round_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_round_answers_key_question_id"))
        batch_op.drop_index(batch_op.f("ix_audit_round_answers_audit_round_id"))

    op.drop_table("audit_round_answers")
    with op.batch_alter_table("audit_round_standards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_round_standards_standard_id"))
        batch_op.drop_index(batch_op.f("ix_audit_round_standards_audit_round_id"))

    op.drop_table("audit_round_standards")
    with op.batch_alter_table("audit_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_rounds_inspection_id"))

    op.drop_table("audit_rounds")
