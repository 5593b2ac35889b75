"""The judgment reader's proposals, to be confirmed or rejected by a person.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reader_proposals",
        sa.Column("bundle_id", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["bundle_id"], ["bundles.id"], name="fk_reader_proposals_bundle_id_bundles"),
        sa.ForeignKeyConstraint(["token"], ["subjects.token"], name="fk_reader_proposals_token_subjects"),
        sa.PrimaryKeyConstraint("bundle_id", "record_id", name="pk_reader_proposals"),
    )
    op.create_index("ix_reader_proposals_token", "reader_proposals", ["token"])


def downgrade() -> None:
    op.drop_index("ix_reader_proposals_token", table_name="reader_proposals")
    op.drop_table("reader_proposals")
