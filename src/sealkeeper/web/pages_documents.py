"""Documents from the pages: the certificate officer's form, and certificates and decision letters as PDF."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sealkeeper.access import certificate_rules
from sealkeeper.errors import SealkeeperError
from sealkeeper.services import certificates, letters
from sealkeeper.web.pages import account_or_login, content_language, render
from sealkeeper.web.refusals import fields_of as refused_fields
from sealkeeper.web.refusals import gettext_of, said, say
from sealkeeper.web.session import csrf_ok

router = APIRouter(include_in_schema=False)
PDF = "application/pdf"


def _purposes() -> list[str]:
    return sorted(certificate_rules("CN").purposes)


@router.get("/certificates")
def certificate_form(request: Request) -> Response:
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    return render(request, "certificate.html", account=account, purposes=_purposes(), errors={})


@router.post("/certificates")
async def issue(request: Request) -> Response:
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    form = await request.form()
    id_number, purpose = str(form.get("id_number", "")).strip(), str(form.get("purpose", ""))
    errors: dict[str, str] = {}
    if not csrf_ok(request, str(form.get("csrf", ""))):
        errors["form"] = say(gettext_of(request), "csrf", {})
    elif not id_number:
        errors["id_number"] = "required"
    if not errors:
        try:
            issued = certificates.issue_certificate(request.app.state.settings, account, purpose=purpose,
                                                    at=request.app.state.clock(), id_number=id_number)  # fmt: skip
        except SealkeeperError as exc:
            field = next((f for f in refused_fields(exc) if f in ("id_number", "purpose")), "form")
            errors[field] = said(request, exc)
        else:
            return render(request, "certificate.html", account=account, purposes=_purposes(), errors={},
                          issued=issued)  # fmt: skip
    return render(request, "certificate.html", 422, account=account, purposes=_purposes(), errors=errors)


@router.get("/certificates/{code}.pdf")
def certificate_pdf(request: Request, code: str) -> Response:
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    try:
        body = certificates.certificate_pdf(request.app.state.settings, account, code, request.app.state.clock(),
                                            content_language(request))  # fmt: skip
    except SealkeeperError as exc:
        return render(request, "error.html", 404, account=account, message=said(request, exc))
    return Response(body, media_type=PDF, headers={"Content-Disposition": 'inline; filename="certificate.pdf"'})


@router.get("/cases/{case_id}/letter.pdf")
def letter_pdf(request: Request, case_id: str) -> Response:
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    try:
        doc = letters.case_letter(request.app.state.settings, account, case_id, request.app.state.clock(),
                                  content_language(request))  # fmt: skip
    except SealkeeperError as exc:
        return render(request, "error.html", 404, account=account, message=said(request, exc))
    return Response(
        doc.pdf or b"", media_type=PDF, headers={"Content-Disposition": f'inline; filename="{doc.code}.pdf"'}
    )
