"""Outbox messages record every recommendation they mention, so that one is neither queued nor sent to someone who
may not see each of them; single sign-on accounts are bound to the provider's id for the person (issuer and
subject), not matched on their email address

Revision ID: s024
Revises: o025
Create Date: 2026-12-03 09:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.db_types

# revision identifiers, used by Alembic.
revision = "s024"
down_revision = "o025"
branch_labels = None
depends_on = None

#: SQLite never reuses an id (see 0009): a table this migration builds or rebuilds keeps AUTOINCREMENT
SQLITE_KEEPS_IDS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table("outbox_messages", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column("recommendation_ids", sa.JSON(), nullable=True))
    op.create_table(
        "oidc_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("created_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("linked_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("allowed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_oidc_identities_user_id_users")),
        sa.ForeignKeyConstraint(["allowed_by_id"], ["users.id"], name=op.f("fk_oidc_identities_allowed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_identities")),
        sa.UniqueConstraint("issuer", "subject", name="uq_oidc_identities_issuer_subject"),
        sa.UniqueConstraint("user_id", "issuer", name="uq_oidc_identities_user_id_issuer"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_oidc_identities_user_id"), "oidc_identities", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_oidc_identities_user_id"), table_name="oidc_identities")
    op.drop_table("oidc_identities")
    with op.batch_alter_table("outbox_messages", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_column("recommendation_ids")
