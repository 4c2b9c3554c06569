"""Security review: failed sign-ins remember the address typed in (one account is slowed from one client
address), and a submission remembers the recommendation's lead when it was submitted

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 23:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

#: SQLite never reuses an id (see 0009): a table this migration builds or rebuilds keeps AUTOINCREMENT
SQLITE_KEEPS_IDS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table("sign_in_attempts", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
        batch_op.create_index(batch_op.f("ix_sign_in_attempts_email"), ["email"], unique=False)
    with op.batch_alter_table("submissions", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column("lead_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_submissions_lead_id_users"), "users", ["lead_id"], ["id"])
    op.execute(
        "UPDATE submissions SET lead_id = (SELECT lead_id FROM recommendations "
        "WHERE recommendations.id = submissions.recommendation_id)"
    )


def downgrade():
    with op.batch_alter_table("submissions", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_submissions_lead_id_users"), type_="foreignkey")
        batch_op.drop_column("lead_id")
    with op.batch_alter_table("sign_in_attempts", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_attempts_email"))
        batch_op.drop_column("email")
