"""The clerk reviews the judgment reader's proposal for a case's record fact by fact (confirm, correct with a typed
value, reject) and puts the reviewed facts in the record, or confirms or rejects it whole (shown on the case
page by ``templates/_reader_proposal.html``). A refusal is said beside the fact or the buttons it is about."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from sealkeeper.access import Account
from sealkeeper.errors import SealkeeperError
from sealkeeper.services import reader_review
from sealkeeper.web.pages import case_page_with, posted
from sealkeeper.web.refusals import said

router = APIRouter(include_in_schema=False)


def _refused(request: Request, account: Account, case_id: str, exc: SealkeeperError, fact: str = "") -> Response:
    """The case page again, the refusal beside the fact it is about (or beside the proposal's buttons)."""
    about = exc.fact if isinstance(exc, reader_review.ReviewError) and exc.fact in reader_review.ORDER else fact
    error = {"fact": about, "message": said(request, exc)}
    return case_page_with(request, account, case_id, 422, proposal_error=error)


@router.post("/cases/{case_id}/proposal/fact/{fact}")
async def review_fact(request: Request, case_id: str, fact: str) -> Response:
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, posted_form = got
    form = {name: str(value) for name, value in posted_form.items()}
    verdict = form.get("verdict", "")
    settings, now = request.app.state.settings, request.app.state.clock()
    try:
        value = reader_review.value_from_form(fact, form) if verdict == "correct" else None
        reader_review.review_fact(settings, account, case_id, fact=fact, verdict=verdict, value=value, at=now)
    except SealkeeperError as exc:
        return _refused(request, account, case_id, exc, fact if fact in reader_review.ORDER else "")
    return RedirectResponse(f"/cases/{quote(case_id)}?done=proposal_fact#fact-{quote(fact)}", status_code=303)


@router.post("/cases/{case_id}/proposal/{verdict}")
async def decide_proposal(request: Request, case_id: str, verdict: str) -> Response:
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, _ = got
    try:
        reader_review.decide(request.app.state.settings, account, case_id, verdict, request.app.state.clock())
    except SealkeeperError as exc:
        return _refused(request, account, case_id, exc)
    return RedirectResponse(f"/cases/{quote(case_id)}?done={quote('proposal_' + verdict)}", status_code=303)
