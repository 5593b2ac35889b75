"""Letters from real procedure cases, driven through their transitions: the kind, date, case number and reasons
come from the case; a case with no such decision gives no letter."""

from __future__ import annotations

import datetime as dt

import pytest
from doc_helpers import CPL_286, HOLDER

from sealkeeper.documents import DocumentError, Kind
from sealkeeper.documents.from_cases import (
    letter_from_application,
    letter_from_objection,
    letter_from_record,
    letter_from_unsealing,
)
from sealkeeper.model.decision import Decision, PackRef, Status
from sealkeeper.procedures import Actor, Reason, Role, SendNotice, transition
from sealkeeper.procedures import application as ap
from sealkeeper.procedures import objection as ob
from sealkeeper.procedures import sealing as se
from sealkeeper.procedures import unsealing as un

CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 2, 10, tzinfo=CST)
T1 = dt.datetime(2026, 3, 20, 10, tzinfo=CST)
PERSON, CLERK = Actor("acct-person", Role.SUBJECT), Actor("acct-clerk", Role.CLERK)
APPROVER, JUDGE = Actor("acct-approver", Role.APPROVER), Actor("acct-court", Role.JUDICIAL)
SYSTEM = Actor("acct-system", Role.SYSTEM)
SEAL = Reason("cn.juvenile.seal", "CPL Art. 286 [T]", "犯罪时不满十八周岁。")
OFFICE = "北京市朝阳区人民法院"


def decided_application(outcome: ap.Outcome) -> ap.ApplicationCase:
    case, _ = ap.file_application("AP-1", "tok-1", PERSON, T0, records=("R-1",), materials=("M-1",))
    case, _ = transition(case, ap.ReviewMaterials(), CLERK, T0)
    case, _ = transition(case, ap.Decide(outcome, (SEAL,)), APPROVER, T1)
    return case


@pytest.mark.parametrize(
    ("outcome", "kind"), [(ap.Outcome.SEAL, Kind.SEAL_DECISION), (ap.Outcome.REFUSE, Kind.REFUSAL)]
)
def test_a_decided_application_gives_its_letter(outcome: ap.Outcome, kind: Kind) -> None:
    doc = letter_from_application(decided_application(outcome), addressee=HOLDER, office=OFFICE, articles=[CPL_286])
    assert (doc.kind, doc.case_no, doc.decided_on, doc.records) == (kind, "AP-1", T1.date(), ("R-1",))
    assert [(g.rule, g.citation, g.text) for g in doc.grounds] == [("cn.juvenile.seal", "CPL Art. 286", SEAL.text)]
    assert doc.articles[0].text == CPL_286.text


def test_an_undecided_application_gives_no_letter() -> None:
    case, _ = ap.file_application("AP-2", "tok-1", PERSON, T0, records=("R-1",), materials=("M-1",))
    with pytest.raises(DocumentError, match="application AP-2: no decision letter: not decided"):
        letter_from_application(case, addressee=HOLDER, office=OFFICE)


def ruled(ruling: un.Ruling) -> un.UnsealingCase:
    case, _ = un.request_unsealing("UN-1", "tok-1", JUDGE, T0, record_case="S-1", grounds=(SEAL,))
    reason = Reason("cn.unseal.judicial", "CPL Art. 286", "办案需要。")
    case, _ = transition(case, un.Decide(ruling, (reason,)), APPROVER, T1)
    return case


def test_a_granted_unsealing_gives_a_notice_with_the_ruling_s_reasons() -> None:
    doc = letter_from_unsealing(
        ruled(un.Ruling.GRANT), decided_on=T1.date(), addressee=HOLDER, office=OFFICE, records=["R-1"]
    )
    assert (doc.kind, doc.case_no) == (Kind.UNSEALING_NOTICE, "UN-1")
    assert [g.rule for g in doc.grounds] == ["cn.unseal.judicial"]


def test_a_refused_unsealing_gives_no_notice() -> None:
    with pytest.raises(DocumentError, match="request was refused"):
        letter_from_unsealing(
            ruled(un.Ruling.REFUSE), decided_on=T1.date(), addressee=HOLDER, office=OFFICE, records=["R-1"]
        )


def test_an_automatic_seal_and_its_lifting_give_a_decision_and_a_notice() -> None:
    case = se.track("S-1", "tok-1", "R-1", T0)
    with pytest.raises(DocumentError, match="neither sealed nor unsealed"):
        letter_from_record(case, reasons=[SEAL], addressee=HOLDER, office=OFFICE)
    sealed_on = dt.date(2026, 2, 1)
    decision = Decision(Status.SEALED, sealed_on, ("cn.juvenile.seal",), PackRef("CN", "1"), "h1", "R-1")
    case, _ = transition(case, se.ApplyDecision(decision), SYSTEM, T0)
    doc = letter_from_record(case, reasons=[SEAL], addressee=HOLDER, office=OFFICE)
    assert (doc.kind, doc.decided_on, doc.records) == (Kind.SEAL_DECISION, sealed_on, ("R-1",))
    lift = Reason("cn.unseal.new_offence", "实施办法 (2022) Art. 18")
    case, _ = transition(case, se.Unseal(se.Trigger.NEW_OFFENCE, "UN-1", (lift,)), APPROVER, T1)
    doc = letter_from_record(case, reasons=[lift], addressee=HOLDER, office=OFFICE, records=["2019年判决"])
    assert (doc.kind, doc.decided_on, doc.records) == (Kind.UNSEALING_NOTICE, T1.date(), ("2019年判决",))


def objection_decided(finding: ob.Finding) -> ob.ObjectionCase:
    refused = decided_application(ap.Outcome.REFUSE)
    refused, _ = transition(refused, SendNotice(), CLERK, T1)
    case, _ = ob.file_objection("OB-1", "tok-1", PERSON, T1, contest=ob.contest_refusal(refused))
    panel = ("acct-r1", "acct-r2", "acct-r3")
    case, _ = transition(case, ob.AppointPanel(panel), Actor("acct-approver-2", Role.APPROVER), T1)
    for member in panel:
        case, _ = transition(case, ob.Vote(finding, (SEAL,)), Actor(member, Role.REVIEWER), T1)
    return case


def test_a_reversed_refusal_gives_a_seal_decision_and_an_upheld_one_none() -> None:
    doc = letter_from_objection(
        objection_decided(ob.Finding.REVERSED), addressee=HOLDER, office=OFFICE, records=["R-1"]
    )
    assert (doc.kind, doc.case_no, doc.decided_on) == (Kind.SEAL_DECISION, "OB-1", T1.date())
    with pytest.raises(DocumentError, match="upheld"):
        letter_from_objection(objection_decided(ob.Finding.UPHELD), addressee=HOLDER, office=OFFICE, records=["R-1"])
