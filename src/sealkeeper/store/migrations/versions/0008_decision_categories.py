"""Statistics: each decided record's offence category, stored with its decision (``decisions.category``).

The category release (outcomes-by-category) read and parsed every bundle's facts to find the Criminal Law
chapter of each record: about 15 s at a million records against about 2 s for the releases that count
columns. The category is now written when the record is decided (import) and counted from this column,
through the statistics' covering index, which takes it as its last column.

This migration adds the column empty. It cannot fill it: the chapter comes from the CN rule pack's Criminal
Law catalogue, and the store's migrations import no rules (the import-linter contract "the store holds rows;
it neither encrypts nor decides"). ``sealkeeper migrate`` fills it in the same transaction, right after the
migrations (``services.record_categories.fill_missing``), from the facts, which are kept in clear under the
subject token and so need no key. Until then a release refuses to count a record without one.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_STATS = ["bundle_id", "record_id", "status", "date"]


def upgrade() -> None:
    op.add_column("decisions", sa.Column("category", sa.String(32), nullable=True))
    op.drop_index("ix_decisions_stats", table_name="decisions")
    op.create_index("ix_decisions_stats", "decisions", [*_STATS, "category"])


def downgrade() -> None:
    op.drop_index("ix_decisions_stats", table_name="decisions")
    op.create_index("ix_decisions_stats", "decisions", _STATS)
    op.drop_column("decisions", "category")
