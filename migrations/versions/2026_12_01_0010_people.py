"""People who join, move and leave: session generations, deactivation, set-password links, API token expiry
and the second factor

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.db_types

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: SQLite never reuses an id (see 0009): a table this migration builds or rebuilds keeps AUTOINCREMENT
SQLITE_KEEPS_IDS = {"sqlite_autoincrement": True}


def upgrade():
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
        **SQLITE_KEEPS_IDS,
    )
    with op.batch_alter_table("recovery_codes", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "user_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", tracker.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_tokens_token_hash")),
        **SQLITE_KEEPS_IDS,
    )
    with op.batch_alter_table("user_tokens", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_tokens_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("api_tokens", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column("expires_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table("users", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("deactivated_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_enabled_at", tracker.db_types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("users", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_secret")
        batch_op.drop_column("deactivated_at")
        batch_op.drop_column("session_generation")

    with op.batch_alter_table("api_tokens", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_column("expires_at")

    with op.batch_alter_table("user_tokens", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_tokens_user_id"))

    op.drop_table("user_tokens")
    with op.batch_alter_table("recovery_codes", table_kwargs=SQLITE_KEEPS_IDS) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_codes_user_id"))

    op.drop_table("recovery_codes")
