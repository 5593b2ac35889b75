"""Documents: criminal-record certificates (issue, PDF, public verification) and decision letters as PDF.

``GET /verify/{code}`` needs no sign-in: the verification code is the capability, and the answer holds no
name and no ID number. Every other route is behind the access policy, every decision logged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from sealkeeper.access import CertificateBlockedError, CertificateError
from sealkeeper.api.deps import AccountDep, NowDep, SettingsDep, TokenDep, current_account
from sealkeeper.api.errors import ApiError
from sealkeeper.config import Settings
from sealkeeper.documents import CodeError, DocumentError
from sealkeeper.services import certificates, letters
from sealkeeper.services.signed_documents import DocumentNotFoundError

router = APIRouter(tags=["documents"])
PDF = "application/pdf"
Lang = Literal["zh", "en"]
_PDF_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {PDF: {}}, "description": "the signed document as PDF"}
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such document or case"}}


class CertificateRequest(BaseModel):
    """Whom the certificate is about (their ID number, or their subject token) and for what."""

    id_number: str | None = Field(default=None, min_length=15, max_length=18)
    subject: str | None = Field(default=None, min_length=1, max_length=32)
    purpose: str = Field(min_length=1, max_length=64)
    pack: str = Field(default="CN", min_length=1, max_length=16)


class IssuedCertificate(BaseModel):
    code: str
    kind: str
    issued_on: str
    url: str
    verify_url: str


def _problem(exc: Exception) -> ApiError:
    """A documents error as an HTTP answer (the message already names the field, never the value)."""
    if isinstance(exc, DocumentNotFoundError):
        return ApiError(404, str(exc))
    if isinstance(exc, CertificateBlockedError):
        return ApiError(409, str(exc))
    if isinstance(exc, CodeError | CertificateError):
        return ApiError(422, str(exc))
    return ApiError(409, str(exc))


@router.post("/certificates", response_model=IssuedCertificate, responses=_NOT_FOUND)
async def issue(body: CertificateRequest, token: TokenDep, settings: SettingsDep, now: NowDep) -> IssuedCertificate:
    """Issue a criminal-record certificate (无犯罪记录证明): signed, stored, logged; the PDF is at ``url``."""
    # The busiest route: the sign-in check and the issuance share one hand-over to a request thread (with the
    # account as a dependency of its own, FastAPI hands over twice, which cost more than the check itself).
    return await run_in_threadpool(_issue, body, token, settings, now)


def _issue(body: CertificateRequest, token: str, settings: Settings, now: dt.datetime) -> IssuedCertificate:
    account = current_account(settings, now, token)  # 401 first, as for every route
    if (body.id_number is None) == (body.subject is None):
        raise ApiError(422, "id_number, subject: give exactly one of them")
    try:
        doc = certificates.issue_certificate(
            settings, account, purpose=body.purpose, at=now, id_number=body.id_number, subject=body.subject,
            pack=body.pack,
        )  # fmt: skip
    except (DocumentNotFoundError, CertificateError, DocumentError) as exc:
        raise _problem(exc) from None
    return IssuedCertificate(
        code=doc.code, kind=doc.kind, issued_on=doc.issued_on.isoformat(),
        url=f"/api/v1/certificates/{doc.code}.pdf", verify_url=f"/api/v1/verify/{doc.code}",
    )  # fmt: skip


@router.get("/certificates/{code}.pdf", response_class=Response, responses={**_PDF_ANSWER, **_NOT_FOUND})
def certificate_pdf(code: str, account: AccountDep, settings: SettingsDep, now: NowDep, lang: Lang = "zh") -> Response:
    """The certificate as PDF, for a certificate officer or the person it is about."""
    try:
        body = certificates.certificate_pdf(settings, account, code, now, lang)
    except (DocumentNotFoundError, DocumentError) as exc:
        raise _problem(exc) from None
    return Response(body, media_type=PDF, headers={"Content-Disposition": 'inline; filename="certificate.pdf"'})


@router.get("/verify/{code}", responses=_NOT_FOUND)
def verify(code: str, settings: SettingsDep) -> dict[str, object]:
    """Check a document by its verification code (no sign-in): validity, kind, day, and content without name."""
    try:
        return certificates.verify_certificate(settings, code)
    except (DocumentNotFoundError, DocumentError) as exc:
        raise _problem(exc) from None


@router.get("/cases/{case_id}/letter.pdf", response_class=Response, responses={**_PDF_ANSWER, **_NOT_FOUND})
def case_letter(case_id: str, account: AccountDep, settings: SettingsDep, now: NowDep, lang: Lang = "zh") -> Response:
    """The decision letter of a decided case (封存决定书, 不予封存决定书 or 解除封存通知书) as PDF."""
    try:
        doc = letters.case_letter(settings, account, case_id, now, lang)
    except (DocumentNotFoundError, DocumentError) as exc:
        raise _problem(exc) from None
    assert doc.pdf is not None  # noqa: S101 - case_letter always renders
    name = f"{doc.code}.pdf"
    return Response(doc.pdf, media_type=PDF, headers={"Content-Disposition": f'inline; filename="{name}"'})
