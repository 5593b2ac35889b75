"""A desk of signed-in accounts over HTTP for the procedure tests: one person with one record case (not sealed),
and staff accounts signed in with password and TOTP as they are asked for."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyotp
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
REASON = {"rule": "demo.decision", "citation": "刑事诉讼法第286条", "text": "理由的叙述（不入账本）"}


class Desk:
    def __init__(self, home: Settings, tmp_path: Path, people: int = 1) -> None:
        self.home = home
        bundles = [person_bundle(n) for n in range(1, people + 1)]
        import_file(home, write_jsonl(tmp_path / "a.jsonl", bundles), dt.date(2026, 6, 30), NOW.date())
        sealing_runs.run(home, NOW.date(), NOW)
        with open_store(home).connect() as conn:
            rows = conn.execute(sa.select(cases.c.case_id, cases.c.subject).order_by(cases.c.case_id)).all()
        self.records = [(str(r.case_id), str(r.subject)) for r in rows]  # (record case, subject token)
        self.client = TestClient(create_app(home, clock=lambda: NOW), raise_server_exceptions=False)
        self.headers: dict[str, dict[str, str]] = {}
        self.ids: dict[str, str] = {}

    def sign_in(self, name: str, roles: list[str], subject: str = "") -> dict[str, str]:
        new = accounts.create_account(self.home, accounts.LOCAL_OPERATOR, name, roles, NOW, subject=subject,
                                      jurisdictions=[] if subject else ["CN"])  # fmt: skip
        body = {"username": new.username, "password": new.password, "totp": pyotp.TOTP(new.totp_secret).at(NOW)}
        answer = self.client.post("/api/v1/session", json=body)
        assert answer.status_code == 200, answer.text
        self.headers[name] = {"Authorization": f"Bearer {answer.json()['token']}"}
        self.ids[name] = new.account.id
        return self.headers[name]

    def post(self, who: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        answer = self.client.post(f"/api/v1{path}", json=body, headers=self.headers[who])
        return answer.status_code, answer.json()

    def get(self, who: str, path: str) -> tuple[int, Any]:
        answer = self.client.get(f"/api/v1{path}", headers=self.headers[who])
        return answer.status_code, answer.json()

    def ledger(self) -> list[dict[str, Any]]:
        with open_store(self.home).connect() as conn:
            rows = conn.execute(sa.select(ledger_entries.c.data).order_by(ledger_entries.c.idx)).scalars()
            return [json.loads(bytes(d)) for d in rows]
