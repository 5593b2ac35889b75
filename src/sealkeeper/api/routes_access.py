"""Judicial access to sealed records, the person's access history, and the supervisor's monitoring queue."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from sealkeeper.access import AccessRole, NoticeDelay
from sealkeeper.access.errors import GrantError, SelfApprovalError
from sealkeeper.api.deps import AccountDep, NowDep, SettingsDep
from sealkeeper.api.errors import ApiError
from sealkeeper.services import access_history, judicial_access, monitoring
from sealkeeper.services.sealed_records import APPROVED

router = APIRouter(tags=["access"])

RequestId = Annotated[str, Path(pattern=r"^AR-[0-9a-f]{16}$", description="an access request's id")]
FlagId = Annotated[int, Path(ge=1, le=2**62)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such request, record or flag"}}


class NewRequest(BaseModel):
    record: str = Field(min_length=1, max_length=160, description="the sealing case id (SE-…) of the record")
    purpose: str = Field(min_length=1, max_length=64, description="criminal_investigation, prosecution, trial…")
    case_number: str = Field(min_length=1, max_length=64, description="the requester's own case number")


class Delay(BaseModel):
    reason: str = Field(min_length=1, max_length=64, description="impedes_duty or statutory_secrecy")
    until: dt.date = Field(description="the first day the person is told")


class Approval(BaseModel):
    valid_hours: int = Field(ge=1, le=24 * 30, description="how long the grant lasts from now, in hours")
    notice_delay: Delay | None = None


class Closing(BaseModel):
    note: str = Field(min_length=1, max_length=2000)


def _mapped(exc: Exception) -> ApiError:
    """The services' errors as HTTP answers (the message already names the field)."""
    if isinstance(exc, judicial_access.UnknownAccessRequestError | judicial_access.UnknownRecordError):
        return ApiError(404, str(exc))
    if isinstance(exc, monitoring.UnknownFlagError):
        return ApiError(404, str(exc))
    if isinstance(exc, SelfApprovalError):
        return ApiError(403, f"approver: {exc}")
    if isinstance(exc, judicial_access.RequestStateError | monitoring.FlagError):
        return ApiError(409, str(exc))
    if isinstance(exc, GrantError):
        return ApiError(422, f"notice_delay: {exc}" if "notice-delay" in str(exc) else str(exc))
    return ApiError(422, str(exc))


Handled = (judicial_access.AccessRequestError, monitoring.FlagError, GrantError)


@router.post("/access-requests", status_code=201, responses=NOT_FOUND)
def new_request(body: NewRequest, account: AccountDep, settings: SettingsDep, now: NowDep) -> dict[str, str]:
    """A judicial requester asks to read one sealed record, stating purpose and case number."""
    try:
        request_id = judicial_access.request_access(settings, account, body.record, body.purpose, body.case_number,
                                                    now)  # fmt: skip
    except Handled as exc:
        raise _mapped(exc) from None
    return {"id": request_id, "state": judicial_access.PENDING}


@router.get("/access-requests")
def list_requests(
    account: AccountDep,
    settings: SettingsDep,
    now: NowDep,
    view: Literal["inbox", "mine"] | None = None,
    state: Literal["pending", "approved", "denied"] = "pending",
) -> list[dict[str, Any]]:
    """The approvers' inbox (``view=inbox``, the default for approvers) or the caller's own requests."""
    chosen = view or ("inbox" if AccessRole.APPROVER in account.roles else "mine")
    if chosen == "mine":
        return judicial_access.my_requests(settings, account)
    return judicial_access.inbox(settings, account, now, state)


@router.post("/access-requests/{request_id}/approve", responses=NOT_FOUND)
def approve(
    request_id: RequestId, body: Approval, account: AccountDep, settings: SettingsDep, now: NowDep
) -> dict[str, str]:
    """An approver other than the requester grants the read of that one record for ``valid_hours`` from now,
    optionally delaying the person's notice for a stated legal reason."""
    delay = None if body.notice_delay is None else NoticeDelay(body.notice_delay.reason, body.notice_delay.until)
    try:
        judicial_access.approve(settings, account, request_id, dt.timedelta(hours=body.valid_hours), now, delay)
    except Handled as exc:
        raise _mapped(exc) from None
    return {"id": request_id, "state": APPROVED}


@router.post("/access-requests/{request_id}/deny", responses=NOT_FOUND)
def deny(request_id: RequestId, account: AccountDep, settings: SettingsDep, now: NowDep) -> dict[str, str]:
    try:
        judicial_access.deny(settings, account, request_id, now)
    except Handled as exc:
        raise _mapped(exc) from None
    return {"id": request_id, "state": judicial_access.DENIED}


@router.get("/access-requests/{request_id}/record", responses=NOT_FOUND)
def read_record(request_id: RequestId, account: AccountDep, settings: SettingsDep, now: NowDep) -> dict[str, Any]:
    """The facts of the approved record (no identity), within the grant's window; every attempt is logged."""
    try:
        return judicial_access.read_sealed(settings, account, request_id, now)
    except Handled as exc:
        raise _mapped(exc) from None


@router.get("/me/access")
def my_access(
    account: AccountDep,
    settings: SettingsDep,
    now: NowDep,
    lang: Literal["en", "zh"] = "en",
    on_behalf_of: Annotated[str, Query(max_length=64)] = "",
) -> dict[str, Any]:
    """Every access to the caller's records (or, for a guardian or counsel, to the records of the person named
    in ``on_behalf_of``), with ledger proofs; an access under a delayed notice appears only once the delay has
    ended, shown with the delay and its reason."""
    return access_history.my_access_history(settings, account, now, lang, on_behalf_of)


@router.post("/monitoring/scan")
def scan(account: AccountDep, settings: SettingsDep, now: NowDep) -> list[dict[str, Any]]:
    """Flag unusual access in the last day; returns the new flags (a re-run adds none for the same entries)."""
    return monitoring.scan(settings, account, now)


@router.get("/flags")
def flag_queue(
    account: AccountDep, settings: SettingsDep, now: NowDep, state: Literal["open", "closed"] = "open"
) -> list[dict[str, Any]]:
    """The supervisor's queue, each flag with the ledger indexes of the entries behind it."""
    return monitoring.queue(settings, account, now, state)


@router.post("/flags/{flag_id}/close", responses=NOT_FOUND)
def close_flag(flag_id: FlagId, body: Closing, account: AccountDep, settings: SettingsDep,
               now: NowDep) -> dict[str, Any]:  # fmt: skip
    try:
        return monitoring.close(settings, account, flag_id, body.note, now)
    except Handled as exc:
        raise _mapped(exc) from None
