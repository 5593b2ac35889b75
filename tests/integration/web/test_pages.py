"""The pages over a real store (SQLite and PostgreSQL), driven as a browser would post forms: a person applies,
the clerk reviews, the approver decides, the person sees the record sealed; bad input stays beside the form."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
import web_session
from conftest import person_bundle, write_jsonl
from fastapi.testclient import TestClient
from web_session import csrf, signed_in

from sealkeeper.config import Settings
from sealkeeper.services import sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.procedure_tables import cases

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def browser(home: Settings) -> TestClient:
    return web_session.browser(home, NOW)


def sign_in(home: Settings, role: str, subject: str = "") -> TestClient:
    return signed_in(home, NOW, f"u-{role}", [role], subject=subject)


@pytest.fixture
def record(home: Settings, tmp_path: Path) -> tuple[str, str]:
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [person_bundle(1)]), dt.date(2026, 6, 30), NOW.date())
    sealing_runs.run(home, NOW.date(), NOW)
    with open_store(home).connect() as conn:
        case_id, token = conn.execute(sa.select(cases.c.case_id, cases.c.subject)).one()
    return case_id, token


def test_login_page_is_chinese_by_default_and_english_on_request(home: Settings) -> None:
    client = browser(home)
    page = client.get("/")
    assert page.url.path == "/login"
    assert 'lang="zh-CN"' in page.text
    assert "登录" in page.text
    english = client.get("/lang/en", params={"next": "/login"})
    assert 'lang="en"' in english.text
    assert "Sign in" in english.text


def test_a_refused_sign_in_says_so_beside_the_form_and_names_empty_fields(home: Settings) -> None:
    client = browser(home)
    empty = client.post("/login", data={"username": "", "password": ""})
    assert empty.status_code == 422
    assert 'id="username-error"' in empty.text
    assert 'aria-invalid="true"' in empty.text
    wrong = client.post("/login", data={"username": "nobody", "password": "wrong-password-123"})
    assert wrong.status_code == 401
    assert 'role="alert"' in wrong.text


def test_apply_review_decide_through_the_pages(home: Settings, record: tuple[str, str]) -> None:
    record_case, token = record
    person = sign_in(home, "data_subject", subject=token)
    mine = person.get("/me")
    assert record_case in mine.text
    applied = person.post("/me/apply", data={"csrf": csrf(mine.text), "records": record_case, "materials": "M-1"})
    assert "您的申请已提交" in applied.text
    with open_store(home).connect() as conn:
        app_id = conn.execute(sa.select(cases.c.case_id).where(cases.c.procedure == "application")).scalar_one()

    clerk = sign_in(home, "clerk")
    queue = clerk.get("/queue")
    assert app_id in queue.text
    page = clerk.get(f"/cases/{app_id}")
    assert "审查材料" in page.text  # ReviewMaterials, in Chinese
    reviewed = clerk.post(f"/cases/{app_id}/ReviewMaterials", data={"csrf": csrf(page.text)})
    assert "已受理" in reviewed.text

    approver = sign_in(home, "approver")
    page = approver.get(f"/cases/{app_id}")
    missing = approver.post(f"/cases/{app_id}/Decide", data={"csrf": csrf(page.text), "outcome": "seal"})
    assert missing.status_code == 422  # no reasons: refused, shown beside the Decide form, nothing changed
    assert 'id="error-Decide"' in missing.text
    assert "已受理" in missing.text
    decided = approver.post(f"/cases/{app_id}/Decide", data={
        "csrf": csrf(page.text), "outcome": "seal", "reasons.rule": "cn.application.granted",
        "reasons.citation": "刑事诉讼法第286条", "reasons.text": "材料齐全"})  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert "已决定" in decided.text
    assert "已封存" in person.get("/me").text


def test_a_form_without_its_csrf_token_is_refused(home: Settings, record: tuple[str, str]) -> None:
    record_case, token = record
    person = sign_in(home, "data_subject", subject=token)
    refused = person.post("/me/apply", data={"records": record_case, "materials": "M-1"})
    assert refused.status_code == 403
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(cases.c.case_id).where(cases.c.procedure == "application")).first() is None


def test_the_certificate_officer_issues_and_opens_the_pdf(home: Settings, record: tuple[str, str]) -> None:
    officer = sign_in(home, "certificate_officer")
    form = officer.get("/certificates")
    assert "居民身份证号码" in form.text
    empty = officer.post("/certificates", data={"csrf": csrf(form.text), "id_number": "", "purpose": "general"})
    assert empty.status_code == 422
    assert 'id="id-error"' in empty.text
    issued = officer.post("/certificates", data={"csrf": csrf(form.text), "purpose": "general",
                                                 "id_number": person_bundle(1)["person"]["id_number"]})  # fmt: skip
    assert issued.status_code == 200, issued.text
    code = re.search(r'<strong id="code">([^<]+)</strong>', issued.text)
    assert code is not None
    pdf = officer.get(f"/certificates/{code.group(1)}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_record_page_explains_the_decision_with_the_article_text(home: Settings, record: tuple[str, str]) -> None:
    record_case, _ = record
    clerk = sign_in(home, "clerk")
    page = clerk.get(f"/cases/{record_case}")
    assert page.status_code == 200
    assert "理由：适用的规则" in page.text
    assert "<cite>" in page.text  # each rule with the article it rests on, and the article's wording


def test_the_person_asks_for_a_correction_and_a_deletion_and_complains(home: Settings,
                                                                       record: tuple[str, str]) -> None:  # fmt: skip
    record_case, token = record
    person = sign_in(home, "data_subject", subject=token)
    page = person.get("/me")
    token_csrf = csrf(page.text)
    missing = person.post("/me/open/correction", data={"csrf": token_csrf, "record_case": record_case, "fields": ""})
    assert 'role="alert"' in missing.text  # a correction names the fields: refused, said on the page
    for procedure, data in (("correction", {"record_case": record_case, "fields": "events[0].date"}),
                            ("deletion", {"record_case": record_case}),
                            ("complaint", {"ground": "late", "concerning": record_case})):  # fmt: skip
        done = person.post(f"/me/open/{procedure}", data={"csrf": token_csrf, **data})
        assert done.status_code == 200, done.text
        assert 'role="status"' in done.text
    with open_store(home).connect() as conn:
        opened = set(conn.execute(sa.select(cases.c.procedure).where(cases.c.procedure != "sealing")).scalars())
    assert opened == {"correction", "deletion", "complaint"}
