"""The higher authority's pages (上一级机关, 复议): the inbox of complaints referred to it, overdue first, each
complaint's file (the complaint and the procedural state of the case it concerns: never a record's content nor a
reason's narrative), and the reconsideration (``Reconsider``: a finding and its reasons) on the file's page.

The same services as the API decide: ``complaints`` (view_referred_complaints) and ``procedure_service.take_step``
(decide_complaint), each decision of the access policy logged; the page checks no role itself.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sealkeeper.access import Account
from sealkeeper.errors import SealkeeperError
from sealkeeper.procedures.complaint import Reconsider
from sealkeeper.services import complaints, procedure_service
from sealkeeper.services.procedure_catalogue import CaseNotFoundError
from sealkeeper.web.forms import body_from_form, fields_of
from sealkeeper.web.pages import account_or_login, posted, render
from sealkeeper.web.refusals import fields_of as refused_fields
from sealkeeper.web.refusals import said

router = APIRouter(include_in_schema=False)
STEP = "Reconsider"


@router.get("/referred")
def referred_inbox(request: Request) -> Response:
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    try:
        items = complaints.referred_inbox(request.app.state.settings, account, request.app.state.clock())
    except SealkeeperError as exc:
        return render(request, "error.html", 403, account=account, message=said(request, exc))
    return render(request, "referred.html", account=account, items=items)


@router.get("/referred/{case_id}")
def complaint_file(request: Request, case_id: str) -> Response:
    account = account_or_login(request)
    return account if isinstance(account, Response) else _file(request, account, case_id)


def _file(request: Request, account: Account, case_id: str, status: int = 200, **extra: Any) -> HTMLResponse:
    try:
        file = complaints.complaint_file(request.app.state.settings, account, case_id, request.app.state.clock())
    except CaseNotFoundError as exc:
        return render(request, "error.html", 404, account=account, message=said(request, exc))
    except SealkeeperError as exc:
        return render(request, "error.html", 403, account=account, message=said(request, exc))
    return render(request, "complaint_file.html", status, account=account, file=file, step=STEP,
                  fields=fields_of(Reconsider), **extra)  # fmt: skip


@router.post("/referred/{case_id}")
async def reconsider(request: Request, case_id: str) -> Response:
    """Decide a referred complaint (复议) with a finding and its reasons; refused beside the form."""
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, form = got
    body = body_from_form(Reconsider, {k: str(v) for k, v in form.items()})
    try:
        procedure_service.take_step(request.app.state.settings, account, case_id, STEP, body,
                                    at=request.app.state.clock())  # fmt: skip
    except SealkeeperError as exc:
        return _file(request, account, case_id, 422, failed=STEP, error=said(request, exc), bad=refused_fields(exc))
    return RedirectResponse(f"/referred?decided={quote(case_id)}", status_code=303)
