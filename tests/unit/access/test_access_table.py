"""Every role × every action, on the request most favourable to the role: allowed exactly as the table says."""

from __future__ import annotations

import pytest
from access_helpers import EXPECTED, REPRESENTING, SUBJECT, T, account, best_case, resource

from sealkeeper.access import (
    RECORD_READING,
    AccessRequest,
    AccessRole,
    Account,
    Action,
    Context,
    decide,
    load_policy,
)


@pytest.mark.parametrize("role", list(AccessRole))
@pytest.mark.parametrize("action", list(Action))
def test_each_role_may_take_exactly_its_actions(role: AccessRole, action: Action) -> None:
    decision = decide(best_case(account(role), action))
    assert decision.allowed is (action in EXPECTED[role])
    if decision.allowed:
        assert decision.role is role
        assert decision.rules == (f"allow.{_rule_role(role)}.{action}",)
    else:
        assert decision.role is None
    assert decision.obligations[0].code == "log"


def _rule_role(role: AccessRole) -> str:
    return {AccessRole.JUDICIAL: "judicial", AccessRole.SUBJECT: "subject"}.get(role, str(role))


def test_the_table_covers_every_role_and_the_policy_allows_nothing_more() -> None:
    assert set(EXPECTED) == set(AccessRole)
    policy = load_policy()
    allowed = {
        (role, action)
        for rule in policy.rules.values()
        if rule.effect == "allow"
        for role in policy.roles_of(rule.role)
        for action in policy.actions_of(rule.action)
    }
    linked = {(AccessRole.REPRESENTATIVE, action) for action in REPRESENTING}  # allowed for a linked person only
    assert allowed == {(role, action) for role, actions in EXPECTED.items() for action in actions} | linked


@pytest.mark.parametrize("action", sorted(RECORD_READING))
@pytest.mark.parametrize("other", [r for r in AccessRole if r is not AccessRole.ADMINISTRATOR])
def test_the_administrator_never_reads_records_even_with_other_roles_and_grants(
    action: Action, other: AccessRole
) -> None:
    decision = decide(best_case(account(AccessRole.ADMINISTRATOR, other), action))
    assert not decision.allowed
    assert decision.rules == ("sod.administrator_never_reads",)
    assert decision.reasons[0].citation.startswith("个人信息保护法第51条")


def test_the_administrator_with_every_role_reads_nothing() -> None:
    everything = account(*AccessRole)
    for action in RECORD_READING:
        assert not decide(best_case(everything, action)).allowed
    for action in (Action.MANAGE_ACCOUNTS, Action.CONFIGURE):
        assert decide(best_case(everything, action)).role is AccessRole.ADMINISTRATOR


def test_record_reading_is_every_action_but_the_non_record_ones() -> None:
    others = {
        Action.MANAGE_ACCOUNTS,
        Action.CONFIGURE,
        Action.READ_LEDGER,
        Action.VERIFY_LEDGER,
        Action.COSIGN,
        Action.REVIEW_FLAGS,
        Action.READ_STATISTICS,
        Action.APPLY,
        Action.OBJECT,
        Action.REQUEST_CORRECTION,
        Action.REQUEST_DELETION,
        Action.VIEW_QUEUE,  # case ids, states and deadlines only
        Action.RUN_SEALING,  # starts the run; shows counts, not records
        Action.HANDLE_CASE,  # a step in a procedure: procedure data, not record content
        Action.REQUEST_UNSEALING,  # asks; the read itself is read_sealed_record
        Action.COMPLAIN,
        Action.VIEW_REFERRED_COMPLAINTS,  # the complaint file: procedure data, not record content
        Action.DECIDE_COMPLAINT,
        Action.REQUEST_REPRESENTATION,  # asks for a link; reads nothing
    }
    assert set(Action) - others == RECORD_READING


def test_an_account_without_roles_is_denied_by_default() -> None:
    decision = decide(best_case(account(), Action.READ_LEDGER))
    assert not decision.allowed
    assert decision.rules == ("default.deny",)


@pytest.mark.parametrize("role", [AccessRole.CLERK, AccessRole.APPROVER, AccessRole.REVIEWER, AccessRole.JUDICIAL])
def test_ordinary_queries_never_see_a_sealed_record(role: AccessRole) -> None:
    request = AccessRequest(account(role), Action.READ_RECORD, resource(sealed=True), Context(T, "trial", "x"))
    decision = decide(request)
    assert not decision.allowed
    assert decision.rules == ("sealed.no_ordinary_query",)


def test_certificate_issuance_never_sees_a_sealed_record() -> None:
    request = AccessRequest(
        account(AccessRole.CERTIFICATE_OFFICER), Action.ISSUE_CERTIFICATE, resource(sealed=True), Context(T)
    )
    assert decide(request).rules == ("sealed.no_certificate",)
    unsealed = AccessRequest(request.account, Action.ISSUE_CERTIFICATE, resource(record=""), Context(T))
    assert decide(unsealed).allowed


def test_staff_work_only_in_their_jurisdictions() -> None:
    request = best_case(account(AccessRole.CLERK), Action.READ_RECORD)
    elsewhere = AccessRequest(
        request.account,
        request.action,
        type(request.resource)(sealed=False, record="rec-1", jurisdiction="DE", subject="s"),
        request.context,
    )
    assert decide(elsewhere).rules == ("scope.jurisdiction",)


def test_a_person_acts_on_their_own_records_only() -> None:
    request = best_case(account(AccessRole.SUBJECT, subject="someone-else"), Action.READ_OWN_RECORDS)
    assert decide(request).rules == ("subject.own_records_only",)
    nobody = best_case(account(AccessRole.SUBJECT, subject=""), Action.APPLY)
    assert decide(nobody).rules == ("subject.own_records_only",)


def test_a_denial_under_several_roles_names_each_denying_rule_once() -> None:
    acct = account(AccessRole.CLERK, AccessRole.STATISTICIAN, AccessRole.AUDITOR)
    decision = decide(best_case(acct, Action.READ_SEALED_RECORD))
    assert decision.rules == ("default.deny",)
    sealed_read = decide(AccessRequest(acct, Action.READ_RECORD, resource(sealed=True), Context(T, "trial", "(2026)x")))
    assert sealed_read.rules == ("sealed.no_ordinary_query",)
    assert [r.rule for r in sealed_read.reasons] == ["sealed.no_ordinary_query"]


def test_specific_grounds_come_before_the_default_denial() -> None:
    acct = account(AccessRole.CLERK, AccessRole.JUDICIAL)
    request = AccessRequest(acct, Action.READ_SEALED_RECORD, resource(sealed=True), Context(T, "trial", ""))
    assert decide(request).rules == ("judicial.case_number_missing", "default.deny")


def test_the_higher_authority_reads_no_record_and_takes_no_other_step() -> None:
    higher = account(AccessRole.HIGHER_AUTHORITY)
    for action in (Action.READ_RECORD, Action.VIEW_QUEUE, Action.HANDLE_CASE, Action.READ_LEDGER):
        decision = decide(best_case(higher, action))
        assert not decision.allowed, action
    assert decide(best_case(higher, Action.DECIDE_COMPLAINT)).rules == ("allow.higher_authority.decide_complaint",)


@pytest.mark.parametrize("action", list(Action))
def test_a_representative_acts_for_the_linked_person_only(action: Action) -> None:
    linked = Account("acct-rep", frozenset({AccessRole.REPRESENTATIVE}), represents=frozenset({SUBJECT}))
    assert decide(best_case(linked, action)).allowed is (action in REPRESENTING)
    other = Account("acct-rep", frozenset({AccessRole.REPRESENTATIVE}), represents=frozenset({"tok-other"}))
    decision = decide(best_case(other, action))
    assert decision.allowed is (action is Action.REQUEST_REPRESENTATION)
    if action in REPRESENTING - {Action.REQUEST_REPRESENTATION}:
        assert decision.rules[0] == "representative.represented_only"


@pytest.mark.parametrize("other", [r for r in AccessRole if r is not AccessRole.ADMINISTRATOR])
def test_the_administrator_who_sets_the_budget_never_spends_it(other: AccessRole) -> None:
    decision = decide(best_case(account(AccessRole.ADMINISTRATOR, other), Action.READ_STATISTICS))
    assert not decision.allowed
    assert decision.rules == ("sod.budget_setter_never_spends",)


def test_a_statistician_alone_still_spends_the_budget() -> None:
    assert decide(best_case(account(AccessRole.STATISTICIAN), Action.READ_STATISTICS)).allowed
