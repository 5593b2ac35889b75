"""Procedures for staff: the work queue, a case, the sealing run; the higher authority's referred complaints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from sealkeeper.api.deps import AccountDep, NowDep, SettingsDep
from sealkeeper.api.errors import ApiError
from sealkeeper.services import casework, complaints
from sealkeeper.services.procedure_service import CaseNotFoundError

router = APIRouter(tags=["procedures"])


class RunRequest(BaseModel):
    day: dt.date | None = None


class RunSummary(BaseModel):
    day: dt.date
    last_run: dt.date | None
    planned: int
    applied: int
    skipped: int
    effects: dict[str, int]


@router.get("/queue")
def work_queue(account: AccountDep, settings: SettingsDep, now: NowDep) -> list[dict[str, Any]]:
    """Open cases with a deadline: overdue first, then by days left."""
    return casework.work_queue(settings, account, now)


@router.get("/cases/{case_id}", responses={404: {"description": "no such case"}})
def case(case_id: str, account: AccountDep, settings: SettingsDep, now: NowDep) -> dict[str, Any]:
    try:
        return casework.case_view(settings, account, case_id, now)
    except casework.CaseNotFoundError:
        raise ApiError(404, f"case_id: no case {case_id}") from None


@router.post("/runs", response_model=RunSummary)
def sealing_run(body: RunRequest, account: AccountDep, settings: SettingsDep, now: NowDep) -> RunSummary:
    """Run automatic sealing now (for today, or for ``day`` when catching up a past day)."""
    day = body.day or now.date()
    if day > now.date():
        raise ApiError(422, f"day: {day} is in the future; a run seals only what is due by today")
    at = now if day == now.date() else dt.datetime.combine(day, dt.time(23, 59), tzinfo=now.tzinfo)
    summary = casework.start_run(settings, account, day, at)
    return RunSummary(day=summary.day, last_run=summary.last_run, planned=summary.planned, applied=summary.applied,
                      skipped=summary.skipped, effects=summary.effects)  # fmt: skip


@router.get("/complaints/referred")
def referred_complaints(account: AccountDep, settings: SettingsDep, now: NowDep) -> list[dict[str, Any]]:
    """The higher authority's inbox (复议): complaints referred to it, overdue first, with the days left."""
    return complaints.referred_inbox(settings, account, now)


@router.get("/complaints/{case_id}", responses={404: {"description": "no complaint referred under that id"}})
def complaint_file(case_id: str, account: AccountDep, settings: SettingsDep, now: NowDep) -> dict[str, Any]:
    """A referred complaint and the procedural view of the case it concerns (no record content, no narrative).
    The higher authority decides it with ``POST /cases/{case_id}/Reconsider``."""
    try:
        return complaints.complaint_file(settings, account, case_id, now)
    except CaseNotFoundError as exc:
        raise ApiError(404, str(exc)) from None
