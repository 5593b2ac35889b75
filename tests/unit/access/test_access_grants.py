"""Access to a sealed record: a listed purpose, the requester's own case, and a grant by another person for that
record, that request and that time window (valid_from inclusive, valid_until exclusive)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from access_helpers import CASE, HOUR, RECORD, TICK, T, account, best_case, grant, resource

from sealkeeper.access import (
    AccessRequest,
    AccessRole,
    Action,
    Context,
    GrantError,
    NoticeDelay,
    SelfApprovalError,
    decide,
    load_policy,
    make_grant,
)

JUDGE = account(AccessRole.JUDICIAL)


def sealed_read(at: dt.datetime = T, **changes: object) -> AccessRequest:
    context = Context(at, "trial", CASE, grant())
    context = dataclasses.replace(context, **changes)  # type: ignore[arg-type]
    return AccessRequest(JUDGE, Action.READ_SEALED_RECORD, resource(sealed=True), context)


@pytest.mark.parametrize(
    ("at", "allowed", "rule"),
    [
        (T - HOUR - TICK, False, "grant.not_yet_valid"),
        (T - HOUR, True, "allow.judicial.read_sealed_record"),
        (T + HOUR - TICK, True, "allow.judicial.read_sealed_record"),
        (T + HOUR, False, "grant.expired"),
    ],
)
def test_the_grant_window_on_both_sides_of_both_ends(at: dt.datetime, allowed: bool, rule: str) -> None:
    decision = decide(sealed_read(at))
    assert decision.allowed is allowed
    assert decision.rules == (rule,)


def test_a_window_in_another_time_zone_compares_as_instants() -> None:
    utc_start = (T - HOUR).astimezone(dt.UTC)
    g = grant(valid_from=utc_start, valid_until=utc_start + 2 * HOUR)
    assert decide(sealed_read(T - HOUR, grant=g)).allowed
    assert not decide(sealed_read(T - HOUR - TICK, grant=g)).allowed


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"grant": None}, "grant.missing"),
        ({"grant": grant(record="rec-2")}, "grant.other_record"),
        ({"grant": grant(requester="acct-other")}, "grant.other_requester"),
        ({"grant": grant(purpose="prosecution")}, "grant.other_purpose"),
        ({"grant": grant(case_number="(2026)京0105刑初999号")}, "grant.other_purpose"),
        ({"purpose": "curiosity"}, "judicial.purpose_not_listed"),
        ({"purpose": ""}, "judicial.purpose_not_listed"),
        ({"purpose": "judicial_purpose"}, "judicial.purpose_not_listed"),
        ({"case_number": ""}, "judicial.case_number_missing"),
        ({"case_number": "(2025)沪01刑初1号"}, "judicial.case_not_own"),
    ],
)
def test_a_sealed_read_is_denied_for_each_missing_condition(changes: dict[str, object], rule: str) -> None:
    decision = decide(sealed_read(T, **changes))
    assert not decision.allowed
    assert decision.rules == (rule,)
    assert decision.reasons[0].citation


def test_the_approver_cannot_use_a_grant_they_approved() -> None:
    approver = account(AccessRole.JUDICIAL, account_id="acct-approver")
    request = AccessRequest(
        approver, Action.READ_SEALED_RECORD, resource(sealed=True), Context(T, "trial", CASE, grant())
    )
    assert decide(request).rules == ("grant.other_requester",)


def test_every_listed_purpose_opens_a_sealed_record_under_its_grant() -> None:
    purposes = load_policy().judicial_purposes
    assert purposes == {"criminal_investigation", "prosecution", "trial", "retrial_review"}
    for purpose in purposes:
        request = sealed_read(purpose=purpose, grant=grant(purpose=purpose))
        assert decide(request).allowed


def test_a_grant_refuses_approver_equal_to_requester() -> None:
    with pytest.raises(SelfApprovalError):
        make_grant(RECORD, "acct-1", "acct-1", "trial", CASE, T, T + HOUR)
    with pytest.raises(SelfApprovalError):
        grant(approver="acct-1")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"purpose": "curiosity"}, "purpose"),
        ({"case_number": ""}, "case number"),
        ({"valid_until": T}, "ends after"),
        ({"valid_from": T.replace(tzinfo=None)}, "aware"),
        ({"record": ""}, "names a record"),
        ({"notice_delay": NoticeDelay("because", dt.date(2026, 4, 1))}, "notice-delay"),
    ],
)
def test_make_grant_refuses_what_the_policy_does_not_list(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "record": RECORD,
        "requester": "acct-1",
        "approver": "acct-2",
        "purpose": "trial",
        "case_number": CASE,
        "valid_from": T,
        "valid_until": T + HOUR,
    } | kwargs
    with pytest.raises((GrantError, ValueError), match=message):
        make_grant(**args)  # type: ignore[arg-type]


def test_a_sealed_read_obliges_notice_to_the_person_or_its_stated_delay() -> None:
    assert [o.code for o in decide(sealed_read()).obligations] == ["log", "notify_subject"]
    delay = NoticeDelay("impedes_duty", dt.date(2026, 6, 1))
    delayed = dataclasses.replace(grant(), notice_delay=delay)
    decision = decide(sealed_read(grant=delayed))
    assert [o.code for o in decision.obligations] == ["log", "notify_delay:impedes_duty"]
    assert decision.obligations[1].until == dt.date(2026, 6, 1)
    assert decision.ledger_entry()["notice_delayed_until"] == "2026-06-01"


def test_a_judicial_read_of_an_unsealed_record_needs_purpose_and_own_case_but_no_grant() -> None:
    request = best_case(JUDGE, Action.READ_RECORD)
    assert decide(dataclasses.replace(request, context=Context(T, "trial", CASE))).allowed
    assert not decide(dataclasses.replace(request, context=Context(T, "", CASE))).allowed
    no_record = dataclasses.replace(request, resource=resource(record=""))
    assert decide(no_record).rules == ("judicial.record_missing",)
