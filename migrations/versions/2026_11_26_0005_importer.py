"""Create report_import_drafts: uploaded inspection reports awaiting an administrator's review

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.db_types

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_import_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("extraction", sa.JSON(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_report_import_drafts_inspection_id_inspections")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_report_import_drafts_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_import_drafts")),
    )
    with op.batch_alter_table("report_import_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_import_drafts_inspection_id"), ["inspection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_import_drafts_source_sha256"), ["source_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_import_drafts_uploaded_by_id"), ["uploaded_by_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_import_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_import_drafts_uploaded_by_id"))
        batch_op.drop_index(batch_op.f("ix_report_import_drafts_source_sha256"))
        batch_op.drop_index(batch_op.f("ix_report_import_drafts_inspection_id"))

    op.drop_table("report_import_drafts")
