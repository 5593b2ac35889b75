"""The guardian's or counsel's page (role ``representative``): the people it represents under an approved link,
each with their records and procedures and the forms to act for them (sent with ``on_behalf_of``, as the API
does), its links in every state, and the form to ask for a link.

The same services as the API decide: ``representatives.links_of`` and ``procedure_service`` (the person's cases,
opening a procedure for them) ask the access policy, which allows only under an approved link and logs every
decision; the page checks no role itself.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sealkeeper.access import Account
from sealkeeper.errors import SealkeeperError
from sealkeeper.procedures.representation import Basis
from sealkeeper.services import procedure_service, representatives
from sealkeeper.web.forms import application_body, opening_body
from sealkeeper.web.pages import account_or_login, posted, render
from sealkeeper.web.refusals import fields_of, gettext_of, said, say

router = APIRouter(include_in_schema=False)
OPENABLE = ("application", "objection", "correction", "deletion", "complaint")
LINK_FIELDS = ("subject", "capacity", "basis", "document")


@router.get("/represented")
def represented_page(request: Request) -> Response:
    account = account_or_login(request)
    return account if isinstance(account, Response) else _page(request, account)


def _page(request: Request, account: Account, status: int = 200, **extra: Any) -> HTMLResponse:
    """The page; a refused form says why beside it (``failed``: its procedure, ``failed_for``: whose form)."""
    settings, now = request.app.state.settings, request.app.state.clock()
    try:
        links = representatives.links_of(settings, account, now)
        people = []
        for n, link in enumerate(x for x in links if x["state"] == "approved"):
            cases = procedure_service.cases_of_subject(settings, account, now, link["subject"])
            people.append({"key": f"p{n}-", "link": link, "records": [c for c in cases if c["procedure"] == "sealing"],
                           "procedures": [c for c in cases if c["procedure"] != "sealing"]})  # fmt: skip
    except SealkeeperError as exc:
        return render(request, "error.html", 403, account=account, message=said(request, exc))
    return render(request, "represented.html", status, account=account, links=links, people=people,
                  bases=[str(b) for b in Basis], **extra)  # fmt: skip


@router.post("/represented/apply")
async def apply_for(request: Request) -> Response:
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, form = got
    person = str(form.get("on_behalf_of", "")).strip()
    body, missing = application_body([str(v) for v in form.getlist("records")], form.get("materials"))
    if missing:  # said beside that field of this person's form; nothing is filed
        return _page(request, account, 422, failed_for=person, field=missing)
    return _open(request, account, "application", {**body, "on_behalf_of": person})


@router.post("/represented/open/{procedure}")
async def open_for(request: Request, procedure: str) -> Response:
    """Object, ask for a correction or a deletion, or complain for the person named in ``on_behalf_of``."""
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, form = got
    body = {**opening_body(form), "on_behalf_of": str(form.get("on_behalf_of", "")).strip()}
    if procedure not in OPENABLE:
        message = say(gettext_of(request), "no_such_procedure", {"procedure": procedure})
        return render(request, "error.html", 404, account=account, message=message)
    return _open(request, account, procedure, body)


@router.post("/represented/link")
async def ask_for_link(request: Request) -> Response:
    """Ask to be linked to a person (a clerk decides; the link is a procedure case)."""
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, form = got
    body = {key: str(form.get(key, "")).strip()[:64] for key in LINK_FIELDS}
    return _open(request, account, "representation", body, kept=body)


def _open(request: Request, account: Account, procedure: str, body: dict[str, Any], **extra: Any) -> Response:
    person = str(body.get("on_behalf_of", ""))
    try:
        case = procedure_service.open_case(request.app.state.settings, account, procedure, body,
                                           request.app.state.clock())  # fmt: skip
    except SealkeeperError as exc:
        return _page(request, account, 422, failed=procedure, failed_for=person, error=said(request, exc),
                     bad=fields_of(exc), **extra)  # fmt: skip
    return RedirectResponse(f"/represented?opened={case.PROCEDURE}", status_code=303)
