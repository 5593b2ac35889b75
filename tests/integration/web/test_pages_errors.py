"""A refused form says why beside the field it is about: the field is marked invalid, described by the message
and focused when the page loads; nothing is filed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import sqlalchemy as sa
from conftest import person_bundle, write_jsonl
from fastapi.testclient import TestClient
from web_session import csrf, signed_in

from sealkeeper.config import Settings
from sealkeeper.services import sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.store.procedure_tables import cases

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def person(home: Settings, tmp_path: Path) -> tuple[TestClient, str]:
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [person_bundle(1)]), dt.date(2026, 6, 30), NOW.date())
    sealing_runs.run(home, NOW.date(), NOW)
    with open_store(home).connect() as conn:
        record, token = conn.execute(sa.select(cases.c.case_id, cases.c.subject)).one()
    return signed_in(home, NOW, "u-person", ["data_subject"], subject=token), str(record)


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


def staff(home: Settings, role: str) -> TestClient:
    return signed_in(home, NOW, f"u-{role}", [role])


def test_a_decision_without_reasons_is_refused_in_chinese_beside_the_reasons(home: Settings, tmp_path: Path) -> None:
    client, record = person(home, tmp_path)
    client.post("/me/apply", data={"csrf": csrf(client.get("/me").text), "records": record, "materials": "M-1"})
    with open_store(home).connect() as conn:
        app_id = conn.execute(sa.select(cases.c.case_id).where(cases.c.procedure == "application")).scalar_one()
    clerk = staff(home, "clerk")
    clerk.post(f"/cases/{app_id}/ReviewMaterials", data={"csrf": csrf(clerk.get(f"/cases/{app_id}").text)})
    approver = staff(home, "approver")
    page = approver.get(f"/cases/{app_id}")
    refused = approver.post(f"/cases/{app_id}/Decide", data={"csrf": csrf(page.text), "outcome": "seal"})
    assert refused.status_code == 422
    assert 'id="error-Decide" tabindex="-1">决定须说明理由并援引法律条文<' in refused.text
    rule = tag(refused.text, 'id="Decide-reasons-rule"')
    assert 'aria-invalid="true"' in rule
    assert 'aria-describedby="error-Decide"' in rule
    english = approver.get("/lang/en", params={"next": f"/cases/{app_id}"})
    refused = approver.post(f"/cases/{app_id}/Decide", data={"csrf": csrf(english.text), "outcome": "seal"})
    assert ">a decision states its reasons with the articles cited<" in refused.text


def test_the_persons_forms_are_refused_in_chinese_beside_the_field(home: Settings, tmp_path: Path) -> None:
    client, record = person(home, tmp_path)
    token = csrf(client.get("/me").text)
    correction = client.post("/me/open/correction", data={"csrf": token, "record_case": record, "fields": ""})
    assert correction.status_code == 422
    assert 'id="error-correction" tabindex="-1">更正请求须写明有误的字段<' in correction.text
    field = tag(correction.text, 'id="corr-fields"')
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="error-correction"' in field
    objection = client.post("/me/open/objection", data={"csrf": token, "contest": ""})  # nothing to object to
    assert objection.status_code == 422
    assert 'id="error-objection" tabindex="-1">案件编号：没有案件 <' in objection.text
    assert 'aria-describedby="error-objection"' in tag(objection.text, 'id="obj-contest"')
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(cases.c.case_id).where(cases.c.procedure != "sealing")).first() is None


def test_the_auditors_verification_is_said_in_chinese(home: Settings) -> None:
    auditor = staff(home, "auditor")
    verified = auditor.post("/audit/verify", data={"csrf": csrf(auditor.get("/audit").text)})
    assert verified.status_code == 200
    assert re.search(r'role="status">共 \d+ 条记录、\d+ 个检查点：全部核验通过<', verified.text)


def test_a_release_with_a_bad_epsilon_is_refused_in_chinese_beside_it(home: Settings) -> None:
    statistician = staff(home, "statistician")
    refused = statistician.post("/stats/release", data={"csrf": csrf(statistician.get("/stats").text),
                                                        "query": "sealed-by-year", "epsilon": "abc"})  # fmt: skip
    assert refused.status_code == 422
    assert 'id="epsilon-error" role="alert">ε：不是数字<' in refused.text


def test_a_ledger_that_does_not_verify_is_said_in_chinese_with_the_entry_named(home: Settings) -> None:
    auditor = staff(home, "auditor")
    page = auditor.get("/audit")
    with open_store(home).begin() as conn:
        conn.execute(sa.update(ledger_entries).where(ledger_entries.c.idx == 1).values(data=b'{"type":"forged"}'))
    broken = auditor.post("/audit/verify", data={"csrf": csrf(page.text)})
    assert re.search(r'role="status">账本核验未通过：[^<]*entry 1\b', broken.text)
