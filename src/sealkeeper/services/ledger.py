"""Logging events in the ledger, in the caller's transaction, and signing checkpoints.

    ledger = open_ledger(settings)
    with transaction(engine) as conn:
        ...the change...
        ledger.append(conn, {"type": "subject.deleted", "subject": token, "at": "2026-06-30"})

The entry is written in the caller's transaction: if the append fails (an event with personal data, a
database error, a concurrent writer) the exception rolls the caller's change back too, so nothing happens
that is not logged (fail closed). Writers are serialised by locking the ledger's head row.

``checkpoint`` signs the current tree head (Ed25519; with the ``gm`` suite also SM2, a second signature line)
in the same transaction that reads it, and only after checking
that the stored tree still gives the last signed checkpoint's root: two signed checkpoints are therefore
always consistent, also across crashes (a checkpoint whose transaction did not commit was never returned).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from sealkeeper.config import Settings
from sealkeeper.ledger import entries as entry_format
from sealkeeper.ledger.checkpoint import Checkpoint
from sealkeeper.ledger.errors import ForkError, LedgerError, ProofError, TamperedError
from sealkeeper.ledger.merkle import Fetch, consistency_proof, leaf_hashes, root_from, verify_consistency
from sealkeeper.ledger.note import sign_note
from sealkeeper.ledger.tree import extend, frontier_root, pack_frontier, unpack_frontier
from sealkeeper.services.ledger_keys import LedgerKeys, ensure_ledger_key, load_ledger_keys
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.store import ledger_repository as repo

__all__ = ["Ledger", "SignedCheckpoint", "append", "ensure_ledger_key", "open_ledger"]


@dataclass(frozen=True)
class SignedCheckpoint:
    size: int
    root: bytes
    note: str  # the signed note as the log signed it (without cosignatures)


def fetcher(conn: Connection) -> Fetch:
    return lambda nodes: repo.fetch_nodes(conn, nodes)


@dataclass(frozen=True)
class Ledger:
    keys: LedgerKeys

    @property
    def origin(self) -> str:
        return self.keys.origin

    def prepare(self, event: Mapping[str, Any]) -> tuple[bytes, str | None]:
        """The entry bytes of ``event`` (subject and case number committed) and its subject commitment."""
        return entry_format.prepare(event, self.keys.salt)

    def append(self, conn: Connection, event: Mapping[str, Any]) -> int:
        """Log one event in the caller's transaction; returns its index."""
        return self.append_prepared(conn, [self.prepare(event)]).start

    def append_many(self, conn: Connection, events: Sequence[Mapping[str, Any]]) -> range:
        """Log a batch of events in the caller's transaction (one statement per table); returns their indexes."""
        return self.append_prepared(conn, entry_format.prepare_many(events, self.keys.salt))

    def append_prepared(self, conn: Connection, items: Sequence[tuple[bytes, str | None]]) -> range:
        """Append entry bytes (from ``prepare``; the subject commitment is inside the entry, and the trail's
        index is built from the entries later, in bulk, so the second element is not stored here)."""
        if not items:
            raise LedgerError.of(ServiceRefusal.NOTHING_TO_APPEND)
        size, blob, _ = repo.lock_head(conn)
        datas = [data for data, _ in items]
        leaves = leaf_hashes(datas)
        ext = extend(size, unpack_frontier(size, blob), leaves)
        repo.append(conn, size, datas, ext.packed_runs(leaves, size), ext.size, pack_frontier(ext.frontier))
        return range(size, ext.size)

    def checkpoint(self, conn: Connection) -> SignedCheckpoint:
        """Sign the current tree head (or return the latest checkpoint if the log has not grown since)."""
        size, blob, _ = repo.lock_head(conn)
        if size == 0:
            raise LedgerError.of(ServiceRefusal.LOG_EMPTY)
        fetch = fetcher(conn)
        root = root_from(size, fetch)
        if root != frontier_root(size, unpack_frontier(size, blob)):
            raise TamperedError.of(ServiceRefusal.HEAD_DISAGREES, size=size)
        last = repo.latest_checkpoint(conn)
        if last is not None:
            last_size, last_root = int(last.size), bytes(last.root)
            if last_size > size:
                raise ForkError.of(ServiceRefusal.CHECKPOINT_BEYOND_LOG, checkpoint=last_size, size=size)
            if last_size == size:
                if last_root != root:
                    raise ForkError.of(ServiceRefusal.ROOT_DIFFERS, size=size)
                return SignedCheckpoint(size, root, str(last.note))
            try:
                verify_consistency(last_size, size, last_root, root, consistency_proof(last_size, size, fetch))
            except ProofError as exc:
                raise ForkError.of(
                    ServiceRefusal.NOT_CONSISTENT, size=size, checkpoint=last_size, problem=exc
                ) from None
        note = sign_note(Checkpoint(self.origin, size, root).body(), self.keys.signers)
        repo.add_checkpoint(conn, size, root, note)
        return SignedCheckpoint(size, root, note)


_LEDGERS: dict[str, Ledger] = {}


def open_ledger(settings: Settings) -> Ledger:
    """The ledger of this home (its keys are read once per process)."""
    key = str(settings.home)
    if key not in _LEDGERS:
        _LEDGERS[key] = Ledger(load_ledger_keys(settings))
    return _LEDGERS[key]


def append(conn: Connection, event: Mapping[str, Any], settings: Settings) -> int:
    """Log one event in the caller's transaction (``open_ledger(settings).append``)."""
    return open_ledger(settings).append(conn, event)
