"""The staff's view of the procedures: the work queue, one case, and starting the sealing run — each behind the
access policy, each decision logged.

A case view shows the procedure's own data (state, deadlines, rules applied, dates, who decided) and never the
record's content or the person's identity: those are behind ``read_record`` / ``read_sealed_record``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from sqlalchemy.engine import Connection

from sealkeeper.access import Account, Action
from sealkeeper.adapters import case_codec
from sealkeeper.config import Settings
from sealkeeper.procedures.deadlines import queue as deadline_queue
from sealkeeper.services import reader_review, sealing_runs
from sealkeeper.services.authorization import require
from sealkeeper.services.procedure_catalogue import stored_view
from sealkeeper.services.store_access import open_store
from sealkeeper.store import case_repository as repo
from sealkeeper.store.account_repository import reading

QUEUE_LIMIT = 500


class CaseNotFoundError(LookupError):
    pass


def work_queue(settings: Settings, actor: Account, at: dt.datetime) -> list[dict[str, Any]]:
    """Open cases with a deadline, overdue first, with the days left (``procedures.deadlines.queue``)."""
    require(settings, actor, Action.VIEW_QUEUE, at)
    with reading(open_store(settings)) as conn:
        return _deadlines(conn, at)


def queue_with_proposals(
    settings: Settings, actor: Account, at: dt.datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The clerk's queue page: the open cases with a deadline (``work_queue``) and the records whose reader
    proposal awaits review, read in one snapshot under one logged VIEW_QUEUE decision (one view, one entry)."""
    require(settings, actor, Action.VIEW_QUEUE, at)
    with reading(open_store(settings)) as conn:
        return _deadlines(conn, at), reader_review.proposals_awaiting(conn)


def _deadlines(conn: Connection, at: dt.datetime) -> list[dict[str, Any]]:
    rows = [r for r in repo.cases_where(conn, limit=QUEUE_LIMIT) if r.due is not None]
    open_cases = [case_codec.decode(r.procedure, r.body) for r in rows]  # no narrative: the queue shows none
    return [{**asdict(item), "due": item.due.isoformat()} for item in deadline_queue(open_cases, at)]


def case_view(settings: Settings, actor: Account, case_id: str, at: dt.datetime) -> dict[str, Any]:
    require(settings, actor, Action.VIEW_QUEUE, at)
    with reading(open_store(settings)) as conn:
        row = repo.get_cases(conn, [case_id]).get(case_id)
    if row is None:
        raise CaseNotFoundError(case_id)
    return stored_view(row.procedure, row.body)  # narrative stays sealed here


def start_run(settings: Settings, actor: Account, day: dt.date, at: dt.datetime) -> sealing_runs.RunSummary:
    require(settings, actor, Action.RUN_SEALING, at)
    return sealing_runs.run(settings, day, at)
