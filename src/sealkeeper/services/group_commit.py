"""Group commit: concurrent units of work that end in a ledger append share one write transaction.

    indexes = group_commit(settings).run(lambda conn: [...write rows on conn...; return the events])

A request thread hands its work (a function of the connection that writes its rows and returns the events to
log) to ``GroupCommit.run`` and waits. The thread that finds no batch being written leads: it takes every
queued unit, runs them in one transaction in arrival order, each under a savepoint (a unit that raises is
rolled back alone and gets its exception; its events are prepared, and so checked, inside its savepoint too;
a unit alone in its batch needs no savepoint), appends all the events with one ``append_prepared`` (each
unit's events stay together, in arrival order) and commits once; then it wakes the others and hands the
lead to the first unit that queued meanwhile. The ledger is the same as if the units had committed one after
another in that order (appending n entries at once gives the tree of n single appends), and no caller returns
before the transaction holding its entries committed: a failed append or commit fails every unit of the
batch, and none of them is answered as done.

Why: every logged write takes the ledger's one writer lock (its head row) up to its commit, so one request
at a time can commit, and each commit waits for its own flush to disk. Sharing the transaction shares the
lock, the tree update and the flush among the requests that arrived while the previous batch was written
(what databases and append-only logs do; no library offers it for an application's own transaction).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sealkeeper.config import Settings
from sealkeeper.errors import StoreError
from sealkeeper.ledger import entries as entry_format
from sealkeeper.ledger.errors import LedgerError
from sealkeeper.services.ledger import Ledger, open_ledger
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.services.store_access import open_store
from sealkeeper.store.database import transaction

Work = Callable[[Connection], Sequence[Mapping[str, Any]]]

#: Units per transaction at most (a larger backlog is written in several transactions, in order).
MAX_BATCH = 256


@dataclass(eq=False)
class _Unit:
    work: Work
    wake: threading.Event = field(default_factory=threading.Event)
    done: bool = False
    indexes: range | None = None
    error: Exception | None = None


class GroupCommit:
    """The batching writer of one store and its ledger (one per process: ``group_commit``)."""

    def __init__(self, engine: Engine, ledger: Ledger, max_batch: int = MAX_BATCH) -> None:
        self.engine, self.ledger, self.max_batch = engine, ledger, max_batch
        self._lock = threading.Lock()
        self._queue: list[_Unit] = []
        self._leading = False

    @property
    def queued(self) -> int:
        """How many units wait for the next batch (the one being written not counted)."""
        with self._lock:
            return len(self._queue)

    def run(self, work: Work) -> range:
        """Run ``work`` in a write transaction shared with concurrent callers, log the events it returns, and
        return their indexes once that transaction committed; ``work``'s own exception is raised as it was."""
        unit = _Unit(work)
        with self._lock:
            self._queue.append(unit)
            lead = not self._leading
            self._leading = True
        if lead:
            self._lead()
        while not unit.done:  # woken either with the result or to lead the next batch (then it is in it)
            unit.wake.wait()
            unit.wake.clear()
            if not unit.done:
                self._lead()
        if unit.error is not None:
            raise unit.error
        if unit.indexes is None:  # pragma: no cover - only if the leader died of a BaseException
            raise StoreError.of(ServiceRefusal.APPEND_INCOMPLETE)
        return unit.indexes

    def _lead(self) -> None:
        with self._lock:
            batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
        try:
            self._write(batch)
        finally:
            with self._lock:
                successor = self._queue[0] if self._queue else None
                self._leading = successor is not None
            for unit in batch:
                unit.done = True
                unit.wake.set()
            if successor is not None:
                successor.wake.set()

    def _write(self, batch: list[_Unit]) -> None:
        if len(batch) == 1:
            self._write_alone(batch[0])
            return
        try:
            with transaction(self.engine) as conn:
                prepared = [(unit, self._prepare(conn, unit)) for unit in batch]
                items = [item for _, entries in prepared for item in entries]
                if items:
                    start = self.ledger.append_prepared(conn, items).start
                    for unit, entries in prepared:
                        if unit.error is None:
                            unit.indexes, start = range(start, start + len(entries)), start + len(entries)
        except Exception as exc:
            failed = _append_error(exc)
            for unit in batch:
                if unit.error is None:
                    unit.indexes, unit.error = None, failed
        # a failure after a unit's savepoint (the append, the commit) fails it, although its own work went well

    def _write_alone(self, unit: _Unit) -> None:
        """A batch of one: no savepoint, since a failure of the unit rolls back a transaction that holds it alone
        (a savepoint is a round trip each way on PostgreSQL; under load most batches are of one)."""
        try:
            with transaction(self.engine) as conn:
                try:
                    items = self._items(conn, unit)
                except Exception as exc:
                    unit.error = _own_error(exc)
                    raise _RolledBack from None
                unit.indexes = self.ledger.append_prepared(conn, items)
        except _RolledBack:
            unit.indexes = None
        except Exception as exc:  # the append or the commit: as for a batch
            unit.indexes, unit.error = None, _append_error(exc)

    def _prepare(self, conn: Connection, unit: _Unit) -> list[tuple[bytes, str | None]]:
        """The unit's work under a savepoint, and its events as entry bytes; [] when it failed (its error kept)."""
        try:
            with conn.begin_nested():
                return self._items(conn, unit)
        except Exception as exc:  # rolled back to the savepoint; the rest of the batch goes on
            unit.error = _own_error(exc)
        return []

    def _items(self, conn: Connection, unit: _Unit) -> list[tuple[bytes, str | None]]:
        """Run the unit's work on ``conn``; its events as entry bytes (raises what the work raises)."""
        events = unit.work(conn)
        if not events:
            raise LedgerError.of(ServiceRefusal.NOTHING_TO_APPEND)
        return entry_format.prepare_many(events, self.ledger.keys.salt)


class _RolledBack(Exception):  # noqa: N818 - a signal inside this module, not an error anyone sees
    """The lone unit's work failed (its error is kept on the unit): roll its transaction back."""


def _append_error(exc: Exception) -> StoreError:
    """What every unit of a batch gets when the append or the commit failed after its own work went well."""
    return exc if isinstance(exc, StoreError) else StoreError.of(ServiceRefusal.APPEND_FAILED, kind=type(exc).__name__)


def _own_error(exc: Exception) -> Exception:
    """What a unit's caller gets for its work's failure: a database error wrapped, its own error as it was."""
    if isinstance(exc, sa.exc.SQLAlchemyError):
        return StoreError.of(ServiceRefusal.DATABASE_ERROR, kind=type(exc).__name__)
    return exc


_COMMITTERS: dict[tuple[str, str], GroupCommit] = {}
_REGISTRY = threading.Lock()


def group_commit(settings: Settings) -> GroupCommit:
    """This process's batching writer for the home's store and ledger."""
    engine, ledger = open_store(settings), open_ledger(settings)
    key = (settings.database_url, str(settings.home))
    with _REGISTRY:
        found = _COMMITTERS.get(key)
        if found is None or found.engine is not engine or found.ledger is not ledger:
            found = _COMMITTERS[key] = GroupCommit(engine, ledger)
        return found
