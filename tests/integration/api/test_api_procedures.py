"""A person applies to have a record sealed; the clerk reviews, the approver decides; the record case is sealed
by the decision's follow-up — over HTTP, on SQLite and PostgreSQL, every step and decision in the ledger."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from conftest import person_bundle, write_jsonl
from fastapi.testclient import TestClient

from sealkeeper.api import create_app
from sealkeeper.config import Settings
from sealkeeper.services import accounts, sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.store.procedure_tables import cases

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
NARRATIVE = "申请人已就业并悔过，材料齐全（叙述，不入账本）"


class Desk:
    """The people at the desk: each role signed in with password and TOTP."""

    def __init__(self, home: Settings, client: TestClient, token: str) -> None:
        self.client = client
        self.headers: dict[str, dict[str, str]] = {}
        for role, subject in (("clerk", ""), ("approver", ""), ("data_subject", token)):
            new = accounts.create_account(home, accounts.LOCAL_OPERATOR, f"u-{role}", [role], NOW, subject=subject,
                                          jurisdictions=[] if subject else ["CN"])  # fmt: skip
            body = {"username": new.username, "password": new.password, "totp": pyotp.TOTP(new.totp_secret).at(NOW)}
            answer = client.post("/api/v1/session", json=body)
            assert answer.status_code == 200, answer.text
            self.headers[role] = {"Authorization": f"Bearer {answer.json()['token']}"}

    def post(self, role: str, path: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
        answer = self.client.post(f"/api/v1{path}", json=body, headers=self.headers[role])
        return answer.status_code, answer.json()


@pytest.fixture
def desk(home: Settings, tmp_path: Path) -> tuple[Desk, str]:
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [person_bundle(1)]), dt.date(2026, 6, 30), NOW.date())
    sealing_runs.run(home, NOW.date(), NOW)
    with open_store(home).connect() as conn:
        case_id, token, state = conn.execute(sa.select(cases.c.case_id, cases.c.subject, cases.c.state)).one()
    assert state != "sealed"
    client = TestClient(create_app(home, clock=lambda: NOW), raise_server_exceptions=False)
    return Desk(home, client, token), case_id


def test_apply_review_decide_seals_the_record_and_logs_every_step(desk: tuple[Desk, str], home: Settings) -> None:
    people, record_case = desk
    status, app = people.post("data_subject", "/cases", {"procedure": "application", "records": [record_case],
                                                          "materials": ["M-1"]})  # fmt: skip
    assert status == 201, app
    assert app["state"] == "filed"
    app_id = str(app["case_id"])
    status, reviewed = people.post("clerk", f"/cases/{app_id}/ReviewMaterials", {})
    assert (status, reviewed["state"]) == (200, "accepted")
    status, refused = people.post("clerk", f"/cases/{app_id}/Decide", {"outcome": "seal", "reasons": []})
    assert status == 409, refused  # the procedure gives the decision to an approver
    reasons = [{"rule": "cn.juvenile.sealed", "citation": "刑事诉讼法第286条", "text": NARRATIVE}]
    status, decided = people.post("approver", f"/cases/{app_id}/Decide", {"outcome": "seal", "reasons": reasons})
    assert (status, decided["state"]) == (200, "decided"), decided
    mine = people.client.get("/api/v1/me/cases", headers=people.headers["data_subject"]).json()
    by_id = {c["case_id"]: c for c in mine}
    assert by_id[record_case]["state"] == "sealed"
    assert by_id[app_id]["state"] == "decided"
    with open_store(home).connect() as conn:
        texts = [bytes(d).decode() for d in conn.execute(sa.select(ledger_entries.c.data)).scalars()]
        bodies = list(conn.execute(sa.select(cases.c.body)).scalars())
    kinds = [json.loads(t)["type"] for t in texts]
    assert "application.decided" in kinds
    sealed = [json.loads(t) for t in texts if '"sealing.sealed"' in t]
    assert sealed[-1]["trigger"] == "application"
    assert sealed[-1]["source_case"] == app_id
    assert not any(NARRATIVE in t for t in texts + bodies)  # narrative: encrypted, never logged
    status, _ = people.post("clerk", f"/cases/{app_id}/SendNotice", {})
    status, published = people.post("clerk", f"/cases/{app_id}/Publish", {"reference": "封存公告2026第1号"})
    assert (status, published["state"]) == (200, "published"), published
    public = people.client.get("/api/v1/publications").json()
    assert [p["outcome"] for p in public] == ["seal"]
    assert app_id not in json.dumps(public, ensure_ascii=False)
    assert NARRATIVE not in json.dumps(public, ensure_ascii=False)


def test_a_person_cannot_apply_for_another_persons_record(desk: tuple[Desk, str]) -> None:
    people, _ = desk
    body: dict[str, object] = {"procedure": "application", "records": ["SE-0000000000000000"], "materials": ["M-1"]}
    status, answer = people.post("data_subject", "/cases", body)
    assert status == 422
    assert str(answer["error"]).startswith("case_id: no case")


def test_unknown_commands_and_bad_fields_are_named(desk: tuple[Desk, str]) -> None:
    people, record_case = desk
    status, app = people.post("data_subject", "/cases", {"procedure": "application", "records": [record_case],
                                                          "materials": ["M-1"]})  # fmt: skip
    status, answer = people.post("clerk", f"/cases/{app['case_id']}/Explode", {})
    assert status == 422
    assert "command" in str(answer["error"])
    status, answer = people.post("approver", f"/cases/{app['case_id']}/Decide", {"outcome": "maybe"})
    assert status == 422
    assert "outcome" in str(answer["error"])
