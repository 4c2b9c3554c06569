"""Running on more than one server: job heartbeats (the scheduler's last and next run of each job) and evidence
file bytes kept in the database ([uploads] backend = "database")

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.db_types

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_heartbeats",
        sa.Column("job", sa.String(length=50), nullable=False),
        sa.Column("last_started_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(length=20), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_run_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", name=op.f("pk_job_heartbeats")),
    )
    op.create_table(
        "evidence_files",
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_evidence_files_evidence_id_evidence"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("evidence_id", name=op.f("pk_evidence_files")),
    )


def downgrade():
    op.drop_table("evidence_files")
    op.drop_table("job_heartbeats")
