"""Judicial access, the person's access history and monitoring over HTTP (SQLite and PostgreSQL): the whole story
through the routes, with sign-in and TOTP, a clock the test moves, and errors that name the field."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from judicial_setup import CASE, Story, T, check_proof, sealed_story

from sealkeeper.api import create_app
from sealkeeper.config import Settings

HOUR = dt.timedelta(hours=1)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class Service:
    """The app over the story's home, signing in as any of its accounts at the clock's time."""

    def __init__(self, story: Story) -> None:
        self.story, self.clock = story, Clock(T)
        self.client = TestClient(create_app(story.home, clock=self.clock), raise_server_exceptions=False)
        self.sessions: dict[tuple[str, dt.datetime], dict[str, str]] = {}

    def login(self, name: str) -> dict[str, str]:
        """A session opened at the clock's time (a TOTP code is accepted once: one sign-in per name and time)."""
        key = (name, self.clock.now)
        if key not in self.sessions:
            self.sessions[key] = self._sign_in(name)
        return self.sessions[key]

    def _sign_in(self, name: str) -> dict[str, str]:
        password, secret = self.story.secrets[name]
        code = pyotp.TOTP(secret).at(self.clock.now)
        answer = self.client.post("/api/v1/session", json={"username": name, "password": password, "totp": code})
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    def post(self, path: str, who: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(f"/api/v1{path}", json=body or {}, headers=self.login(who))

    def get(self, path: str, who: str, **params: str) -> Any:
        return self.client.get(f"/api/v1{path}", params=params, headers=self.login(who))


@pytest.fixture
def service(home: Settings, tmp_path: Path) -> Service:
    return Service(sealed_story(home, tmp_path))


def new_request(service: Service, who: str = "judge") -> str:
    body = {"record": service.story.records[0], "purpose": "trial", "case_number": CASE}
    answer = service.post("/access-requests", who, body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_the_whole_story_over_http(service: Service) -> None:
    request_id = new_request(service)
    inbox = service.get("/access-requests", "approver").json()
    assert [(r["id"], r["purpose"], r["case_number"]) for r in inbox] == [(request_id, "trial", CASE)]
    assert service.get("/access-requests", "judge").json()[0]["state"] == "pending"
    assert service.get(f"/access-requests/{request_id}/record", "judge").status_code == 403

    approved = service.post(f"/access-requests/{request_id}/approve", "approver", {"valid_hours": 2})
    assert approved.status_code == 200, approved.text
    read = service.get(f"/access-requests/{request_id}/record", "judge")
    assert read.status_code == 200, read.text
    assert {e["id"] for e in read.json()["events"]} == {"e1", "e2"}
    assert "IT-0001" not in read.text
    assert "张三" not in read.text

    service.clock.now = T + 2 * HOUR  # valid_until: the window is over
    expired = service.get(f"/access-requests/{request_id}/record", "judge")
    assert expired.status_code == 403
    assert "grant.expired" in expired.json()["error"]

    history = service.get("/me/access", "person0")
    assert history.status_code == 200, history.text
    [access] = history.json()["accesses"]
    assert access["shown"] is True
    check_proof(history.json(), access)


def test_self_approval_is_refused_and_a_denial_is_final(service: Service) -> None:
    own = new_request(service, "dual")
    refused = service.post(f"/access-requests/{own}/approve", "dual", {"valid_hours": 1})
    assert refused.status_code == 403
    assert refused.json()["error"].startswith("approver:")
    assert service.post(f"/access-requests/{own}/deny", "approver").status_code == 200
    again = service.post(f"/access-requests/{own}/approve", "approver2", {"valid_hours": 1})
    assert again.status_code == 409
    assert service.get("/access-requests", "approver", state="denied").json()[0]["id"] == own


def public_entries(service: Service) -> list[str]:
    """Every ledger entry as anyone may read it (no sign-in): the decoded bytes of /ledger/entries/{i}."""
    out: list[str] = []
    while (answer := service.client.get(f"/api/v1/ledger/entries/{len(out)}")).status_code == 200:
        out.append(base64.b64decode(answer.text).decode("utf-8"))
    return out


def test_a_delayed_notice_over_http(service: Service) -> None:
    """Until the delay ends, neither the person's page nor the public ledger shows anything linkable to them of
    the request, its approval or the read; from that day, the access is shown with the delay and its reason."""
    record = service.story.records[0]
    request_id = new_request(service)
    delay = {"reason": "impedes_duty", "until": "2026-07-10"}
    body = {"valid_hours": 1, "notice_delay": delay}
    answer = service.post(f"/access-requests/{request_id}/approve", "approver", body)
    assert answer.status_code == 200, answer.text
    assert service.get(f"/access-requests/{request_id}/record", "judge").status_code == 200
    service.clock.now = dt.datetime(2026, 7, 9, 23, 0, tzinfo=T.tzinfo)
    held = service.get("/me/access", "person0").json()
    assert held["accesses"] == []  # not even that an access took place
    commitment = held["subject_commitment"]
    before = public_entries(service)
    linkable = [e for e in before if commitment in e or record in e]  # the person's own import, sealing, looks
    assert linkable
    assert not [e for e in linkable if request_id in e or "judicial_requester" in e or "approve_access" in e]
    about_it = [e for e in before if request_id in e]
    assert len(about_it) >= 4  # requested, the approver's decision, approved, the read: all withheld
    service.clock.now = dt.datetime(2026, 7, 10, 9, 0, tzinfo=T.tzinfo)
    [told] = service.get("/me/access", "person0").json()["accesses"]
    assert told["shown"] is True
    assert (told["delay_reason"], told["delayed_until"], told["record"]) == ("impedes_duty", "2026-07-10", record)
    assert "2026-07-10" in told["text"]
    after = public_entries(service)
    released = [json.loads(e) for e in after if commitment in e and request_id in e]
    assert [(e["type"], e["request"], e["record"], e["notice_delayed_until"]) for e in released] == [
        ("access.notice_released", request_id, record, "2026-07-10")
    ]
    service.get("/me/access", "person0")  # looking again logs no second notice
    assert sum(commitment in e and request_id in e for e in public_entries(service)) == 1


def test_bad_input_names_the_field_never_the_value(service: Service) -> None:
    secret_text = "王五的身份证" * 20
    answer = service.post("/access-requests", "judge", {"record": service.story.records[0], "purpose": secret_text,
                                                         "case_number": CASE})  # fmt: skip
    assert answer.status_code == 422
    assert "body.purpose" in answer.text
    assert secret_text not in answer.text
    assert service.get("/access-requests/not-an-id/record", "judge").status_code == 422
    missing = service.get("/access-requests/AR-0000000000000000/record", "judge")
    assert missing.status_code == 404
    assert missing.json()["error"].startswith("request:")
    nul = service.post("/access-requests", "judge", {"record": "SE-\u0000", "purpose": "trial", "case_number": CASE})
    assert nul.status_code == 422  # PostgreSQL cannot hold NUL: refused before the store is asked
    assert nul.json()["error"].startswith("record:")
    unknown = service.post("/access-requests", "judge", {"record": "SE-none", "purpose": "trial", "case_number": CASE})
    assert unknown.status_code == 404
    request_id = new_request(service)
    whim = {"reason": "whim", "until": "2026-08-01"}
    for body, field in (({"valid_hours": 0}, "body.valid_hours"), ({"valid_hours": 1, "notice_delay": whim},
                                                                     "notice_delay")):  # fmt: skip
        bad = service.post(f"/access-requests/{request_id}/approve", "approver", body)  # fmt: skip
        assert bad.status_code == 422, bad.text
        assert field in bad.text
    assert "Traceback" not in json.dumps(bad.json())


def test_monitoring_over_http(service: Service) -> None:
    request_id = new_request(service)
    for minute in range(5):
        service.clock.now = T + dt.timedelta(minutes=minute)
        assert service.get(f"/access-requests/{request_id}/record", "judge").status_code == 403
    assert service.post("/monitoring/scan", "judge").status_code == 403
    scan = service.post("/monitoring/scan", "supervisor")
    assert scan.status_code == 200, scan.text
    assert "repeated_denials" in {f["kind"] for f in scan.json()}
    assert service.post("/monitoring/scan", "supervisor").json() == []
    queue = service.get("/flags", "supervisor").json()
    flag = next(f for f in queue if f["kind"] == "repeated_denials")
    assert len(flag["entries"]) == 6  # five reads and the judge's refused scan
    closed = service.post(f"/flags/{flag['id']}/close", "supervisor", {"note": "reviewed"})
    assert closed.status_code == 200, closed.text
    assert service.post(f"/flags/{flag['id']}/close", "supervisor", {"note": "reviewed"}).status_code == 409
    assert service.post("/flags/999999/close", "supervisor", {"note": "x"}).status_code == 404
    assert service.post(f"/flags/{flag['id']}/close", "supervisor", {"note": ""}).status_code == 422
