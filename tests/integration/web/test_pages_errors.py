"""A refused form says why beside the field it is about: the field is marked invalid, described by the message
and focused when the page loads; nothing is filed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyotp
import sqlalchemy as sa
from conftest import person_bundle, write_jsonl
from fastapi.testclient import TestClient

from sealkeeper.api import create_app
from sealkeeper.config import Settings
from sealkeeper.services import accounts, sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.procedure_tables import cases

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def person(home: Settings, tmp_path: Path) -> tuple[TestClient, str]:
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [person_bundle(1)]), dt.date(2026, 6, 30), NOW.date())
    sealing_runs.run(home, NOW.date(), NOW)
    with open_store(home).connect() as conn:
        record, token = conn.execute(sa.select(cases.c.case_id, cases.c.subject)).one()
    new = accounts.create_account(home, accounts.LOCAL_OPERATOR, "u-person", ["data_subject"], NOW, subject=token)
    client = TestClient(create_app(home, clock=lambda: NOW), raise_server_exceptions=False, follow_redirects=True)
    client.post("/login", data={"username": new.username, "password": new.password,
                                "totp": pyotp.TOTP(new.totp_secret).at(NOW), "next": "/"})  # fmt: skip
    return client, str(record)


def tag(html: str, pattern: str) -> str:
    found = re.search(rf"<[^>]*{pattern}[^>]*>", html)
    assert found is not None, pattern
    return found.group(0)


def test_apply_without_a_record_or_a_material_is_refused_beside_that_field(home: Settings, tmp_path: Path) -> None:
    client, record = person(home, tmp_path)
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get("/me").text)
    assert token is not None
    no_record = client.post("/me/apply", data={"csrf": token.group(1), "materials": "M-1"}).text
    box = tag(no_record, f'value="{record}"')
    assert 'aria-invalid="true"' in box
    assert 'aria-describedby="records-error"' in box
    assert "autofocus" in box
    assert 'id="records-error">请至少选择一项要申请封存的记录。<' in no_record
    no_material = client.post("/me/apply", data={"csrf": token.group(1), "records": record}).text
    field = tag(no_material, 'id="materials"')
    assert 'aria-describedby="materials-error"' in field
    assert "autofocus" in field
    assert 'id="materials-error">请至少填写一项材料（材料编号）。<' in no_material
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(cases.c.case_id).where(cases.c.procedure == "application")).first() is None
