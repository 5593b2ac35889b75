"""A guardian asks to be linked to a person, a clerk approves; the guardian then applies on the person's behalf
(the application records the guardian's account and capacity), sees that person's cases only, and every link and
use is in the ledger. Without an approved link nothing is allowed, and the refusal is logged too."""

from __future__ import annotations

from pathlib import Path

import pytest
from procedure_desk import REASON, Desk

from sealkeeper.config import Settings


@pytest.fixture
def desk(home: Settings, tmp_path: Path) -> Desk:
    made = Desk(home, tmp_path, people=2)
    made.sign_in("clerk", ["clerk"])
    made.sign_in("guardian", ["representative"])
    return made


def link(desk: Desk, subject: str, capacity: str = "guardian", basis: str = "parent") -> str:
    body = {"procedure": "representation", "subject": subject, "capacity": capacity, "basis": basis,
            "document": "M-birth-1"}  # fmt: skip
    status, filed = desk.post("guardian", "/cases", body)
    assert status == 201, filed
    return str(filed["case_id"])


def test_an_approved_guardian_applies_for_the_person_and_sees_only_their_cases(desk: Desk) -> None:
    (record, person), (other_record, other) = desk.records
    status, mine = desk.get("guardian", f"/me/cases?on_behalf_of={person}")
    assert status == 403  # no link yet
    case_id = link(desk, person)
    assert desk.get("guardian", f"/me/cases?on_behalf_of={person}")[0] == 403  # requested, not yet approved
    status, approved = desk.post("clerk", f"/cases/{case_id}/Approve", {"reasons": [REASON]})
    assert (status, approved["state"]) == (200, "approved"), approved
    status, links = desk.get("guardian", "/me/representations")
    assert [(x["subject"], x["capacity"], x["state"]) for x in links] == [(person, "guardian", "approved")]
    status, mine = desk.get("guardian", f"/me/cases?on_behalf_of={person}")
    assert status == 200
    assert record in {c["case_id"] for c in mine}
    assert {c["subject"] for c in mine} == {person}
    assert desk.get("guardian", f"/me/cases?on_behalf_of={other}")[0] == 403
    status, history = desk.get("guardian", f"/me/access?on_behalf_of={person}")
    assert (status, history["accesses"]) == (200, [])
    assert desk.get("guardian", f"/me/access?on_behalf_of={other}")[0] == 403
    body = {"procedure": "application", "records": [record], "materials": ["M-1"], "on_behalf_of": person}
    status, applied = desk.post("guardian", "/cases", body)
    assert status == 201, applied
    assert (applied["applicant"], applied["applicant_role"]) == (desk.ids["guardian"], "guardian")
    body = {"procedure": "application", "records": [other_record], "materials": ["M-1"], "on_behalf_of": other}
    assert desk.post("guardian", "/cases", body)[0] == 403
    body["on_behalf_of"] = person  # a record of another person under this person's link
    assert desk.post("guardian", "/cases", body)[0] == 422
    entries = desk.ledger()
    kinds = [(e["type"], e.get("role")) for e in entries]
    assert ("representation.requested", "guardian") in kinds
    assert ("representation.approved", "clerk") in kinds
    assert ("application.filed", "guardian") in kinds
    uses = [e for e in entries if e["type"] == "access.decision" and e["account"] == desk.ids["guardian"]]
    assert {(e["action"], e["outcome"]) for e in uses} >= {
        ("read_own_records", "allow"), ("read_own_records", "deny"), ("apply", "allow"), ("apply", "deny"),
        ("request_representation", "allow"),
    }  # fmt: skip
    assert all(person not in str(e) for e in entries)  # the person only as the ledger's commitment


def test_a_link_is_refused_or_ended_and_then_gives_nothing(desk: Desk) -> None:
    _, person = desk.records[0]
    refused = link(desk, person, "counsel", "defence_mandate")
    assert desk.post("clerk", f"/cases/{refused}/Refuse", {"reasons": [REASON]})[1]["state"] == "refused"
    assert desk.get("guardian", f"/me/cases?on_behalf_of={person}")[0] == 403
    approved = link(desk, person)
    assert desk.post("guardian", f"/cases/{approved}/Approve", {"reasons": [REASON]})[0] == 409  # a clerk decides
    desk.post("clerk", f"/cases/{approved}/Approve", {"reasons": [REASON]})
    assert desk.get("guardian", f"/me/cases?on_behalf_of={person}")[0] == 200
    status, ended = desk.post("guardian", f"/cases/{approved}/Withdraw", {})
    assert (status, ended["state"]) == (200, "withdrawn"), ended
    assert desk.get("guardian", f"/me/cases?on_behalf_of={person}")[0] == 403
    status, answer = desk.post("guardian", "/cases", {"procedure": "representation", "subject": person,
                                                      "capacity": "guardian", "basis": "legal_aid",
                                                      "document": "M-1"})  # fmt: skip
    assert status == 422
    assert "basis" in str(answer["error"])
    status, answer = desk.post("guardian", "/cases", {"procedure": "complaint", "ground": "late",
                                                      "concerning": approved})  # fmt: skip
    assert status == 422
    assert "on_behalf_of" in str(answer["error"])


def test_only_a_representative_account_can_ask_for_a_link(desk: Desk) -> None:
    """A clerk's account asking to be someone's guardian is refused by the procedure itself (its role is not the
    capacity asked for), and nothing is filed."""
    (_, person), _ = desk.records
    body = {"procedure": "representation", "subject": person, "capacity": "guardian", "basis": "parent",
            "document": "M-birth-1"}  # fmt: skip
    status, refused = desk.post("clerk", "/cases", body)
    assert status in (403, 409, 422), refused
    assert refused.get("code") == "capacity_role", refused
    assert not [e for e in desk.ledger() if e["type"] == "representation.requested"]
