"""The procedures: cases, daily runs, judicial access requests, signed documents, monitoring flags.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(160), nullable=False),
        sa.Column("procedure", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(32), nullable=False),
        sa.Column("bundle", sa.String(64), nullable=True),
        sa.Column("record", sa.String(64), nullable=True),
        sa.Column("input_hash", sa.String(64), nullable=True),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("eligible_on", sa.Date(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("narrative", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", name="pk_cases"),
    )
    op.create_index("ix_cases_subject", "cases", ["subject"])
    op.create_index("ix_cases_bundle", "cases", ["bundle", "record"])
    op.create_index("ix_cases_procedure_state", "cases", ["procedure", "state"])
    op.create_index("ix_cases_eligible_on", "cases", ["eligible_on"])
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started", Stamp, nullable=False),
        sa.Column("finished", Stamp, nullable=True),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_index("ix_runs_day", "runs", ["day"])
    op.create_table(
        "access_requests",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("record", sa.String(160), nullable=False),
        sa.Column("subject", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("case_number", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("requested_at", Stamp, nullable=False),
        sa.Column("approver", sa.String(64), nullable=True),
        sa.Column("decided_at", Stamp, nullable=True),
        sa.Column("valid_from", Stamp, nullable=True),
        sa.Column("valid_until", Stamp, nullable=True),
        sa.Column("delay_reason", sa.String(64), nullable=True),
        sa.Column("delay_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_access_requests"),
    )
    op.create_index("ix_access_requests_requester", "access_requests", ["requester"])
    op.create_table(
        "documents",
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(32), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_documents"),
    )
    op.create_index("ix_documents_subject", "documents", ["subject"])
    op.create_table(
        "flags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_flags"),
    )


def downgrade() -> None:
    for table in ("flags", "documents", "access_requests", "runs", "cases"):
        op.drop_table(table)
