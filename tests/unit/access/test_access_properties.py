"""Hypothesis: random requests never get anything the role table does not list (deny by default), never an
allow that breaks a guard, and no decision carries personal data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from access_helpers import CASE, EXPECTED, RECORD, REPRESENTING, SUBJECT, T, account, best_case
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.access import (
    LEDGER_KEYS,
    RECORD_READING,
    AccessDecision,
    AccessRequest,
    AccessRole,
    Account,
    Action,
    Context,
    Grant,
    Resource,
    decide,
    load_policy,
)
from sealkeeper.access.pdp import _Context, _Subject, listed_purpose
from sealkeeper.access.policy import Policy

CASE2 = "(2025)沪0101刑初77号"
FREE_TEXT = "查张三的前科 for a friend"
ACCOUNTS = ["acct-1", "acct-2", "acct-approver"]
OWN_ACTIONS = {
    Action.READ_OWN_RECORDS,
    Action.APPLY,
    Action.OBJECT,
    Action.REQUEST_CORRECTION,
    Action.REQUEST_DELETION,
    Action.SEE_OWN_ACCESS_HISTORY,
    Action.COMPLAIN,
}
STAFF = {
    AccessRole.CLERK,
    AccessRole.APPROVER,
    AccessRole.REVIEWER,
    AccessRole.JUDICIAL,
    AccessRole.CERTIFICATE_OFFICER,
}
minutes = st.integers(-240, 240).map(lambda m: dt.timedelta(minutes=m))
purposes = st.sampled_from(
    ["", "trial", "prosecution", "criminal_investigation", "retrial_review", "general", FREE_TEXT, "judicial_purpose"]
)
cases = st.sampled_from(["", CASE, CASE2])


@st.composite
def grants(draw: st.DrawFn) -> Grant:
    requester = draw(st.sampled_from(ACCOUNTS))
    approver = draw(st.sampled_from([a for a in ACCOUNTS if a != requester]))
    start = T + draw(minutes)
    return Grant(
        draw(st.sampled_from([RECORD, "rec-2"])),
        requester,
        approver,
        draw(purposes.filter(bool)),
        draw(cases.filter(bool)),
        start,
        start + draw(st.integers(1, 240).map(lambda m: dt.timedelta(minutes=m))),
    )


requests = st.builds(
    AccessRequest,
    account=st.builds(
        Account,
        id=st.sampled_from(ACCOUNTS),
        roles=st.frozensets(st.sampled_from(AccessRole), max_size=3),
        subject=st.sampled_from(["", SUBJECT, "subj-other"]),
        jurisdictions=st.frozensets(st.sampled_from(["CN", "DE"])),
        represents=st.frozensets(st.sampled_from([SUBJECT, "subj-other"])),
    ),
    action=st.sampled_from(Action),
    resource=st.builds(
        Resource,
        sealed=st.booleans(),
        record=st.sampled_from(["", RECORD, "rec-2"]),
        jurisdiction=st.sampled_from(["", "CN", "DE"]),
        subject=st.sampled_from(["", SUBJECT, "subj-other"]),
        requester_cases=st.frozensets(st.sampled_from([CASE, CASE2])),
    ),
    context=st.builds(
        Context, at=minutes.map(lambda d: T + d), purpose=purposes, case_number=cases, grant=st.none() | grants()
    ),
)


def check_guards(request: AccessRequest, decision: AccessDecision) -> None:
    account, action, res, ctx = request.account, request.action, request.resource, request.context
    role = decision.role
    assert role is not None
    assert role in account.roles
    assert action in EXPECTED[role] or (role is AccessRole.REPRESENTATIVE and action in REPRESENTING)
    assert not (AccessRole.ADMINISTRATOR in account.roles and action in RECORD_READING)
    if action in (Action.READ_RECORD, Action.ISSUE_CERTIFICATE):
        assert not res.sealed
    if role in STAFF and action in RECORD_READING:
        assert res.jurisdiction in account.jurisdictions
    if role is AccessRole.JUDICIAL:
        assert ctx.purpose in load_policy().judicial_purposes
        assert ctx.case_number in res.requester_cases
    if action is Action.READ_SEALED_RECORD:
        g = ctx.grant
        assert g is not None
        assert g.covers(ctx.at)
        assert (g.record, g.requester, g.purpose, g.case_number) == (
            res.record,
            account.id,
            ctx.purpose,
            ctx.case_number,
        )
        assert g.approver != account.id
    if action in OWN_ACTIONS and role is AccessRole.REPRESENTATIVE:
        assert res.subject
        assert res.subject in account.represents
    elif action in OWN_ACTIONS:
        assert account.subject
        assert res.subject == account.subject


@settings(max_examples=600, deadline=None)
@given(requests)
def test_random_requests_are_allowed_only_as_the_table_and_the_guards_say(request: AccessRequest) -> None:
    decision = decide(request)
    assert "default.policy_error" not in decision.rules
    assert decision.rules
    assert decision.obligations[0].code == "log"
    assert len(decision.reasons) == len(decision.rules)
    if decision.allowed:
        check_guards(request, decision)
    else:
        assert decision.role is None


@settings(max_examples=200, deadline=None)
@given(requests)
def test_decisions_never_carry_personal_data(request: AccessRequest) -> None:
    decision = decide(request)
    entry = decision.ledger_entry()
    assert set(entry) == LEDGER_KEYS
    assert entry["case_commitment"] is None
    dumped = json.dumps(entry, ensure_ascii=False)
    for secret in (CASE, CASE2, FREE_TEXT):
        assert secret not in dumped
        assert secret not in repr(decision)
    assert entry["purpose"] in {"", "unlisted"} | load_policy().judicial_purposes | load_policy().certificate_purposes
    personal = {"name", "id_number", "address", "birth_date", "case_number", "narrative", "phone"}
    assert not personal & {f.name for f in dataclasses.fields(AccessDecision)}
    assert not personal & set(entry)


@settings(max_examples=100, deadline=None)
@given(requests)
def test_deciding_is_a_function_of_the_request(request: AccessRequest) -> None:
    assert decide(request) == decide(request)


@settings(max_examples=200, deadline=None)
@given(requests)
def test_the_per_pair_rules_decide_as_the_whole_policy(request: AccessRequest) -> None:
    policy = load_policy()
    context = _Context(
        request.context.at,
        listed_purpose(request.context.purpose, policy),
        request.context.case_number,
        request.context.grant,
    )
    account = request.account
    for role in account.roles or {""}:
        sub = _Subject(account.id, str(role), frozenset(account.roles), account.subject, account.jurisdictions,
                       account.represents)  # fmt: skip
        args = (sub, str(request.action), request.resource, context)
        assert policy.enforce(*args) == policy.enforce(*args, whole=True)


def test_a_request_the_policy_cannot_evaluate_is_denied(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> tuple[bool, str]:
        raise RuntimeError("matcher result should be bool, int or float")

    monkeypatch.setattr(Policy, "enforce", broken)
    decision = decide(best_case(account(AccessRole.SUPERVISOR), Action.READ_LEDGER))
    assert not decision.allowed
    assert decision.rules == ("default.policy_error",)
    assert decision.ledger_entry()["outcome"] == "deny"


@st.composite
def sealed_reads(draw: st.DrawFn) -> AccessRequest:
    """Judicial sealed reads close to valid: each condition holds most of the time, times near the window's ends."""
    roles = {AccessRole.JUDICIAL} | draw(st.sampled_from([set(), {AccessRole.CLERK}, {AccessRole.ADMINISTRATOR}]))
    acct = Account(
        draw(st.sampled_from(["acct-1", "acct-1", "acct-2"])),
        frozenset(roles),
        jurisdictions=draw(st.sampled_from([frozenset({"CN"}), frozenset({"CN"}), frozenset({"DE"})])),
    )
    start = T + draw(minutes)
    at = draw(st.sampled_from([start, start + dt.timedelta(minutes=30)])) + draw(
        st.sampled_from([dt.timedelta(0), -dt.timedelta(microseconds=1), dt.timedelta(hours=1)])
    )
    requester = draw(st.sampled_from(["acct-1", "acct-1", "acct-2"]))
    g = Grant(
        draw(st.sampled_from([RECORD, RECORD, "rec-2"])),
        requester,
        draw(st.sampled_from(["acct-approver", "acct-approver", "acct-1", "acct-2"]).filter(lambda a: a != requester)),
        draw(st.sampled_from(["trial", "trial", "prosecution"])),
        draw(st.sampled_from([CASE, CASE, CASE2])),
        start,
        start + dt.timedelta(hours=1),
    )
    context = Context(
        at,
        draw(st.sampled_from(["trial", "trial", "prosecution", FREE_TEXT])),
        draw(st.sampled_from([CASE, CASE, CASE2, ""])),
        draw(st.sampled_from([g, g, None])),
    )
    res = Resource(
        sealed=draw(st.booleans()),
        record=draw(st.sampled_from([RECORD, RECORD, "rec-2", ""])),
        jurisdiction="CN",
        subject=SUBJECT,
        requester_cases=draw(st.sampled_from([frozenset({CASE}), frozenset({CASE, CASE2}), frozenset()])),
    )
    return AccessRequest(acct, Action.READ_SEALED_RECORD, res, context)


@settings(max_examples=600, deadline=None)
@given(sealed_reads())
def test_a_sealed_read_is_allowed_exactly_when_every_condition_holds(request: AccessRequest) -> None:
    acct, res, ctx = request.account, request.resource, request.context
    g = ctx.grant
    expected = (
        AccessRole.ADMINISTRATOR not in acct.roles
        and "CN" in acct.jurisdictions
        and ctx.purpose in load_policy().judicial_purposes
        and bool(ctx.case_number)
        and ctx.case_number in res.requester_cases
        and bool(res.record)
        and g is not None
        and (g.record, g.requester, g.purpose, g.case_number) == (res.record, acct.id, ctx.purpose, ctx.case_number)
        and g.approver != acct.id
        and g.covers(ctx.at)
    )
    decision = decide(request)
    assert decision.allowed is expected
    if expected:
        assert decision.rules == ("allow.judicial.read_sealed_record",)
        assert decision.obligations[1].code == "notify_subject"
