"""The ledger's tables, on the record store's ``metadata`` (migration 0002 creates them).

- ``ledger_entries``: one row per log entry: its index and its bytes exactly as stored (canonical JSON, no
  personal data, subject and case number only as commitments).
- ``ledger_nodes``: the hash of every complete subtree, leaves (RFC 9162 leaf hashes) included, in strips
  of 64 consecutive hashes of one level (key ``level << 40 | index // 64``), so that an append writes
  about one row per 32 entries and a proof is one primary-key look-up of a few dozen strips.
- ``ledger_subjects``: (subject commitment, entry index), the per-person trail's index. It is built in
  sorted bulk from the entries' subject commitments when a trail is asked for (``ledger_head.indexed``
  says how far), so that appends write only at the end of the tables, never at random places in an index.
- ``ledger_head``: one row: the tree size and its frontier (the compact range [0, size)); every append
  locks and updates it, which serialises writers on SQLite and PostgreSQL alike.
- ``ledger_checkpoints``: every signed checkpoint note, written in the transaction that decided it.
- ``ledger_cosignatures``: witness cosignature lines over a checkpoint, with the witness's verifier key.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, LargeBinary, String, Table, Text

from sealkeeper.store.tables import metadata

#: An integer primary key that is SQLite's rowid (fast appends) and a BIGINT on PostgreSQL.
Key = BigInteger().with_variant(Integer(), "sqlite")
NODE_LEVEL_SHIFT = 40
STRIP = 64  # hashes per ledger_nodes row

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("idx", Key, primary_key=True, autoincrement=False),
    Column("data", LargeBinary, nullable=False),
)

ledger_subjects = Table(
    "ledger_subjects",
    metadata,
    Column("subject", LargeBinary(32), primary_key=True),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
)

ledger_nodes = Table(
    "ledger_nodes",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=False),
    Column("hashes", LargeBinary, nullable=False),
)

ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("frontier", LargeBinary, nullable=False),
    Column("indexed", BigInteger, nullable=False),
)

ledger_checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("size", Key, primary_key=True, autoincrement=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
)

ledger_cosignatures = Table(
    "ledger_cosignatures",
    metadata,
    Column("size", Key, ForeignKey("ledger_checkpoints.size"), primary_key=True, autoincrement=False),
    Column("witness", String(255), primary_key=True),
    Column("verifier", Text, nullable=False),
    Column("line", Text, nullable=False),
)
