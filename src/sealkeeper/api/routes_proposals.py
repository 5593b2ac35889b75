"""The judgment reader's proposal for a sealing case's record: read it, review it fact by fact (confirm, correct
with a value, reject), and put the reviewed facts in the record (a new version of its bundle, decided again)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel

from sealkeeper.api.deps import AccountDep, NowDep, SettingsDep
from sealkeeper.api.errors import ApiError
from sealkeeper.errors import SealkeeperError
from sealkeeper.services import reader_review

router = APIRouter(tags=["reader"])
REFUSED: dict[int | str, dict[str, Any]] = {
    404: {"description": "no proposal for the case"},
    409: {"description": "already decided"},
    422: {"description": "a review or a correction that cannot be taken"},
}


class FactReview(BaseModel):
    verdict: Literal["confirm", "correct", "reject"]
    value: Any = None  # the corrected value (``correct`` only), in the proposal's form


def _refused(exc: SealkeeperError) -> ApiError:
    """A review refused: 404 no proposal, 409 already decided, 422 a fact or value that cannot be taken."""
    status = {"no_sealing_case": 404, "no_proposal": 404, "already_decided": 409}.get(exc.code, 422)
    return ApiError(status, str(exc)).coded(exc.code, **exc.params)


@router.get("/cases/{case_id}/proposal", responses={403: {"description": "may not read the record"}, **REFUSED})
def proposal(case_id: str, account: AccountDep, settings: SettingsDep, now: NowDep) -> dict[str, Any]:
    """Each proposed fact with its confidence, what the record says, and its review so far."""
    found = reader_review.for_case(settings, account, case_id, now)
    if found is None:
        raise ApiError(404, f"case_id: no proposal for the record of {case_id}")
    if not found["shown"]:
        raise ApiError(403, "read_record: the policy does not let this account read the record")
    return found


@router.post("/cases/{case_id}/proposal/facts/{fact}", responses=REFUSED)
def review_fact(case_id: str, fact: str, body: FactReview, account: AccountDep, *, settings: SettingsDep,
                now: NowDep) -> dict[str, Any]:  # fmt: skip
    """Confirm, correct or reject one fact; a contradiction of the record is taken only as a correction."""
    try:
        return reader_review.review_fact(settings, account, case_id, fact=fact, verdict=body.verdict,
                                         value=body.value, at=now)  # fmt: skip
    except (reader_review.ProposalError, reader_review.ReviewError) as exc:
        raise _refused(exc) from None


@router.post("/cases/{case_id}/proposal/{verdict}", responses=REFUSED)
def decide(case_id: str, verdict: Literal["apply", "confirm", "reject"], account: AccountDep, *,
           settings: SettingsDep, now: NowDep) -> dict[str, Any]:  # fmt: skip
    """``apply`` the reviews (every proposed fact reviewed), or ``confirm`` / ``reject`` every fact not yet
    reviewed and apply: the accepted facts become a new version of the record, decided again."""
    try:
        return reader_review.decide(settings, account, case_id, verdict, now)
    except (reader_review.ProposalError, reader_review.ReviewError) as exc:
        raise _refused(exc) from None
