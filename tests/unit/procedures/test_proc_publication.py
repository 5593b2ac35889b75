"""The published decision carries no name, no ID number, no case number and no id of the case.

The case is built with identifying values planted in every field that can hold text (the reasons' narrative,
record and material ids, the case id, the subject token, account ids); the published document contains none.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from proc_helpers import APPROVER, CLERK, PERSON, T0

from sealkeeper.procedures.application import (
    ApplicationCase,
    Decide,
    Outcome,
    Publish,
    ReviewMaterials,
    file_application,
)
from sealkeeper.procedures.base import Actor, Reason, Role, SendNotice, transition
from sealkeeper.procedures.errors import NotPublishableError
from sealkeeper.procedures.publication import PUBLISHED_KEYS, looks_identifying, publish

NAME = "张小明"
ID_NUMBER = "11010520080315123X"
CASE_NUMBER = "（2023）京0105刑初1234号"


def notified(case_id: str, subject: str, applicant: str, reason_text: str, record: str) -> ApplicationCase:
    actor = Actor(applicant, Role.GUARDIAN)
    case, _ = file_application(case_id, subject, actor, T0, records=(record,), materials=(f"{record}-materials",))
    case, _ = transition(case, ReviewMaterials(), CLERK, T0)
    reasons = (Reason("cn.juvenile.sealed", "刑事诉讼法第286条", reason_text),)
    case, _ = transition(case, Decide(Outcome.SEAL, reasons), APPROVER, T0)
    case, _ = transition(case, SendNotice(), CLERK, T0)
    return case


def test_the_publication_carries_no_name_id_number_or_case_number() -> None:
    narrative = f"申请人{NAME}（身份证号{ID_NUMBER}）于{CASE_NUMBER}案中犯罪时未满十八周岁"
    case = notified(CASE_NUMBER, f"tok-{ID_NUMBER}", f"acct-{NAME}", narrative, CASE_NUMBER)
    doc = publish(case, "GB-2026-001")
    text = json.dumps(doc, ensure_ascii=False)
    for secret in (NAME, ID_NUMBER, CASE_NUMBER, "京0105刑初", case.subject, case.applicant):
        assert secret not in text
    assert set(doc) == PUBLISHED_KEYS
    assert doc["outcome"] == "seal"
    assert doc["grounds"] == [{"rule": "cn.juvenile.sealed", "citation": "刑事诉讼法第286条"}]
    assert doc["decided_in"] == "2026-03"
    assert doc["applicant"] == "guardian"
    assert doc["in_time"] is True
    assert "予以封存" in doc["text"]
    assert "刑事诉讼法第286条" in doc["text"]


WORDS = st.text(alphabet="张王李赵明华小刚丽abcXYZ0123456789-（）()京刑初号字第", min_size=3, max_size=24)


@settings(max_examples=200, deadline=None)
@given(name=WORDS, case_id=WORDS, subject=WORDS, applicant=WORDS, record=WORDS)
def test_the_publication_does_not_depend_on_any_identifying_value(
    name: str, case_id: str, subject: str, applicant: str, record: str
) -> None:
    """The planted case publishes exactly what a case with neutral identifiers publishes: no identifying value
    flows into the document (or publication is refused when an identifier collides with published text)."""
    clean = publish(notified("AP-0", "tok-0", "acct-0", "", "R-0"), "GB-2026-001")
    planted = notified(case_id, subject, applicant, f"{name} {ID_NUMBER} {CASE_NUMBER}", record)
    try:
        doc = publish(planted, "GB-2026-001")
    except NotPublishableError:
        return
    assert doc == clean


def test_only_a_notified_decision_is_published() -> None:
    case, _ = file_application("AP-9", "tok", PERSON, T0, records=("R",), materials=("M",))
    with pytest.raises(NotPublishableError, match="notified"):
        publish(case, "GB-1")


def test_a_citation_shaped_like_a_case_number_is_refused() -> None:
    case = notified("AP-9", "tok", "acct-g", "", "R-9")
    bad = replace(case, reasons=(Reason("cn.rule", CASE_NUMBER),))
    with pytest.raises(NotPublishableError, match="identifying"):
        publish(bad, "GB-1")


def test_published_case_uses_its_stored_reference() -> None:
    case = notified("AP-9", "tok", "acct-g", "", "R-9")
    done, _ = transition(case, Publish("GB-2026-002"), CLERK, T0)
    assert publish(done)["reference"] == "GB-2026-002"
    with pytest.raises(NotPublishableError, match="reference"):
        publish(case)


@pytest.mark.parametrize(("text", "identifying"), [(ID_NUMBER, True), ("110105080315123", True), (CASE_NUMBER, True),
                                                   ("(2024)沪01民终12号", True), ("刑事诉讼法第286条", False),
                                                   ("GB-2026-001", False)])  # fmt: skip
def test_identifying_patterns(text: str, identifying: bool) -> None:
    assert looks_identifying(text) is identifying
