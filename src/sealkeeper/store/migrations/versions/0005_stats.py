"""Statistics: the privacy budget per dataset and period, and the releases.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stats_budgets",
        sa.Column("dataset", sa.String(32), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("epsilon_total", sa.BigInteger(), nullable=False),
        sa.Column("epsilon_spent", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("dataset", "period", name="pk_stats_budgets"),
    )
    op.create_table(
        "stats_releases",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("dataset", sa.String(32), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("query", sa.String(64), nullable=False),
        sa.Column("epsilon", sa.BigInteger(), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ledger_index", sa.Integer(), nullable=False),
        sa.Column("output", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stats_releases"),
    )


def downgrade() -> None:
    op.drop_table("stats_releases")
    op.drop_table("stats_budgets")
