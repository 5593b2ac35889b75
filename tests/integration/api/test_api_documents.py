"""Documents over HTTP (SQLite and PostgreSQL): a certificate issued by a signed-in certificate officer, its PDF,
public verification by code, refusals (403) in the ledger, and a decision letter for a sealed record's case."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pyotp
import pypdf
import pytest
import sqlalchemy as sa
from conftest import ledger_events, write_jsonl
from fastapi.testclient import TestClient

from sealkeeper.api import create_app
from sealkeeper.config import Settings
from sealkeeper.services import accounts, sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.procedure_tables import cases
from sealkeeper.synth.identity import id_number

AT = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
NAME = "王小红"
ID_NUMBER = id_number(11, dt.date(2004, 1, 1))


def two_records() -> dict[str, Any]:
    """Born 2004: an indecent assault at 16 (sealed, CPL Art. 286) and a theft at 20 (an adult record)."""
    offence = [
        ("2020-01-10", "强制猥亵罪", "刑法第237条", "2020-05-01", 5),
        ("2024-01-10", "盗窃罪", "刑法第264条", "2024-05-01", 3),
    ]
    events: list[dict[str, Any]] = []
    for n, (day, name, statute, convicted, months) in enumerate(offence):
        events.append({"id": f"o{n}", "type": "offense", "date": day, "offense": {"name": name, "statute": statute}})
        events.append({"id": f"c{n}", "type": "conviction", "date": convicted, "offense_ids": [f"o{n}"],
                       "sentence": {"kind": "criminal_detention", "months": months}})  # fmt: skip
    person = {"birth_date": "2004-01-01", "name": NAME, "id_number": ID_NUMBER, "address": "上海市某路2号"}
    return {"id": "IT-0011", "jurisdiction": "CN", "as_of": "2026-06-30", "person": person, "events": events}


ROLES = ("certificate_officer", "clerk", "administrator")


class Staff:
    def __init__(self, home: Settings) -> None:
        self.secrets: dict[str, tuple[str, str]] = {}
        for role in ROLES:
            new = accounts.create_account(home, accounts.LOCAL_OPERATOR, role, [role], AT, jurisdictions=["CN"])
            self.secrets[role] = (new.password, new.totp_secret)

    def login(self, client: TestClient, role: str) -> dict[str, str]:
        password, secret = self.secrets[role]
        answer = client.post(
            "/api/v1/session", json={"username": role, "password": password, "totp": pyotp.TOTP(secret).at(AT)}
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.fixture
def client(home: Settings, tmp_path: Path) -> TestClient:
    import_file(home, write_jsonl(tmp_path / "p.jsonl", [two_records()]), dt.date(2026, 6, 30), AT.date())
    sealing_runs.run(home, AT.date(), AT)
    return TestClient(create_app(home, clock=lambda: AT), raise_server_exceptions=False)


@pytest.fixture
def staff(home: Settings) -> Staff:
    return Staff(home)


def pdf_text(data: bytes) -> str:
    return re.sub(r"[\s\x00]", "", "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages))


def test_issue_fetch_and_verify_a_certificate(client: TestClient, staff: Staff) -> None:
    officer = staff.login(client, "certificate_officer")
    answer = client.post("/api/v1/certificates", json={"id_number": ID_NUMBER, "purpose": "general"}, headers=officer)
    assert answer.status_code == 200, answer.text
    issued = answer.json()
    code = issued["code"]
    assert issued["url"] == f"/api/v1/certificates/{code}.pdf"
    pdf = client.get(issued["url"], headers=officer)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert code in text
    assert "盗窃罪" in text
    assert "强制猥亵罪" not in text
    checked = client.get(issued["verify_url"])  # no sign-in
    assert checked.status_code == 200
    assert checked.json()["valid"] is True
    assert [e["sealed"] for e in checked.json()["entries"]] == [False]
    assert NAME not in checked.text
    assert ID_NUMBER not in checked.text


def test_the_exception_purpose_prints_the_sealed_record(client: TestClient, staff: Staff) -> None:
    officer = staff.login(client, "certificate_officer")
    body = {"id_number": ID_NUMBER, "purpose": "minor_contact_employment"}
    answer = client.post("/api/v1/certificates", json=body, headers=officer)
    assert answer.status_code == 200, answer.text
    issued = answer.json()
    text = pdf_text(client.get(issued["url"], headers=officer).content)
    assert "强制猥亵罪" in text
    assert "已封存，依法定例外予以载明" in text
    exceptions = [e["exception"] for e in client.get(issued["verify_url"]).json()["entries"]]
    assert "cn.certificate.minor_contact_sexual" in exceptions


@pytest.mark.parametrize("role", ["administrator", "clerk"])
def test_other_roles_get_a_403_that_is_logged(client: TestClient, staff: Staff, home: Settings, role: str) -> None:
    headers = staff.login(client, role)
    answer = client.post("/api/v1/certificates", json={"id_number": ID_NUMBER, "purpose": "general"}, headers=headers)
    assert answer.status_code == 403
    assert ID_NUMBER not in answer.text
    decisions = [
        e for e in ledger_events(home) if e["type"] == "access.decision" and e["action"] == "issue_certificate"
    ]
    assert [e["outcome"] for e in decisions] == ["deny"]


def test_bad_input_is_a_4xx_naming_the_field(client: TestClient, staff: Staff) -> None:
    officer = staff.login(client, "certificate_officer")
    unknown_purpose = client.post(
        "/api/v1/certificates", json={"id_number": ID_NUMBER, "purpose": "curiosity"}, headers=officer
    )
    assert unknown_purpose.status_code == 422
    assert unknown_purpose.json()["error"].startswith("purpose")
    neither = client.post("/api/v1/certificates", json={"purpose": "general"}, headers=officer)
    assert neither.status_code == 422
    assert "id_number" in neither.json()["error"]
    mistyped = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
    bad_number = client.post(
        "/api/v1/certificates", json={"id_number": mistyped, "purpose": "general"}, headers=officer
    )
    assert bad_number.status_code == 422
    assert bad_number.json()["error"].startswith("id_number: check character")
    assert mistyped not in bad_number.text
    lone_surrogate = b'{"subject": "\\ud800", "purpose": "general"}'  # JSON allows it; UTF-8 does not
    json_type = {**officer, "Content-Type": "application/json"}
    odd = client.post("/api/v1/certificates", content=lone_surrogate, headers=json_type)
    assert odd.status_code == 422  # refused before it reaches the service
    stranger = client.post("/api/v1/certificates", json={"subject": "x", "purpose": "general"}, headers=officer)
    assert stranger.status_code == 404
    assert stranger.json()["error"].startswith("subject")
    assert client.get("/api/v1/verify/0000-0000-0000-0000-0").status_code == 404
    malformed = client.get("/api/v1/verify/hello")
    assert malformed.status_code == 422
    assert malformed.json()["error"].startswith("code")
    assert client.get("/api/v1/certificates/0000-0000-0000-0000-0.pdf", headers=officer).status_code == 404
    assert client.post("/api/v1/certificates", json={"id_number": ID_NUMBER, "purpose": "general"}).status_code == 401
    unknown = {"Authorization": "Bearer sk_not-a-token"}
    both = {"id_number": ID_NUMBER, "subject": "x", "purpose": "general"}  # the sign-in is checked first
    for body in ({"id_number": ID_NUMBER, "purpose": "general"}, both):
        answer = client.post("/api/v1/certificates", json=body, headers=unknown)
        assert (answer.status_code, answer.json()["error"]) == (401, "not signed in: the token is unknown")
    assert client.post("/api/v1/certificates", json=both, headers=officer).status_code == 422


def test_a_sealed_records_case_gives_a_seal_decision_letter(client: TestClient, staff: Staff, home: Settings) -> None:
    with open_store(home).connect() as conn:
        sealed = conn.execute(sa.select(cases.c.case_id).where(cases.c.state == "sealed")).scalar_one()
        plain = conn.execute(sa.select(cases.c.case_id).where(cases.c.state == "not_sealed")).scalar_one()
    clerk = staff.login(client, "clerk")
    letter = client.get(f"/api/v1/cases/{sealed}/letter.pdf", headers=clerk)
    assert letter.status_code == 200, letter.text
    assert letter.headers["content-type"] == "application/pdf"
    text = pdf_text(letter.content)
    assert "封存决定书" in text
    assert NAME in text
    assert sealed in text
    assert client.get(f"/api/v1/cases/{plain}/letter.pdf", headers=clerk).status_code == 409
    admin = staff.login(client, "administrator")
    assert client.get(f"/api/v1/cases/{sealed}/letter.pdf", headers=admin).status_code == 403
    assert client.get("/api/v1/cases/SE-none/letter.pdf", headers=clerk).status_code == 404
    issued = ledger_events(home, "document.issued")
    assert [e["kind"] for e in issued] == ["seal_decision"]
    assert all(NAME not in json.dumps(e, ensure_ascii=False) for e in ledger_events(home))


def test_a_refused_application_gives_the_person_a_refusal_letter(home: Settings, tmp_path: Path) -> None:
    adult = two_records()
    adult["id"], adult["person"]["id_number"] = "IT-0012", id_number(12, dt.date(2004, 1, 1))
    adult["events"] = adult["events"][2:]  # the adult theft only: not sealed by the run
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [adult]), dt.date(2026, 6, 30), AT.date())
    sealing_runs.run(home, AT.date(), AT)
    with open_store(home).connect() as conn:
        record_case, token = conn.execute(sa.select(cases.c.case_id, cases.c.subject)).one()
    client = TestClient(create_app(home, clock=lambda: AT), raise_server_exceptions=False)
    headers: dict[str, dict[str, str]] = {}
    for role, subject in (("clerk", ""), ("approver", ""), ("data_subject", token)):
        new = accounts.create_account(home, accounts.LOCAL_OPERATOR, f"u-{role}", [role], AT, subject=subject,
                                      jurisdictions=[] if subject else ["CN"])  # fmt: skip
        body = {"username": new.username, "password": new.password, "totp": pyotp.TOTP(new.totp_secret).at(AT)}
        headers[role] = {"Authorization": f"Bearer {client.post('/api/v1/session', json=body).json()['token']}"}
    opening = {"procedure": "application", "records": [record_case], "materials": ["M-1"]}
    application = client.post("/api/v1/cases", json=opening, headers=headers["data_subject"]).json()["case_id"]
    assert client.post(f"/api/v1/cases/{application}/ReviewMaterials", json={}, headers=headers["clerk"]).is_success
    reasons = [{"rule": "cn.adult.not_covered", "citation": "刑事诉讼法第286条", "text": "成年人犯罪记录不属封存范围"}]
    decided = client.post(f"/api/v1/cases/{application}/Decide", json={"outcome": "refuse", "reasons": reasons},
                          headers=headers["approver"])  # fmt: skip
    assert decided.status_code == 200, decided.text
    letter = client.get(f"/api/v1/cases/{application}/letter.pdf", headers=headers["data_subject"])
    assert letter.status_code == 200, letter.text
    text = pdf_text(letter.content)
    assert "不予封存决定书" in text
    assert "成年人犯罪记录不属封存范围" in text
    assert "刑事诉讼法第286条" in text
    assert NAME in text
    code = re.search(r"验证码：([0-9A-Z-]{21})", text)
    assert code is not None
    assert client.get(f"/api/v1/verify/{code.group(1)}").json()["kind"] == "refusal"
    assert client.get(f"/api/v1/cases/{record_case}/letter.pdf", headers=headers["data_subject"]).status_code == 409


def test_letters_and_certificates_carry_the_configured_offices(
    client: TestClient, staff: Staff, home: Settings
) -> None:
    offices = {"letter_office": "北京市朝阳区人民法院", "certificate_office": "北京市公安局朝阳分局"}
    configured = home.with_overrides(environment="production", **offices)
    office_client = TestClient(create_app(configured, clock=lambda: AT), raise_server_exceptions=False)
    with open_store(home).connect() as conn:
        sealed = conn.execute(sa.select(cases.c.case_id).where(cases.c.state == "sealed")).scalar_one()
    letter = office_client.get(f"/api/v1/cases/{sealed}/letter.pdf", headers=staff.login(office_client, "clerk"))
    assert letter.status_code == 200, letter.text
    assert offices["letter_office"] in pdf_text(letter.content)
    officer = staff.login(office_client, "certificate_officer")
    body = {"id_number": ID_NUMBER, "purpose": "general"}
    issued = office_client.post("/api/v1/certificates", json=body, headers=officer).json()
    verified = office_client.get(f"/api/v1/verify/{issued['code']}").json()
    assert verified["office"] == offices["certificate_office"]
    assert offices["certificate_office"] in pdf_text(office_client.get(issued["url"], headers=officer).content)
