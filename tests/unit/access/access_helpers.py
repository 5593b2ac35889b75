"""Shared builders for the access tests: accounts, resources, contexts, grants and the expected role table."""

from __future__ import annotations

import datetime as dt

from sealkeeper.access import AccessRequest, AccessRole, Account, Action, Context, Grant, Resource

CST = dt.timezone(dt.timedelta(hours=8), "CST")
T = dt.datetime(2026, 3, 2, 10, 0, tzinfo=CST)  # a Monday, office hours
HOUR = dt.timedelta(hours=1)
TICK = dt.timedelta(microseconds=1)
CASE = "(2026)京0105刑初123号"
SUBJECT = "subj-7f3a"
RECORD = "rec-1"

A = AccessRole
X = Action

#: Least privilege, written independently of the policy data: each role and the only actions it may take.
EXPECTED: dict[AccessRole, frozenset[Action]] = {
    A.CLERK: frozenset({X.READ_RECORD, X.IMPORT_RECORDS, X.RUN_SEALING, X.VIEW_QUEUE, X.HANDLE_CASE, X.CORRECT_RECORD}),
    A.APPROVER: frozenset({X.READ_RECORD, X.DECIDE_APPLICATION, X.APPROVE_ACCESS, X.VIEW_QUEUE, X.HANDLE_CASE}),
    A.REVIEWER: frozenset({X.READ_RECORD, X.REVIEW_OBJECTION, X.VIEW_QUEUE, X.HANDLE_CASE}),
    A.JUDICIAL: frozenset({X.READ_RECORD, X.READ_SEALED_RECORD, X.REQUEST_UNSEALING}),
    A.CERTIFICATE_OFFICER: frozenset({X.ISSUE_CERTIFICATE}),
    A.SUBJECT: frozenset(
        {
            X.READ_OWN_RECORDS,
            X.APPLY,
            X.OBJECT,
            X.REQUEST_CORRECTION,
            X.REQUEST_DELETION,
            X.SEE_OWN_ACCESS_HISTORY,
            X.COMPLAIN,
        }
    ),
    A.SUPERVISOR: frozenset({X.READ_LEDGER, X.VERIFY_LEDGER, X.COSIGN, X.REVIEW_FLAGS, X.VIEW_QUEUE, X.HANDLE_CASE}),
    A.AUDITOR: frozenset({X.READ_LEDGER, X.VERIFY_LEDGER, X.REVIEW_FLAGS}),
    A.STATISTICIAN: frozenset({X.READ_STATISTICS}),
    A.ADMINISTRATOR: frozenset({X.MANAGE_ACCOUNTS, X.CONFIGURE}),
    A.HIGHER_AUTHORITY: frozenset({X.VIEW_REFERRED_COMPLAINTS, X.DECIDE_COMPLAINT}),
    A.REPRESENTATIVE: frozenset({X.REQUEST_REPRESENTATION}),  # the rest only for a represented person
}
#: What a representative may do for a person it is linked to (``Account.represents``).
REPRESENTING = frozenset(
    {X.READ_OWN_RECORDS, X.APPLY, X.OBJECT, X.REQUEST_CORRECTION, X.REQUEST_DELETION, X.COMPLAIN,
     X.SEE_OWN_ACCESS_HISTORY, X.REQUEST_REPRESENTATION}
)  # fmt: skip


def account(*roles: AccessRole, account_id: str = "acct-1", subject: str = SUBJECT) -> Account:
    return Account(account_id, frozenset(roles), subject=subject, jurisdictions=frozenset({"CN"}))


def resource(*, sealed: bool = False, record: str = RECORD, cases: frozenset[str] = frozenset({CASE})) -> Resource:
    return Resource(sealed=sealed, record=record, jurisdiction="CN", subject=SUBJECT, requester_cases=cases)


def grant(
    *,
    record: str = RECORD,
    requester: str = "acct-1",
    approver: str = "acct-approver",
    purpose: str = "trial",
    case_number: str = CASE,
    valid_from: dt.datetime = T - HOUR,
    valid_until: dt.datetime = T + HOUR,
) -> Grant:
    return Grant(record, requester, approver, purpose, case_number, valid_from, valid_until)


def best_case(acct: Account, action: Action, at: dt.datetime = T) -> AccessRequest:
    """The request most favourable to ``acct``: its own subject, its jurisdiction, its case, a listed purpose, a
    valid grant, and a sealed record exactly when the action is the sealed read. Allowed iff the table says so."""
    sealed = action is Action.READ_SEALED_RECORD
    context = Context(at, "trial", CASE, grant(requester=acct.id))
    return AccessRequest(acct, action, resource(sealed=sealed), context)
