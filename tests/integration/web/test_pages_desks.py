"""The pages of the guardian or counsel (the people it represents, acting for them under an approved link) and of
the higher authority (its inbox of referred complaints, the complaint's file, the reconsideration with reasons),
over a real store (SQLite and PostgreSQL): the same services and policy as the API, refusals in Chinese beside
the form, and each act in the ledger."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from procedure_desk import NOW, REASON, Desk
from web_session import csrf, signed_in

from sealkeeper.config import Settings
from sealkeeper.services.store_access import open_store
from sealkeeper.store.procedure_tables import cases


def browser(home: Settings, name: str, role: str) -> TestClient:
    return signed_in(home, NOW, name, [role])


def tag(html: str, pattern: str) -> str:
    found = re.search(rf"<[^>]*{pattern}[^>]*>", html)
    assert found is not None, pattern
    return found.group(0)


def procedures_of(home: Settings, procedure: str) -> list[tuple[str, str]]:
    with open_store(home).connect() as conn:
        rows = conn.execute(sa.select(cases.c.case_id, cases.c.state).where(cases.c.procedure == procedure))
        return [(str(r.case_id), str(r.state)) for r in rows]


@pytest.fixture
def desk(home: Settings, tmp_path: Path) -> Desk:
    made = Desk(home, tmp_path, people=2)
    made.sign_in("clerk", ["clerk"])
    return made


def test_the_guardian_asks_for_a_link_and_then_acts_for_the_person(home: Settings, desk: Desk) -> None:
    (record, person), (other_record, other) = desk.records
    guardian = browser(home, "guardian-web", "representative")
    page = guardian.get("/")
    assert page.url.path == "/represented"
    assert "尚无已批准的代理关系" in page.text
    form = {"csrf": csrf(page.text), "subject": person, "capacity": "guardian", "basis": "parent", "document": ""}
    missing = guardian.post("/represented/link", data=form)
    assert missing.status_code == 422
    assert 'id="error-representation" tabindex="-1">证明文件：代理关系须写明证明它的文件<' in missing.text
    assert 'aria-invalid="true"' in tag(missing.text, 'id="link-document"')
    asked = guardian.post("/represented/link", data={**form, "document": "M-1"})
    assert asked.status_code == 200, asked.text
    [(link, state)] = procedures_of(home, "representation")
    assert state == "requested"
    assert link in asked.text
    assert desk.post("clerk", f"/cases/{link}/Approve", {"reasons": [REASON]})[0] == 200

    page = guardian.get("/represented")
    assert record in page.text
    assert other_record not in page.text  # only the person it represents
    refused = guardian.post("/represented/open/correction", data={"csrf": csrf(page.text), "on_behalf_of": person,
                                                                   "record_case": record, "fields": ""})  # fmt: skip
    assert refused.status_code == 422
    assert 'id="p0-error-correction" tabindex="-1">更正请求须写明有误的字段<' in refused.text
    assert 'aria-describedby="p0-error-correction"' in tag(refused.text, 'id="p0-corr-fields"')
    applied = guardian.post("/represented/apply", data={"csrf": csrf(page.text), "on_behalf_of": person,
                                                         "records": record, "materials": "M-1"})  # fmt: skip
    assert applied.status_code == 200, applied.text
    assert 'role="status"' in applied.text
    assert [state for _, state in procedures_of(home, "application")] == ["filed"]

    not_linked = guardian.post("/represented/apply", data={"csrf": csrf(page.text), "on_behalf_of": other,
                                                            "records": other_record, "materials": "M-1"})  # fmt: skip
    assert not_linked.status_code == 422
    assert "无权办理“申请封存”" in not_linked.text  # the policy refused it (logged), said in Chinese
    assert len(procedures_of(home, "application")) == 1
    entries = desk.ledger()
    assert ("application.filed", "guardian") in [(e["type"], e.get("role")) for e in entries]
    assert all(person not in str(e) for e in entries)  # the person only as the ledger's commitment


def test_the_higher_authority_reconsiders_a_referred_complaint_with_reasons(home: Settings, desk: Desk) -> None:
    record, person = desk.records[0]
    desk.sign_in("person", ["data_subject"], subject=person)
    desk.sign_in("supervisor", ["supervisor"])
    status, filed = desk.post("person", "/cases", {"procedure": "complaint", "ground": "leak", "concerning": record})
    assert status == 201, filed
    complaint = filed["case_id"]
    assert desk.post("supervisor", f"/cases/{complaint}/Answer", {"finding": "rejected", "reasons": [REASON]})[0] == 200
    assert desk.post("person", f"/cases/{complaint}/Refer", {})[0] == 200

    higher = browser(home, "higher-web", "higher_authority")
    inbox = higher.get("/")
    assert inbox.url.path == "/referred"
    assert f'href="/referred/{complaint}"' in inbox.text
    assert "监督机关驳回了投诉" in inbox.text
    file = higher.get(f"/referred/{complaint}")
    assert file.status_code == 200
    assert record in file.text  # the case it concerns, by its procedural view
    assert REASON["text"] not in file.text  # never a reason's narrative
    assert '<option value="upheld">投诉成立</option>' in file.text  # a complaint's finding, not an objection's
    refused = higher.post(f"/referred/{complaint}", data={"csrf": csrf(file.text), "finding": "upheld"})
    assert refused.status_code == 422
    assert 'id="error-Reconsider" tabindex="-1">复议决定须说明理由<' in refused.text
    assert 'aria-invalid="true"' in tag(refused.text, 'id="Reconsider-reasons-rule"')
    decided = higher.post(f"/referred/{complaint}", data={
        "csrf": csrf(file.text), "finding": "upheld", "reasons.rule": "demo.decision",
        "reasons.citation": "刑事诉讼法第286条", "reasons.text": "理由"})  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert "没有待复议的投诉" in decided.text
    assert procedures_of(home, "complaint") == [(complaint, "closed")]
    final = [e for e in desk.ledger() if e["type"] == "complaint.reconsidered"]
    assert [(e["role"], e["finding"]) for e in final] == [("higher_authority", "upheld")]


def test_others_are_refused_the_higher_authoritys_inbox_in_chinese(home: Settings, desk: Desk) -> None:
    clerk = browser(home, "clerk-web", "clerk")
    refused = clerk.get("/referred")
    assert refused.status_code == 403
    assert "无权办理“查看提请复议的投诉”" in refused.text
