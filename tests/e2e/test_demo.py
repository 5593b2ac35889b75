"""`sealkeeper demo --format json`: the accounts it prints sign in (password + TOTP) and hold every role; the
home holds a case in each procedure it names, and a judgment reader proposal awaiting a clerk's review."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyotp
import sqlalchemy as sa
from fastapi.testclient import TestClient

from sealkeeper.access import AccessRole
from sealkeeper.api import create_app
from sealkeeper.config import load_settings
from sealkeeper.services.store_access import close_all, open_store
from sealkeeper.store.procedure_tables import cases
from sealkeeper.store.reader_tables import reader_proposals

SEALKEEPER = Path(sys.executable).parent / "sealkeeper"


def test_demo_accounts_sign_in_and_cover_every_role(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "SEALKEEPER_HOME": str(home)}
    env.pop("SEALKEEPER_DATABASE_URL", None)
    command = [str(SEALKEEPER), "demo", "--people", "200", "--format", "json"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603 - our own console script
    assert done.returncode == 0, done.stderr
    accounts = json.loads(done.stdout)
    assert {a["role"] for a in accounts} == {str(r) for r in AccessRole}
    assert all(set(a) == {"role", "username", "password", "totp_secret"} for a in accounts)
    settings = load_settings({"SEALKEEPER_HOME": str(home)})
    try:
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        for account in accounts:
            body = {"username": account["username"], "password": account["password"],
                    "totp": pyotp.TOTP(account["totp_secret"]).now()}  # fmt: skip
            answer = client.post("/api/v1/session", json=body)
            assert answer.status_code == 200, (account["username"], answer.text)
        with open_store(settings).connect() as conn:
            procedures = {(p, s) for p, s in conn.execute(sa.select(cases.c.procedure, cases.c.state))}
            proposals = list(conn.execute(sa.select(reader_proposals.c.state)).scalars())
    finally:
        close_all()
    for expected in [("application", "filed"), ("application", "accepted"), ("application", "notified"),
                     ("objection", "filed"), ("unsealing", "requested"), ("correction", "filed"),
                     ("deletion", "filed"), ("complaint", "filed"), ("complaint", "referred"),
                     ("representation", "approved"), ("sealing", "sealed")]:  # fmt: skip
        assert expected in procedures
    assert proposals == ["needs_review"]
