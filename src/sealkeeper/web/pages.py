"""The page routes. Each page reads through the services (the policy decides and logs), renders a template,
and maps an error to a message beside the form (never a stack trace)."""

from __future__ import annotations

from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData

from sealkeeper.access import AccessRole, Account
from sealkeeper.errors import SealkeeperError
from sealkeeper.services import casework, evaluation, procedure_service, reader_review, sign_in, timeline
from sealkeeper.web.forms import application_body, body_from_form, fields_of, opening_body
from sealkeeper.web.i18n import LANGUAGES, language, translations
from sealkeeper.web.refusals import fields_of as refused_fields
from sealkeeper.web.refusals import gettext_of, said, say
from sealkeeper.web.session import LANG_COOKIE, SESSION_COOKIE, csrf_ok, csrf_token, session_token, signed_in
from sealkeeper.web.timeline import layout

router = APIRouter(include_in_schema=False)
env = Environment(loader=PackageLoader("sealkeeper.web", "templates"), autoescape=select_autoescape(),
                  extensions=["jinja2.ext.i18n"])  # fmt: skip
STAFF = {AccessRole.CLERK, AccessRole.APPROVER, AccessRole.REVIEWER, AccessRole.SUPERVISOR}


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = language(request.cookies.get(LANG_COOKIE))
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    html = env.get_template(template).render(
        request=request, lang=lang, languages=LANGUAGES, csrf=csrf_token(request), path=request.url.path,
        account=context.pop("account", None), **context,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status)


def _login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


#: Where each role lands (the first of the account's roles in this order); STAFF land on the work queue.
LANDING = ((AccessRole.SUBJECT, "/me"), *((role, "/queue") for role in sorted(STAFF)),
           (AccessRole.AUDITOR, "/audit"), (AccessRole.CERTIFICATE_OFFICER, "/certificates"),
           (AccessRole.REPRESENTATIVE, "/represented"), (AccessRole.HIGHER_AUTHORITY, "/referred"))  # fmt: skip


@router.get("/")
def home(request: Request) -> Response:
    account = signed_in(request)
    if account is None:
        return _login_redirect(request)
    target = next((path for role, path in LANDING if role in account.roles), None)
    if target is not None:
        return RedirectResponse(target, status_code=303)
    return render(request, "home.html", account=account)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=next if next.startswith("/") else "/")


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    code, target = str(form.get("totp", "")), str(form.get("next", "/"))
    errors = {name: "required" for name, value in (("username", username), ("password", password)) if not value}
    if errors:
        return render(request, "login.html", 422, errors=errors, username=username, next=target)
    result = sign_in.login(request.app.state.settings, username, password, code, request.app.state.clock())
    if not result.ok or result.session is None:
        message = "totp_required" if str(result.public_outcome) == "totp_required" else "refused"
        return render(request, "login.html", 401, errors={"form": message}, username=username, next=target)
    answer = RedirectResponse(target if target.startswith("/") else "/", status_code=303)
    answer.set_cookie(SESSION_COOKIE, result.session, httponly=True, samesite="strict", secure=False, path="/")
    return answer


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    if csrf_ok(request, str(form.get("csrf", ""))):
        sign_in.logout(request.app.state.settings, session_token(request), request.app.state.clock())
    answer = RedirectResponse("/login", status_code=303)
    answer.delete_cookie(SESSION_COOKIE, path="/")
    return answer


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> Response:
    answer = RedirectResponse(next if next.startswith("/") else "/", status_code=303)
    answer.set_cookie(LANG_COOKIE, language(code), samesite="strict", path="/")
    return answer


def content_language(request: Request) -> str:
    """The language the services write their texts in ("zh" or "en": explanations, PDFs), from the page's."""
    return "zh" if language(request.cookies.get(LANG_COOKIE)) == "zh_CN" else "en"


def account_or_login(request: Request) -> Account | Response:
    account = signed_in(request)
    return _login_redirect(request) if account is None else account


async def posted(request: Request) -> tuple[Account, FormData] | Response:
    """The signed-in account and the form it posted, or the page to answer instead: sign in first, or a form
    whose CSRF token does not belong to this session (nothing is done)."""
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    form = await request.form()
    if not csrf_ok(request, str(form.get("csrf", ""))):
        return render(request, "error.html", 403, account=account, message=say(gettext_of(request), "csrf", {}))
    return account, form


@router.get("/queue")
def queue_page(request: Request) -> Response:
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    settings, now = request.app.state.settings, request.app.state.clock()
    try:
        items, proposals = casework.queue_with_proposals(settings, account, now)
    except SealkeeperError as exc:
        return render(request, "error.html", 403, account=account, message=said(request, exc))
    return render(request, "queue.html", account=account, items=items, proposals=proposals)


def _case_page(request: Request, account: Account, case_id: str, status: int = 200, **extra: Any) -> HTMLResponse:
    settings, now = request.app.state.settings, request.app.state.clock()
    try:
        case = casework.case_view(settings, account, case_id, now)
    except casework.CaseNotFoundError:
        message = say(gettext_of(request), "no_case", {"case_id": case_id})
        return render(request, "error.html", 404, account=account, message=message)
    except SealkeeperError as exc:
        return render(request, "error.html", 403, account=account, message=said(request, exc))
    allowed = procedure_service.allowed_commands(case["procedure"], case["state"])
    if case.get("pack") and case.get("rules"):
        extra.setdefault("explained", evaluation.explain_rules(case["pack"], case["rules"], content_language(request)))
    if case["procedure"] == "sealing" and (drawn := timeline.record_timeline(settings, account, case_id, now)):
        extra.setdefault("timeline", {**drawn, "layout": layout(drawn["events"], drawn["periods"], now.date())})
    forms = [(name, fields_of(command)) for name, command in allowed.items()]
    extra.setdefault("proposal", _proposal(request, account, case_id))
    return render(request, "case.html", status, account=account, case=case, forms=forms, **extra)


def case_page_with(request: Request, account: Account, case_id: str, status: int, **extra: Any) -> HTMLResponse:
    """The case page with ``extra`` for its template (a refused form's error beside it), for other modules' pages."""
    return _case_page(request, account, case_id, status, **extra)


def _proposal(request: Request, account: Account, case_id: str) -> dict[str, Any] | None:
    """The judgment reader's proposal for the case's record (``_reader_proposal.html``), if any."""
    try:
        return reader_review.for_case(request.app.state.settings, account, case_id, request.app.state.clock())
    except SealkeeperError:  # unreadable (the person's key destroyed): the case page is shown without it
        return None


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: str) -> Response:
    account = account_or_login(request)
    return account if isinstance(account, Response) else _case_page(request, account, case_id)


@router.post("/cases/{case_id}/{command}")
async def case_step(request: Request, case_id: str, command: str) -> Response:
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, form = got
    settings, now = request.app.state.settings, request.app.state.clock()
    try:
        found = procedure_service.commands_of(_procedure(case_id))
        body = body_from_form(found[command], {k: str(v) for k, v in form.items()}) if command in found else {}
        procedure_service.take_step(settings, account, case_id, command, body, at=now)
    except KeyError:  # a case id of no procedure
        return _case_page(request, account, case_id, 404)
    except SealkeeperError as exc:  # said beside the step's form, the fields it is about marked
        return _case_page(request, account, case_id, 422, error=said(request, exc), failed=command,
                          bad=refused_fields(exc))  # fmt: skip
    return RedirectResponse(f"/cases/{case_id}?done={quote(command)}", status_code=303)


def _procedure(case_id: str) -> str:
    prefixes = {v: k for k, v in procedure_service.PREFIX.items()} | {"SE": "sealing"}
    return prefixes[case_id.split("-", 1)[0]]


@router.get("/me")
def my_page(request: Request) -> Response:
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    field = request.query_params.get("field", "")
    field = field if field in ("records", "materials") else ""  # the apply form's field left empty
    return _my_page(request, account, field=field)


def _my_page(request: Request, account: Account, status: int = 200, **extra: Any) -> HTMLResponse:
    """The person's page; a refused form (``failed``: its procedure) says why beside it (``error``, ``bad``)."""
    settings, now = request.app.state.settings, request.app.state.clock()
    try:
        cases = procedure_service.cases_of_subject(settings, account, now)
    except SealkeeperError as exc:
        return render(request, "error.html", 403, account=account, message=said(request, exc))
    records = [c for c in cases if c["procedure"] == "sealing"]
    procedures = [c for c in cases if c["procedure"] != "sealing"]
    return render(request, "me.html", status, account=account, records=records, procedures=procedures, **extra)


def _refused_here(request: Request, account: Account, procedure: str, exc: SealkeeperError) -> HTMLResponse:
    return _my_page(request, account, 422, failed=procedure, error=said(request, exc), bad=refused_fields(exc))


@router.post("/me/apply")
async def apply(request: Request) -> Response:
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, form = got
    body, missing = application_body([str(v) for v in form.getlist("records")], form.get("materials"))
    if missing:  # said beside that field (the page focuses it); nothing is filed
        return RedirectResponse(f"/me?field={missing}", status_code=303)
    try:
        procedure_service.open_case(request.app.state.settings, account, "application", body, request.app.state.clock())
    except SealkeeperError as exc:
        return _refused_here(request, account, "application", exc)
    return RedirectResponse("/me?applied=1", status_code=303)


PERSON_PROCEDURES = ("objection", "correction", "deletion", "complaint")


@router.post("/me/open/{procedure}")
async def open_own(request: Request, procedure: str) -> Response:
    """The person objects to a refusal or an unsealing, asks for a correction or a deletion, or complains."""
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, form = got
    if procedure not in PERSON_PROCEDURES:
        message = say(gettext_of(request), "no_such_procedure", {"procedure": procedure})
        return render(request, "error.html", 404, account=account, message=message)
    body = opening_body(form)
    try:
        procedure_service.open_case(request.app.state.settings, account, procedure, body, request.app.state.clock())
    except SealkeeperError as exc:
        return _refused_here(request, account, procedure, exc)
    return RedirectResponse(f"/me?opened={quote(procedure)}", status_code=303)


def install(app: FastAPI) -> None:
    from sealkeeper.web import (  # noqa: PLC0415 - they import this module
        pages_documents,
        pages_oversight,
        pages_proposals,
        pages_referred,
        pages_represented,
        pages_stats,
    )

    app.include_router(router)
    app.include_router(pages_oversight.router)
    app.include_router(pages_documents.router)
    app.include_router(pages_stats.router)
    app.include_router(pages_proposals.router)
    app.include_router(pages_represented.router)
    app.include_router(pages_referred.router)
    static = resources.files("sealkeeper.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
