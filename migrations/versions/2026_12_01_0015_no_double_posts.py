"""No double posts: one-time form submission tokens, and progress updates their author corrected

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 22:30:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.db_types

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: SQLite never reuses an id (see 0009): a table this migration builds or rebuilds keeps AUTOINCREMENT
SQLITE_KEEPS_IDS = {"sqlite_autoincrement": True}


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("result_url", sa.String(length=2000), nullable=True),
        sa.Column("sent_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_submissions")),
    )
    with op.batch_alter_table("form_submissions") as batch_op:
        batch_op.create_index(batch_op.f("ix_form_submissions_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_form_submissions_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("progress_updates", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column("corrected_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("progress_updates", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_column("corrected_at")
    op.drop_table("form_submissions")
