"""A complaint the supervising body rejects is referred by the person to the higher authority (复议), which sees
it in its inbox, reads the complaint file (never the record) and decides with reasons — over HTTP, on SQLite and
PostgreSQL, each step and access decision in the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
from procedure_desk import REASON, Desk

from sealkeeper.config import Settings


@pytest.fixture
def desk(home: Settings, tmp_path: Path) -> Desk:
    made = Desk(home, tmp_path)
    made.sign_in("person", ["data_subject"], subject=made.records[0][1])
    for role in ("supervisor", "higher_authority", "clerk"):
        made.sign_in(role, [role])
    return made


def test_a_rejected_complaint_goes_to_the_higher_authority_which_decides_it(desk: Desk) -> None:
    record_case = desk.records[0][0]
    status, filed = desk.post("person", "/cases", {"procedure": "complaint", "ground": "leak",
                                                   "concerning": record_case})  # fmt: skip
    assert status == 201, filed
    cid = filed["case_id"]
    assert desk.get("higher_authority", "/complaints/referred") == (200, [])
    assert desk.get("higher_authority", f"/complaints/{cid}")[0] == 404  # not referred: not its file
    status, answered = desk.post("supervisor", f"/cases/{cid}/Answer", {"finding": "rejected", "reasons": [REASON]})
    assert (status, answered["state"]) == (200, "rejected"), answered
    status, referred = desk.post("person", f"/cases/{cid}/Refer", {})
    assert (status, referred["state"]) == (200, "referred"), referred
    status, inbox = desk.get("higher_authority", "/complaints/referred")
    assert status == 200
    assert [(i["case_id"], i["referred_because"], i["ground"]) for i in inbox] == [(cid, "rejected", "leak")]
    assert inbox[0]["days_left"] == 60
    status, file = desk.get("higher_authority", f"/complaints/{cid}")
    assert status == 200
    assert file["concerning_case"]["case_id"] == record_case
    assert REASON["text"] not in str(file)  # the narrative stays sealed
    status, decided = desk.post("higher_authority", f"/cases/{cid}/Reconsider", {"finding": "upheld",
                                                                                 "reasons": [REASON]})  # fmt: skip
    assert (status, decided["state"], decided["final"]) == (200, "closed", "upheld"), decided
    assert desk.get("higher_authority", "/complaints/referred") == (200, [])
    entries = desk.ledger()
    final = [e for e in entries if e["type"] == "complaint.reconsidered"]
    assert [(e["role"], e["finding"], e["rules"], e["citations"]) for e in final] == [
        ("higher_authority", "upheld", ["demo.decision"], ["刑事诉讼法第286条"])
    ]
    decisions = [e for e in entries if e["type"] == "access.decision" and e["account"] == desk.ids["higher_authority"]]
    assert {(e["action"], e["outcome"]) for e in decisions} == {
        ("view_referred_complaints", "allow"),
        ("decide_complaint", "allow"),
    }


def test_the_higher_authority_reads_no_record_and_others_cannot_see_its_inbox(desk: Desk) -> None:
    record_case = desk.records[0][0]
    assert desk.get("higher_authority", f"/cases/{record_case}")[0] == 403
    assert desk.get("higher_authority", "/queue")[0] == 403
    assert desk.get("clerk", "/complaints/referred")[0] == 403
    assert desk.get("person", "/complaints/referred")[0] == 403
    status, filed = desk.post("person", "/cases", {"procedure": "complaint", "ground": "late",
                                                   "concerning": record_case})  # fmt: skip
    status, _ = desk.post("higher_authority", f"/cases/{filed['case_id']}/Answer",
                               {"finding": "upheld", "reasons": [REASON]})  # fmt: skip
    assert status in {403, 409}  # the supervisor answers first; the higher authority only reconsiders
    denied = [e for e in desk.ledger() if e["type"] == "access.decision" and e["outcome"] == "deny"]
    assert any(e["account"] == desk.ids["higher_authority"] for e in denied)
