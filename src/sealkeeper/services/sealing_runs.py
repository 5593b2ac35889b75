"""The automatic (ex officio) sealing run: after each import and once a day (`sealkeeper run`). It also
escalates every step the authority owes that is overdue (once per step), so late items rise in the queue.

The run looks only at what needs it (``procedures.daily_run``): stored decisions that no sealing case has
applied yet (a new record, or facts that changed: another input hash) and scheduled cases whose date has come.
It works in chunks, each one transaction that changes the cases, appends their events to the ledger and counts
its progress in the run's row, so a run killed half-way keeps every finished chunk and the next run carries on
(the plan is idempotent: a case that moved on is skipped). Chunks walk the keys in order, so a run always ends,
even where a case refuses a command (it is counted as skipped and left for a person).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection, Engine

from sealkeeper.config import Settings
from sealkeeper.model.decision import Decision, PackRef, Status
from sealkeeper.procedures import sealing
from sealkeeper.procedures.base import Actor, Event, Role
from sealkeeper.procedures.daily_run import apply_plan, daily_run
from sealkeeper.procedures.deadlines import escalate_overdue
from sealkeeper.procedures.sealing import RecordCase
from sealkeeper.services import access_notices
from sealkeeper.services.cases import CaseBook, ledger_event
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.protection import open_protector
from sealkeeper.services.store_access import open_store, writer_lock
from sealkeeper.store import case_repository as repo
from sealkeeper.store.database import transaction

RUNNER = Actor("system:sealing-run", Role.SYSTEM)
CHUNK = 2000


@dataclass
class RunSummary:
    day: dt.date
    last_run: dt.date | None
    planned: int = 0
    applied: int = 0
    skipped: int = 0
    effects: dict[str, int] = field(default_factory=dict)

    def count(self, effect: str) -> None:
        self.effects[effect] = self.effects.get(effect, 0) + 1


def new_case_ids() -> tuple[str, str]:
    """An opaque case id and record id: the ledger and the API never show the source's case number."""
    suffix = secrets.token_hex(8)
    return f"SE-{suffix}", f"RC-{suffix}"


def _decision(row: Any, record_id: str) -> Decision:
    status = Status(row.status)
    return Decision(status, row.date, (row.rule,), PackRef(row.pack_id, row.pack_version), row.input_hash, record_id)


def _apply(book: CaseBook, cases: dict[str, tuple[RecordCase, int | None, tuple[str, str] | None]],
           decisions: dict[str, Decision], summary: RunSummary, at: dt.datetime) -> list[Event]:  # fmt: skip
    """Plan and apply for these cases; stage every case that changed (or is new) in ``book``."""
    plan = daily_run([case for case, _, _ in cases.values()], summary.day, decisions, summary.last_run)
    result = apply_plan({cid: case for cid, (case, _, _) in cases.items()}, plan, RUNNER, at)
    for item in plan.items:
        summary.count(item.effect)
    summary.planned += len(plan.items)
    summary.applied += result.applied
    summary.skipped += result.skipped
    for case_id, (before, expected, key) in cases.items():
        after = result.cases[case_id]
        if expected is None:
            book.stage(after, bundle=key[0] if key else None, record=key[1] if key else None)
        elif after.version != before.version:
            book.stage(after, expected=expected)
    return list(result.events)


class _Run:
    def __init__(self, settings: Settings, summary: RunSummary, run_id: int, at: dt.datetime) -> None:
        self.settings, self.summary, self.run_id, self.at = settings, summary, run_id, at
        self.ledger = open_ledger(settings)

    def changed(self, conn: Connection, rows: list[Any]) -> None:
        """Phase 1: new records and changed facts."""
        book = CaseBook(conn, open_protector(conn, self.settings))
        known = repo.get_cases(conn, [r.case_id for r in rows if r.case_id is not None])
        cases: dict[str, tuple[RecordCase, int | None, tuple[str, str] | None]] = {}
        decisions: dict[str, Decision] = {}
        for row in rows:
            if row.case_id is not None:
                case = _sealing_case(book, known[row.case_id])
                cases[case.case_id] = (case, case.version, None)
            else:
                case_id, record_id = new_case_ids()
                case = sealing.track(case_id, row.token, record_id, self.at)
                cases[case_id] = (case, None, (row.bundle_id, row.record_id))
            decisions[case.record_id] = _decision(row, case.record_id)
        self.commit(conn, book, _apply(book, cases, decisions, self.summary, self.at))

    def matured(self, conn: Connection, rows: list[Any]) -> None:
        """Phase 2: scheduled records whose date has come."""
        book = CaseBook(conn, open_protector(conn, self.settings))
        cases: dict[str, tuple[RecordCase, int | None, tuple[str, str] | None]] = {}
        for row in rows:
            case = _sealing_case(book, row)
            cases[case.case_id] = (case, case.version, None)
        self.commit(conn, book, _apply(book, cases, {}, self.summary, self.at))

    def escalate(self, conn: Connection, rows: list[Any]) -> None:
        """Phase 3: steps the authority owes that are overdue are escalated, once per step."""
        book = CaseBook(conn, open_protector(conn, self.settings))
        before = {row.case_id: (book.read(row), row.version) for row in rows}
        after, events = escalate_overdue([case for case, _ in before.values()], RUNNER, self.at)
        for case in after:
            old, version = before[case.case_id]
            if case.version != old.version:
                book.stage(case, expected=version)
                self.summary.count("escalate")
                self.summary.applied += 1
        self.commit(conn, book, list(events))

    def commit(self, conn: Connection, book: CaseBook, events: list[Event]) -> None:
        """The chunk's cases, their events and the run's counts, in the chunk's one transaction."""
        book.flush()
        if events:
            self.ledger.append_many(conn, [ledger_event(event) for event in events])
        repo.count_run(conn, self.run_id, self.summary.planned, self.summary.applied, self.summary.skipped)


def _sealing_case(book: CaseBook, row: Any) -> RecordCase:
    case = book.read(row)
    assert isinstance(case, RecordCase)  # noqa: S101 - the queries select sealing cases only
    return case


Fetch = Callable[[Connection, Any], list[Any]]


def _walk(engine: Engine, fetch: Fetch, key_of: Callable[[Any], Any], step: Callable[[Connection, list[Any]], None],
          *, start: Any, tick: Callable[[], None]) -> None:  # fmt: skip
    """Chunk by chunk in key order, each chunk its own transaction under the writer lock, until none is left."""
    key = start
    while True:
        with transaction(engine) as conn:
            writer_lock(conn)
            rows = fetch(conn, key)
            if rows:
                key = key_of(rows[-1])
                step(conn, rows)
        if not rows:
            return
        tick()


def run(settings: Settings, day: dt.date, at: dt.datetime,
        progress: Callable[[RunSummary], None] = lambda _s: None, chunk: int = CHUNK) -> RunSummary:  # fmt: skip
    """Seal, schedule and unseal what the stored decisions and today's date call for. ``at`` is the time the
    events carry (an aware datetime on ``day``)."""
    if at.tzinfo is None or at.date() != day:
        raise ValueError("the run's time is an aware datetime on the run's day")
    engine = open_store(settings)
    with transaction(engine) as conn:
        writer_lock(conn)
        summary = RunSummary(day, repo.last_finished_run(conn))
        work = _Run(settings, summary, repo.start_run(conn, day, at), at)
    phases: list[tuple[Fetch, Callable[[Any], Any], Callable[[Connection, list[Any]], None], Any]] = [
        (lambda conn, key: repo.changed_decisions(conn, key, chunk), lambda row: (row.bundle_id, row.record_id),
         work.changed, ("", "")),  # 1: new records and changed facts
        (lambda conn, key: repo.matured(conn, day, key, chunk), lambda row: row.case_id, work.matured, ""),
        (lambda conn, key: repo.overdue(conn, day, key, chunk), lambda row: row.case_id, work.escalate, ""),
    ]  # fmt: skip
    for fetch, key_of, step, start in phases:
        _walk(engine, fetch, key_of, step, start=start, tick=lambda: progress(summary))
    with transaction(engine) as conn:
        released = access_notices.release_due(conn, open_ledger(settings), day, at)  # delays that ended
        if released:
            summary.effects["access_notices_released"] = released
        repo.finish_run(conn, work.run_id, at)
    return summary
