"""The reader's proposal over HTTP: the clerk reads it, corrects the date of birth the record contradicts, and the
record, put in as a new version, is decided again and sealed by the run (juvenile); errors say which fact and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyotp
from fastapi.testclient import TestClient
from reader_setup import JUVENILE_BIRTH, case_with_proposal, juvenile_judgment

from sealkeeper.api import create_app
from sealkeeper.config import Settings
from sealkeeper.services import accounts

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _client(home: Settings, role: str, jurisdiction: str) -> tuple[TestClient, dict[str, str]]:
    new = accounts.create_account(home, accounts.LOCAL_OPERATOR, f"u-{role}-{jurisdiction}", [role], NOW,
                                  jurisdictions=[jurisdiction])  # fmt: skip
    client = TestClient(create_app(home, clock=lambda: NOW), raise_server_exceptions=False)
    body = {"username": new.username, "password": new.password, "totp": pyotp.TOTP(new.totp_secret).at(NOW)}
    answer = client.post("/api/v1/session", json=body)
    assert answer.status_code == 200, answer.text
    return client, {"Authorization": f"Bearer {answer.json()['token']}"}


def test_the_clerk_reviews_fact_by_fact_and_the_record_is_decided_again(home: Settings, tmp_path: Path) -> None:
    case_id = case_with_proposal(home, tmp_path, juvenile_judgment(), NOW)
    client, clerk = _client(home, "clerk", "CN")
    base = f"/api/v1/cases/{case_id}/proposal"
    shown = client.get(base, headers=clerk).json()
    assert shown["state"] == "needs_review"
    assert {f["name"]: f["agrees"] for f in shown["fields"]}["birth_date"] is False
    refused = client.post(f"{base}/facts/birth_date", json={"verdict": "confirm"}, headers=clerk)
    assert refused.status_code == 422
    assert refused.json()["error"].startswith("birth_date: differs from the record")
    bad = client.post(f"{base}/facts/birth_date", json={"verdict": "correct", "value": "2003-02-30"}, headers=clerk)
    assert (bad.status_code, bad.json()["error"]) == (422, "birth_date: must be a date YYYY-MM-DD")
    early = client.post(f"{base}/apply", headers=clerk)
    assert early.status_code == 422
    assert "facts still to review" in early.json()["error"]
    fixed = client.post(f"{base}/facts/birth_date", json={"verdict": "correct", "value": JUVENILE_BIRTH}, headers=clerk)
    assert fixed.status_code == 200
    assert (fixed.json()["verdict"], fixed.json()["value"]) == ("correct", JUVENILE_BIRTH)
    under_18 = client.post(f"{base}/facts/juvenile", json={"verdict": "correct", "value": True}, headers=clerk)
    assert under_18.status_code == 200
    done = client.post(f"{base}/confirm", headers=clerk)  # confirms the rest (they agree), then applies
    assert done.status_code == 200, done.text
    assert done.json() == {"state": "confirmed", "bundle_version": 2, "changed": ["birth_date"]}
    again = client.post(f"{base}/reject", headers=clerk)
    assert again.status_code == 409
    assert client.post("/api/v1/runs", json={}, headers=clerk).status_code == 200  # the run acts on the new decision
    assert client.get(f"/api/v1/cases/{case_id}", headers=clerk).json()["state"] == "sealed"


def test_a_clerk_of_another_jurisdiction_is_refused(home: Settings, tmp_path: Path) -> None:
    case_id = case_with_proposal(home, tmp_path, juvenile_judgment(), NOW)
    client, other = _client(home, "clerk", "DE")
    assert client.get(f"/api/v1/cases/{case_id}/proposal", headers=other).status_code == 403
    answer = client.post(f"/api/v1/cases/{case_id}/proposal/reject", headers=other)
    assert answer.status_code == 403
    assert client.get("/api/v1/cases/SE-none/proposal", headers=other).status_code == 404
