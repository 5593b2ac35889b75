"""Alembic environment: runs on the connection sealkeeper hands over (never reads alembic.ini)."""

from __future__ import annotations

from alembic import context

from sealkeeper.store import account_tables, ledger_tables, procedure_tables, reader_tables, stats_tables  # noqa: F401 - put their tables on the same metadata
from sealkeeper.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
