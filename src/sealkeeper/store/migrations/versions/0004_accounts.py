"""Accounts and authentication: accounts, sessions, API tokens.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("roles", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(32), nullable=True),
        sa.Column("jurisdictions", sa.String(255), nullable=False),
        sa.Column("totp_secret", sa.LargeBinary(), nullable=False),
        sa.Column("totp_step", sa.BigInteger(), nullable=True),
        sa.Column("failures", sa.Text(), nullable=False),
        sa.Column("locked_until", Stamp, nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("username", name="uq_accounts_username"),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account", sa.String(40), nullable=False),
        sa.Column("created", Stamp, nullable=False),
        sa.Column("last_seen", Stamp, nullable=False),
        sa.Column("expires", Stamp, nullable=False),
        sa.ForeignKeyConstraint(["account"], ["accounts.id"], name="fk_sessions_account_accounts", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
    )
    op.create_index("ix_sessions_account", "sessions", ["account"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account", sa.String(40), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("created", Stamp, nullable=False),
        sa.Column("expires", Stamp, nullable=False),
        sa.Column("revoked", Stamp, nullable=True),
        sa.ForeignKeyConstraint(
            ["account"], ["accounts.id"], name="fk_api_tokens_account_accounts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_account", "api_tokens", ["account"])


def downgrade() -> None:
    for table in ("api_tokens", "sessions", "accounts"):
        op.drop_table(table)
