"""The HTTP service over a real store (SQLite and PostgreSQL): sign-in with TOTP, the policy on every route,
every decision logged, errors as 4xx naming the field, never the value and never a stack trace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyotp
import pytest
from conftest import ledger_events, person_bundle, write_jsonl
from fastapi.testclient import TestClient

from sealkeeper.api import create_app
from sealkeeper.config import Settings
from sealkeeper.services import accounts
from sealkeeper.services.importing import import_file

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class Staff:
    def __init__(self, home: Settings) -> None:
        self.home = home
        self.secrets: dict[str, tuple[str, str]] = {}
        for role in ("clerk", "approver", "administrator"):
            new = accounts.create_account(home, accounts.LOCAL_OPERATOR, role, [role], NOW, jurisdictions=["CN"])
            self.secrets[role] = (new.password, new.totp_secret)

    def login(self, client: TestClient, role: str) -> dict[str, str]:
        password, secret = self.secrets[role]
        code = pyotp.TOTP(secret).at(NOW)
        answer = client.post("/api/v1/session", json={"username": role, "password": password, "totp": code})
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.fixture
def client(home: Settings) -> TestClient:
    return TestClient(create_app(home, clock=lambda: NOW), raise_server_exceptions=False)


@pytest.fixture
def staff(home: Settings) -> Staff:
    return Staff(home)


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/api/v1/session" in spec["paths"]
    assert "/api/v1/queue" in spec["paths"]


def test_sign_in_needs_the_second_factor(client: TestClient, staff: Staff) -> None:
    password, _ = staff.secrets["clerk"]
    refused = client.post("/api/v1/session", json={"username": "clerk", "password": password})
    assert refused.status_code == 401
    assert refused.json()["outcome"] == "totp_required"
    headers = staff.login(client, "clerk")
    me = client.get("/api/v1/me", headers=headers).json()
    assert me["roles"] == ["clerk"]
    assert client.delete("/api/v1/session", headers=headers).json() == {"closed": True}
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_no_token_is_a_401_that_says_what_to_send(client: TestClient) -> None:
    answer = client.get("/api/v1/queue")
    assert answer.status_code == 401
    assert "Authorization: Bearer" in answer.json()["error"]


def test_bad_input_names_the_field_and_not_the_value(client: TestClient) -> None:
    answer = client.post("/api/v1/session", json={"username": "clerk", "password": "", "totp": "9" * 50})
    assert answer.status_code == 422
    body = answer.text
    assert "body.password" in body
    assert "body.totp" in body
    assert "9" * 50 not in body
    assert "Traceback" not in body


def test_the_run_and_the_queue_follow_the_policy_and_every_decision_is_logged(
    client: TestClient, staff: Staff, home: Settings, tmp_path: Path
) -> None:
    young = person_bundle(1, birth_date="2004-01-01")
    young["person"].pop("id_number")
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [young]), dt.date(2026, 6, 30), dt.date(2026, 7, 1))
    clerk, admin = staff.login(client, "clerk"), staff.login(client, "administrator")
    refused = client.post("/api/v1/runs", json={}, headers=admin)
    assert refused.status_code == 403
    run = client.post("/api/v1/runs", json={}, headers=clerk)
    assert run.status_code == 200, run.text
    assert run.json()["effects"] == {"seal": 1}
    assert client.get("/api/v1/queue", headers=clerk).status_code == 200
    assert client.get("/api/v1/queue", headers=admin).status_code == 403
    decisions = ledger_events(home, "access.decision")
    outcomes = {(e["action"], e["outcome"]) for e in decisions}
    assert {
        ("run_sealing", "deny"),
        ("run_sealing", "allow"),
        ("view_queue", "allow"),
        ("view_queue", "deny"),
    } <= outcomes


def test_a_future_day_is_refused_and_nothing_runs(client: TestClient, staff: Staff) -> None:
    clerk = staff.login(client, "clerk")
    answer = client.post("/api/v1/runs", json={"day": "2026-07-02"}, headers=clerk)
    assert answer.status_code == 422
    assert answer.json()["error"].startswith("day:")


def test_ledger_routes_for_outside_verifiers(client: TestClient, staff: Staff) -> None:
    name, key_id, key = client.get("/api/v1/ledger/key").text.strip().split("+", 2)
    assert name.startswith("sealkeeper.local/ledger-")
    assert len(key_id) == 8
    assert key.startswith("A")  # base64 of 0x01 ‖ Ed25519 public key
    proof = client.get("/api/v1/ledger/proof", params={"index": 0}).json()
    assert proof["index"] == 0
    assert len(proof["leaf_hash"]) == 64
    assert client.get("/api/v1/ledger/proof", params={"index": 10**9}).status_code == 400
    assert client.get("/api/v1/ledger/proof", params={"index": -1}).status_code == 422
