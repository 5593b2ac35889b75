"""The oversight pages: who accessed my records (with the proofs, checked in the browser), the approvers' inbox
of judicial access requests, and the auditor's ledger page (checkpoint, verify, search of access decisions)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from sealkeeper.access import Account
from sealkeeper.errors import SealkeeperError
from sealkeeper.services import access_history, audit, judicial_access
from sealkeeper.web.pages import account_or_login, content_language, posted, render
from sealkeeper.web.refusals import gettext_of, said, say

router = APIRouter(include_in_schema=False)


@router.get("/me/access")
def my_access(request: Request, on_behalf_of: str = "") -> Response:
    """Who accessed my records; a guardian or counsel names the person it represents (``on_behalf_of``)."""
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    lang = content_language(request)
    settings, now = request.app.state.settings, request.app.state.clock()
    try:
        history = access_history.my_access_history(settings, account, now, lang, on_behalf_of[:64])
    except SealkeeperError as exc:
        return render(request, "error.html", 403, account=account, message=said(request, exc))
    return render(request, "access.html", account=account, history=history)


@router.get("/inbox")
def inbox_page(request: Request) -> Response:
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    return _inbox(request, account, field=request.query_params.get("field"),
                  failed=request.query_params.get("request"))  # fmt: skip


def _inbox(request: Request, account: Account, status: int = 200, **extra: Any) -> Response:
    """The approver's inbox; a refused approval or denial says why (``error``, in the page's language)."""
    try:
        requests = judicial_access.inbox(request.app.state.settings, account, request.app.state.clock())
    except SealkeeperError as exc:
        return render(request, "error.html", 403, account=account, message=said(request, exc))
    return render(request, "inbox.html", status, account=account, requests=requests, **extra)


@router.post("/inbox/{request_id}/{verdict}")
async def inbox_decide(request: Request, request_id: str, verdict: str) -> Response:
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, form = got
    if verdict not in ("approve", "deny"):
        message = say(gettext_of(request), "no_verdict", {"verdict": verdict})
        return render(request, "error.html", 404, account=account, message=message)
    settings, now = request.app.state.settings, request.app.state.clock()
    try:
        if verdict == "approve":
            hours = int(text) if (text := str(form.get("hours", "24")).strip()).isdigit() else 0
            if not 1 <= hours <= 72:  # said beside the field of this request (the page focuses it)
                return RedirectResponse(f"/inbox?field=hours&request={quote(request_id)}", status_code=303)
            judicial_access.approve(settings, account, request_id, dt.timedelta(hours=hours), now)
        else:
            judicial_access.deny(settings, account, request_id, now)
    except SealkeeperError as exc:
        return _inbox(request, account, 422, error=said(request, exc), failed=request_id)
    return RedirectResponse("/inbox", status_code=303)


@router.get("/audit")
def audit_page(request: Request, purpose: str = "") -> Response:
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    query = {"account": request.query_params.get("account", "")[:64], "purpose": purpose[:64]}
    before = request.query_params.get("before", "")
    try:
        found = audit.overview(request.app.state.settings, account, request.app.state.clock(),
                               account=query["account"], purpose=query["purpose"],
                               before=int(before) if before.isdigit() else None)  # fmt: skip
    except SealkeeperError as exc:
        return render(request, "error.html", 403, account=account, message=said(request, exc))
    return render(request, "audit.html", account=account, query=query, **found)


@router.post("/audit/verify")
async def audit_verify(request: Request) -> Response:
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, _ = got
    settings, now = request.app.state.settings, request.app.state.clock()
    try:
        verified = audit.verify(settings, account, now)
        found = audit.overview(settings, account, now)
    except SealkeeperError as exc:
        return render(request, "error.html", 403, account=account, message=said(request, exc))
    if not verified["ok"] and not verified["code"]:  # the first bad entry, named in English after a translated lead
        verified |= {"code": "ledger_broken", "params": {"problem": verified["message"]}}
    verified["message"] = say(gettext_of(request), verified["code"], verified["params"], verified["message"])
    return render(request, "audit.html", account=account, query={"account": "", "purpose": ""}, verified=verified,
                  **found)  # fmt: skip
