"""Shared builders for the procedure tests: actors, times, reasons, decisions, and one case of each kind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sealkeeper.model.decision import Decision, PackRef, Status
from sealkeeper.procedures import application, complaint, objection, representation, rights, sealing, unsealing
from sealkeeper.procedures.base import Actor, Case, Escalate, Reason, Role, SendNotice, Withdraw

CST = dt.timezone(dt.timedelta(hours=8), "CST")
PACK = PackRef("CN", "2026.1")

PERSON = Actor("acct-person", Role.SUBJECT)
GUARDIAN = Actor("acct-guardian", Role.GUARDIAN)
COUNSEL = Actor("acct-counsel", Role.COUNSEL)
STRANGER = Actor("acct-stranger", Role.SUBJECT)
CLERK = Actor("acct-clerk", Role.CLERK)
APPROVER = Actor("acct-approver", Role.APPROVER)
APPROVER2 = Actor("acct-approver-2", Role.APPROVER)
SYSTEM = Actor("acct-system", Role.SYSTEM)
JUDGE = Actor("acct-court", Role.JUDICIAL)
SUPERVISOR = Actor("acct-supervisor", Role.SUPERVISOR)
HIGHER = Actor("acct-higher", Role.HIGHER_AUTHORITY)
PANEL = ("acct-r1", "acct-r2", "acct-r3")
REVIEWERS = tuple(Actor(a, Role.REVIEWER) for a in PANEL)
ALL_ROLES = tuple(Role)

REASON = Reason("cn.juvenile.sealed", "刑事诉讼法第286条")
REFUSAL = Reason("cn.juvenile.over_five_years", "刑事诉讼法第286条")
REASONS = (REASON,)


def at(day: dt.date | str, hour: int = 10) -> dt.datetime:
    """An aware time on ``day`` (China Standard Time)."""
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return dt.datetime.combine(d, dt.time(hour), tzinfo=CST)


T0 = at("2026-03-02")  # a Monday
D0 = T0.date()


def decision(status: Status, day: str | None = None, input_hash: str = "h1", record: str = "R-1") -> Decision:
    date = dt.date.fromisoformat(day) if day else None
    questions = ("cn.question.age",) if status is Status.NEEDS_REVIEW else ()
    return Decision(status, date, ("cn.rule",), PACK, input_hash, record, questions)


def record(case_id: str = "S-1") -> sealing.RecordCase:
    return sealing.track(case_id, "tok-1", "R-1", T0)


def app() -> application.ApplicationCase:
    return application.file_application("AP-1", "tok-1", PERSON, T0, records=("R-1",), materials=("M-1",))[0]


def objection_case(deciders: tuple[str, ...] = (APPROVER.account,)) -> objection.ObjectionCase:
    contest = objection.Contest(objection.Contested.REFUSAL, "AP-1", deciders, D0)
    return objection.file_objection("OB-1", "tok-1", PERSON, T0, contest=contest)[0]


def unsealing_case() -> unsealing.UnsealingCase:
    return unsealing.request_unsealing("UN-1", "tok-1", JUDGE, T0, record_case="S-1", grounds=REASONS)[0]


def correction_case() -> rights.CorrectionCase:
    return rights.file_correction("CO-1", "tok-1", PERSON, T0, record_case="S-1", fields=("events[0].date",))[0]


def deletion_case() -> rights.DeletionCase:
    return rights.file_deletion("DE-1", "tok-1", PERSON, T0, record_case="S-1")[0]


def complaint_case() -> complaint.ComplaintCase:
    return complaint.file_complaint("CP-1", "tok-1", PERSON, T0, ground=complaint.Ground.LEAK, concerning="S-1")[0]


#: One sample of every command each procedure knows (for the refusal tables).
COMMANDS: dict[str, list[Any]] = {
    "sealing": [
        sealing.ApplyDecision(decision(Status.SEALED, "2026-03-01", "h9")),
        sealing.SealDue(),
        sealing.ClerkDecision(True, REASONS),
        sealing.Seal(sealing.Trigger.APPLICATION, "AP-1", REASONS),
        sealing.Unseal(sealing.Trigger.JUDICIAL_REQUEST, "UN-1", REASONS),
        sealing.Close("DE-1"),
    ],
    "application": [
        application.ReviewMaterials(),
        application.SupplyMaterials(("M-2",)),
        application.Lapse(),
        application.ScheduleInterview(D0),
        application.RecordInterview(True),
        application.Decide(application.Outcome.SEAL, REASONS),
        SendNotice(),
        application.Publish("GB-2026-001"),
        Withdraw(),
    ],
    "objection": [
        objection.AppointPanel(PANEL),
        objection.Vote(objection.Finding.UPHELD, REASONS),
        SendNotice(),
        Withdraw(),
    ],
    "unsealing": [unsealing.Decide(unsealing.Ruling.GRANT, REASONS), SendNotice(), Withdraw()],
    "correction": [
        rights.StartVerification("agency-1"),
        rights.Decide(rights.Verdict.REJECT, REASONS),
        rights.ConfirmErased(),
        SendNotice(),
        Withdraw(),
    ],
    "deletion": [
        rights.StartVerification("agency-1"),
        rights.Decide(rights.Verdict.REJECT, REASONS),
        rights.ConfirmErased(),
        SendNotice(),
        Withdraw(),
    ],
    "complaint": [
        complaint.Answer(complaint.Finding.REJECTED, REASONS),
        complaint.Refer(),
        complaint.Reconsider(complaint.Finding.UPHELD, REASONS),
        complaint.Close(),
        Withdraw(),
    ],
    "representation": [
        representation.Approve(REASONS),
        representation.Refuse(REASONS),
        representation.Revoke(REASONS),
        SendNotice(),
        Withdraw(),
    ],
}
for _pool in COMMANDS.values():
    _pool.append(Escalate())


#: A freshly opened case of each procedure.
def representation_case(capacity: str = "guardian") -> representation.RepresentationCase:
    who = GUARDIAN if capacity == "guardian" else COUNSEL
    basis = representation.Basis.PARENT if capacity == "guardian" else representation.Basis.DEFENCE_MANDATE
    return representation.file_representation("RP-1", "tok-1", who, T0, capacity=representation.Capacity(capacity),
                                              basis=basis, document="M-birth-1")[0]  # fmt: skip


OPENED: dict[str, Case] = {
    "sealing": record(),
    "application": app(),
    "objection": objection_case(),
    "unsealing": unsealing_case(),
    "correction": correction_case(),
    "deletion": deletion_case(),
    "complaint": complaint_case(),
    "representation": representation_case(),
}
