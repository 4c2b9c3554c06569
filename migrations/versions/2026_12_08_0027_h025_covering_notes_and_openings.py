"""A submission carries the owner's covering note for the reviewer; the evidence each reviewer has opened is
recorded, so that "Accept all remaining" accepts only what they have looked at

Revision ID: h025
Revises: s024
Create Date: 2026-12-08 09:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.db_types

# revision identifiers, used by Alembic.
revision = "h025"
down_revision = "s024"
branch_labels = None
depends_on = None

#: SQLite never reuses an id (see 0009): a table this migration builds or rebuilds keeps AUTOINCREMENT
SQLITE_KEEPS_IDS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table("submissions", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column("covering_note", sa.Text(), server_default="", nullable=False))
    op.create_table(
        "evidence_openings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_evidence_openings_evidence_id_evidence"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_evidence_openings_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_openings")),
        sa.UniqueConstraint("evidence_id", "user_id", name="uq_evidence_openings_evidence_id_user_id"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_evidence_openings_user_id"), "evidence_openings", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_evidence_openings_user_id"), table_name="evidence_openings")
    op.drop_table("evidence_openings")
    with op.batch_alter_table("submissions", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_column("covering_note")
