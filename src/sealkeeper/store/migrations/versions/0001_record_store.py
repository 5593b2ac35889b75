"""The record store: subjects, wrapped data keys, encrypted identities, bundles, decisions, imports.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )
    op.create_table(
        "subjects",
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("id_index", sa.LargeBinary(32), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("deleted_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("token", name="pk_subjects"),
        sa.UniqueConstraint("id_index", name="uq_subjects_id_index"),
    )
    op.create_table(
        "data_keys",
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("kek_id", sa.String(64), nullable=True),
        sa.Column("wrapped", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["token"], ["subjects.token"], name="fk_data_keys_token_subjects"),
        sa.PrimaryKeyConstraint("token", name="pk_data_keys"),
    )
    op.create_index("ix_data_keys_kek_id", "data_keys", ["kek_id"])
    op.create_table(
        "identities",
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.LargeBinary(), nullable=True),
        sa.Column("id_number", sa.LargeBinary(), nullable=True),
        sa.Column("address", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["token"], ["subjects.token"], name="fk_identities_token_subjects"),
        sa.PrimaryKeyConstraint("token", name="pk_identities"),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("imported_on", sa.Date(), nullable=False),
        sa.Column("bundles", sa.Integer(), nullable=False),
        sa.Column("written", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
        sa.UniqueConstraint("digest", name="uq_imports_digest"),
    )
    op.create_table(
        "bundles",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("jurisdiction", sa.String(16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("narrative", sa.LargeBinary(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["token"], ["subjects.token"], name="fk_bundles_token_subjects"),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name="fk_bundles_import_id_imports"),
        sa.PrimaryKeyConstraint("id", name="pk_bundles"),
    )
    op.create_index("ix_bundles_token", "bundles", ["token"])
    op.create_table(
        "decisions",
        sa.Column("bundle_id", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("rule", sa.String(128), nullable=False),
        sa.Column("pack_id", sa.String(16), nullable=False),
        sa.Column("pack_version", sa.String(32), nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["bundle_id"], ["bundles.id"], name="fk_decisions_bundle_id_bundles"),
        sa.PrimaryKeyConstraint("bundle_id", "record_id", name="pk_decisions"),
    )


def downgrade() -> None:
    for table in ("decisions", "bundles", "imports", "identities", "data_keys", "subjects", "settings"):
        op.drop_table(table)
