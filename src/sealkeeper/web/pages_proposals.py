"""The clerk confirms or rejects the judgment reader's proposal for a case's record (shown on the case page by
``templates/_reader_proposal.html``)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from sealkeeper.errors import SealkeeperError
from sealkeeper.services import reader_review
from sealkeeper.web.pages import posted, render
from sealkeeper.web.refusals import said

router = APIRouter(include_in_schema=False)


@router.post("/cases/{case_id}/proposal/{verdict}")
async def decide_proposal(request: Request, case_id: str, verdict: str) -> Response:
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, _ = got
    try:
        reader_review.decide(request.app.state.settings, account, case_id, verdict, request.app.state.clock())
    except SealkeeperError as exc:
        return render(request, "error.html", 422, account=account, message=said(request, exc))
    return RedirectResponse(f"/cases/{quote(case_id)}?done={quote('proposal_' + verdict)}", status_code=303)
