"""Procedures through the API: open a case (apply, object, request correction or deletion, complain, request
unsealing), take a step in one, and the person's own cases."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from sealkeeper.api.deps import AccountDep, NowDep, SettingsDep
from sealkeeper.api.errors import ApiError
from sealkeeper.services import procedure_service as service
from sealkeeper.services import representatives

router = APIRouter(tags=["procedures"])
CasePath = Annotated[str, Path(pattern=r"^[A-Z]{2}-[0-9a-f]{16}$")]
CommandPath = Annotated[str, Path(pattern=r"^[A-Z][A-Za-z]{2,40}$")]

CaseId = Field(min_length=3, max_length=64, pattern=r"^[A-Z]{2}-[0-9a-f]{16}$")
Text = Field(min_length=1, max_length=200)


class GroundIn(BaseModel):
    rule: str = Text
    citation: str = Text
    text: str = Field(default="", max_length=4000)


class OpenCase(BaseModel):
    procedure: str = Field(pattern=r"^(application|objection|correction|deletion|complaint|unsealing|representation)$")
    records: list[str] = Field(default_factory=list, max_length=50, description="application: record case ids")
    materials: list[str] = Field(default_factory=list, max_length=50, description="application: material ids")
    contest: str | None = Field(default=None, max_length=64, description="objection: the contested case id")
    record_case: str | None = Field(default=None, max_length=64, description="correction, deletion, unsealing")
    fields: list[str] = Field(default_factory=list, max_length=50, description="correction/deletion: field names")
    ground: str | None = Field(default=None, pattern=r"^(leak|refused|late)$", description="complaint")
    concerning: str | None = Field(default=None, max_length=64, description="complaint: the case concerned")
    grounds: list[GroundIn] = Field(default_factory=list, max_length=20, description="unsealing: the reasons")
    purpose: str = Field(default="", max_length=64, description="unsealing: the listed judicial purpose")
    case_number: str = Field(default="", max_length=64, description="unsealing: the requester's own case number")
    on_behalf_of: str | None = Field(default=None, max_length=64, description="guardian or counsel: the person")
    subject: str | None = Field(default=None, max_length=64, description="representation: the person to represent")
    capacity: str | None = Field(default=None, pattern=r"^(guardian|counsel)$", description="representation")
    basis: str | None = Field(default=None, max_length=32, description="representation: the legal ground")
    document: str | None = Field(default=None, max_length=64, description="representation: the document's id")


@router.post("/cases", status_code=201, responses={403: {"description": "refused by the policy (logged)"}})
def open_case(body: OpenCase, account: AccountDep, settings: SettingsDep, now: NowDep) -> dict[str, Any]:
    fields = body.model_dump(exclude={"procedure"}, exclude_none=True)
    return service.view(service.open_case(settings, account, body.procedure, fields, now))


@router.post("/cases/{case_id}/{command}", responses={409: {"description": "the procedure refuses the command"}})
def take_step(case_id: CasePath, command: CommandPath, body: dict[str, Any], *, account: AccountDep,
              settings: SettingsDep, now: NowDep) -> dict[str, Any]:  # fmt: skip
    """Take a step (``ReviewMaterials``, ``Decide``, ``Vote``, ``SendNotice``, ``Withdraw``, ``Escalate``…)."""
    try:
        return service.view(service.take_step(settings, account, case_id, command, body, at=now))
    except service.CaseNotFoundError as exc:
        raise ApiError(404, str(exc)) from None


@router.get("/me/cases")
def my_cases(account: AccountDep, settings: SettingsDep, now: NowDep,
             on_behalf_of: Annotated[str, Query(max_length=64)] = "") -> list[dict[str, Any]]:  # fmt: skip
    """The person's record cases and procedures (a data-subject account; the read is logged); a guardian or
    counsel names the person it represents (``on_behalf_of``) and sees only that person's."""
    return service.cases_of_subject(settings, account, now, on_behalf_of)


@router.get("/me/representations")
def my_representations(account: AccountDep, settings: SettingsDep, now: NowDep) -> list[dict[str, Any]]:
    """A guardian's or counsel's links to the people it represents, in every state (the look is logged)."""
    return representatives.links_of(settings, account, now)


@router.get("/publications")
def publications(settings: SettingsDep) -> list[dict[str, Any]]:
    """Published decisions on applications, anonymised (no name, ID number, case number or ids). Public."""
    return service.publications(settings)
