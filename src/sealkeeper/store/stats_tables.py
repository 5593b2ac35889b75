"""The tables of the statistics (migration 0005 creates them), on the record store's ``metadata``.

- ``stats_budgets``: the privacy budget of one dataset in one period, in millionths of epsilon (exact
  integers): total and spent. A release's spend is written here, in the transaction that logs it, before
  the release is shown.
- ``stats_releases``: one row per release: its parameters and its noisy output (DP output is public; no row
  or person is in it).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, Table, Text

from sealkeeper.store.tables import metadata

stats_budgets = Table(
    "stats_budgets",
    metadata,
    Column("dataset", String(32), primary_key=True),
    Column("period", String(16), primary_key=True),
    Column("epsilon_total", BigInteger, nullable=False),
    Column("epsilon_spent", BigInteger, nullable=False),
)

stats_releases = Table(
    "stats_releases",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("dataset", String(32), nullable=False),
    Column("period", String(16), nullable=False),
    Column("query", String(64), nullable=False),
    Column("epsilon", BigInteger, nullable=False),
    Column("account", String(64), nullable=False),
    Column("released_at", DateTime(timezone=True), nullable=False),
    Column("ledger_index", Integer, nullable=False),
    Column("output", Text, nullable=False),
)
