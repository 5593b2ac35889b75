"""What a backup holds, and how a restore treats each table (the restore policy).

- Not in a backup: ``settings`` (the live wrapped index key, which a restore keeps), ``data_keys`` (a deletion
  destroys a key, and that must reach every backup) and ``sessions`` (a sign-in does not outlive a restore).
- **Live wins** (the backup's rows the live home lacks are added; a live row is never rolled back): accounts
  and API tokens, so that a password changed, an account disabled or a token revoked after the backup stays
  so; the privacy budgets and releases, so that spent budget never comes back (that would let noise out
  unaccounted for).
- **The ledger** is append-only and published: it is never rolled back (``ledger_action``).
- **Replaced**: everything else (people, records, decisions, cases, access requests, documents, flags, and
  any table a later migration adds) takes the backup's rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from enum import Enum

import sqlalchemy as sa

from sealkeeper.errors import StoreError
from sealkeeper.store import account_tables, ledger_tables, procedure_tables, reader_tables, stats_tables  # noqa: F401 - every table on the metadata
from sealkeeper.store.tables import data_keys, metadata, settings

NOT_BACKED_UP = frozenset({settings.name, data_keys.name, account_tables.sessions.name})
LIVE_WINS = frozenset(
    t.name
    for t in (
        account_tables.accounts,
        account_tables.api_tokens,
        stats_tables.stats_budgets,
        stats_tables.stats_releases,
    )
)
LEDGER = frozenset(t.name for t in metadata.sorted_tables if t.name.startswith("ledger_"))
#: Entries a new home writes before anything is imported: a ledger of these only is a fresh one.
SETUP_EVENTS = frozenset({"store.initialised", "store.migrated", "key.created"})


def backed_up() -> list[sa.Table]:
    """Every table a backup copies, parents before children (foreign keys)."""
    return [t for t in metadata.sorted_tables if t.name not in NOT_BACKED_UP]


class LedgerAction(Enum):
    KEEP_LIVE = "keep_live"  # the live ledger extends the backup's: it already holds all of it
    RESTORE = "restore"  # a fresh home (setup entries only): the backup's ledger comes back


def ledger_action(*, is_prefix: bool, live_types: Iterable[object] | None) -> LedgerAction:
    """What a restore does with the ledger, from whether the backup's entries are the first entries of the live
    ledger (``is_prefix``) and the event types of the live entries (read only when they are not; None when the
    live log is too long to be a new home's).

    A restore never forks the published log (RFC 9162 §2.1.4: a later tree must be consistent with every
    earlier one): it keeps the live ledger when it extends the backup's, restores the backup's into a home
    whose ledger holds only its own setup entries, and refuses anything else.
    """
    if is_prefix:
        return LedgerAction.KEEP_LIVE
    if live_types is not None and all(t in SETUP_EVENTS for t in live_types):
        return LedgerAction.RESTORE
    raise StoreError(
        "the backup's ledger is not the beginning of this home's ledger (a backup of another home, or of a "
        "ledger that has since been replaced); restoring it would fork the published log, so nothing was changed"
    )


def event_type(entry: bytes) -> object:
    """The ``type`` of a ledger entry, or None when it is not a JSON object."""
    try:
        loaded = json.loads(entry)
    except ValueError:
        return None
    return loaded.get("type") if isinstance(loaded, dict) else None
