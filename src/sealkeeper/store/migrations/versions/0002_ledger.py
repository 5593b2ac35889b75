"""The ledger: entries, interior nodes, the head row, checkpoints and cosignatures.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("idx", Key, autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("idx", name="pk_ledger_entries"),
    )
    op.create_table(
        "ledger_subjects",
        sa.Column("subject", sa.LargeBinary(32), nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("subject", "idx", name="pk_ledger_subjects"),
    )
    op.create_table(
        "ledger_nodes",
        sa.Column("id", Key, autoincrement=False, nullable=False),
        sa.Column("hashes", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_nodes"),
    )
    head = op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.Column("indexed", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_head"),
    )
    op.bulk_insert(head, [{"id": 1, "size": 0, "frontier": b"", "indexed": 0}])
    op.create_table(
        "ledger_checkpoints",
        sa.Column("size", Key, autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("size", name="pk_ledger_checkpoints"),
    )
    op.create_table(
        "ledger_cosignatures",
        sa.Column("size", Key, autoincrement=False, nullable=False),
        sa.Column("witness", sa.String(255), nullable=False),
        sa.Column("verifier", sa.Text(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["size"], ["ledger_checkpoints.size"], name="fk_ledger_cosignatures_size_ledger_checkpoints"
        ),
        sa.PrimaryKeyConstraint("size", "witness", name="pk_ledger_cosignatures"),
    )


def downgrade() -> None:
    op.drop_table("ledger_cosignatures")
    op.drop_table("ledger_checkpoints")
    op.drop_table("ledger_head")
    op.drop_table("ledger_nodes")
    op.drop_table("ledger_subjects")
    op.drop_table("ledger_entries")
