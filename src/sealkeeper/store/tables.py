"""The tables of the record store (SQLAlchemy Core). Alembic migrations in ``migrations/`` create them.

What a dump of these tables shows (shared/DESIGN.md, "Data protection"):

- ``subjects``: a random pseudonymous token per person and a keyed blind index of the ID number (HMAC under
  a key that is itself wrapped by the key-encryption key). No name, no ID number.
- ``identities``: name, ID number and address, each an AEAD ciphertext under the person's data key, bound
  to (token, field, version).
- ``data_keys``: the person's data key wrapped by the key-encryption key. Deletion empties the row
  (crypto-shredding); ``sealkeeper backup`` never copies this table, so backups lose the key too:
  a backup restores only into the home whose key table it was taken from.
- ``bundles``: the legal facts (the bundle without identity and notes) under the token, and the narrative
  (the notes) encrypted under the person's key.
- ``decisions``: one per record, with the pack version and a hash of the decision's inputs, and the record's
  offence category (a Criminal Law chapter: coarser than the statute the facts already show).
- ``imports``: one row per imported file, for idempotency and for the report.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

subjects = Table(
    "subjects",
    metadata,
    Column("token", String(32), primary_key=True),
    Column("id_index", LargeBinary(32), nullable=True, unique=True),
    Column("created_on", Date, nullable=False),
    Column("deleted_on", Date, nullable=True),
)

data_keys = Table(
    "data_keys",
    metadata,
    Column("token", String(32), ForeignKey("subjects.token"), primary_key=True),
    Column("kek_id", String(64), nullable=True),
    Column("wrapped", LargeBinary, nullable=True),
)
Index("ix_data_keys_kek_id", data_keys.c.kek_id)

identities = Table(
    "identities",
    metadata,
    Column("token", String(32), ForeignKey("subjects.token"), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("name", LargeBinary, nullable=True),
    Column("id_number", LargeBinary, nullable=True),
    Column("address", LargeBinary, nullable=True),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("imported_on", Date, nullable=False),
    Column("bundles", Integer, nullable=False),
    Column("written", Integer, nullable=False),
)

bundles = Table(
    "bundles",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("token", String(32), ForeignKey("subjects.token"), nullable=False, index=True),
    Column("jurisdiction", String(16), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("version", Integer, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("facts", Text, nullable=False),
    Column("narrative", LargeBinary, nullable=True),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
)

decisions = Table(
    "decisions",
    metadata,
    Column("bundle_id", String(64), ForeignKey("bundles.id"), primary_key=True),
    Column("record_id", String(64), primary_key=True),
    Column("as_of", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("date", Date, nullable=True),
    Column("rule", String(128), nullable=False),
    Column("pack_id", String(16), nullable=False),
    Column("pack_version", String(32), nullable=False),
    Column("input_hash", String(64), nullable=False),
    # the record's offence category, a fixed vocabulary (services.record_categories says why it may be clear);
    # NULL only between migration 0008 and the fill that `sealkeeper migrate` runs with it
    Column("category", String(32), nullable=True),
)
# The statistics' counting runs on these alone, never on the bundles' wide rows (migrations 0007 and 0008).
Index("ix_bundles_stats", bundles.c.token, bundles.c.id, bundles.c.jurisdiction)
Index(
    "ix_decisions_stats",
    decisions.c.bundle_id, decisions.c.record_id, decisions.c.status, decisions.c.date, decisions.c.category,
)  # fmt: skip
