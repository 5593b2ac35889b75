"""The higher authority's desk (上一级机关, 复议; founding paper §4.4): the complaints referred to it and their files.

A complaint the supervising body rejected, or did not answer in time, is referred to the higher authority
(``procedures.complaint``). Least privilege: the higher authority sees only referred complaints — the complaint
and the procedural state of the case it concerns (state, deadlines, rules applied, who decided), never a
record's content nor a reason's narrative — and decides them with ``Reconsider`` through
``procedure_service.take_step`` (access action ``decide_complaint``; the decision and its rules and citations
go into the ledger). Each look is decided by the access policy and logged, allow or deny.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from sealkeeper.access import Account, Action
from sealkeeper.adapters import case_codec
from sealkeeper.config import Settings
from sealkeeper.procedures.complaint import ComplaintCase, ComplaintState
from sealkeeper.procedures.deadlines import queue as deadline_queue
from sealkeeper.services.authorization import require
from sealkeeper.services.procedure_catalogue import CaseNotFoundError, stored_view
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.services.store_access import open_store
from sealkeeper.store import case_repository as repo
from sealkeeper.store.database import transaction

INBOX_LIMIT = 500


def referred_inbox(settings: Settings, actor: Account, at: dt.datetime) -> list[dict[str, Any]]:
    """The complaints awaiting the higher authority's decision, overdue first, with the days left."""
    require(settings, actor, Action.VIEW_REFERRED_COMPLAINTS, at)
    with transaction(open_store(settings)) as conn:
        rows = repo.cases_where(conn, procedure="complaint", states=[str(ComplaintState.REFERRED)],
                                limit=INBOX_LIMIT)  # fmt: skip
    referred = [case_codec.decode(r.procedure, r.body) for r in rows]
    by_id = {c.case_id: c for c in referred if isinstance(c, ComplaintCase)}
    out = []
    for item in deadline_queue(referred, at):
        case = by_id[item.case_id]
        out.append({**asdict(item), "due": item.due.isoformat(), "ground": str(case.ground),
                    "referred_because": case.referred_because, "concerning": case.concerning})  # fmt: skip
    return out


def complaint_file(settings: Settings, actor: Account, case_id: str, at: dt.datetime) -> dict[str, Any]:
    """One referred complaint (or one the higher authority decided) and the procedural view of the case it
    concerns. A complaint never referred is not the higher authority's: it is answered as unknown."""
    require(settings, actor, Action.VIEW_REFERRED_COMPLAINTS, at)
    with transaction(open_store(settings)) as conn:
        row = repo.get_cases(conn, [case_id]).get(case_id)
        complaint = None if row is None or row.procedure != "complaint" else case_codec.decode(row.procedure, row.body)
        if row is None or not isinstance(complaint, ComplaintCase) or complaint.referred_because is None:
            raise CaseNotFoundError.of(ServiceRefusal.NO_REFERRED_COMPLAINT, case_id=case_id)
        concerned = repo.get_cases(conn, [complaint.concerning]).get(complaint.concerning)
    view = stored_view(row.procedure, row.body)
    view["concerning_case"] = None if concerned is None else stored_view(concerned.procedure, concerned.body)
    return view
