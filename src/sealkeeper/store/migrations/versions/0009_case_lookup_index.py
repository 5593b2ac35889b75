"""Sealing cases found by record: ``ix_cases_bundle`` takes the procedure as its third column.

A certificate reads each of the person's decisions with its record's sealing case, joined on procedure,
bundle and record (``document_repository.person_records``). With the index on (bundle, record) alone,
SQLite's planner, which has no statistics in a fresh home, took ``ix_cases_procedure_state`` for that join
and read every sealing case of the store for each decision: 1.5 ms a certificate at 2,000 people, growing
with the store. On (bundle, record, procedure) the three equalities of the join match the index and the
planner takes it (0.02 ms at 2,000 people; ``EXPLAIN QUERY PLAN`` in the test of the query). Lookups on
bundle, or on bundle and record, still use the index's first columns.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_cases_bundle", table_name="cases")
    op.create_index("ix_cases_bundle", "cases", ["bundle", "record", "procedure"])


def downgrade() -> None:
    op.drop_index("ix_cases_bundle", table_name="cases")
    op.create_index("ix_cases_bundle", "cases", ["bundle", "record"])
