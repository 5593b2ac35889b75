"""The one policy decision point: ``decide(request) -> AccessDecision``.

The account is asked once per role (in the order of ``AccessRole``); it is allowed when one role is allowed,
and the rule of that role is the one that decided. When every role is denied, the rules that denied them are
the decision's rules (each once, ``default.deny`` last). A request the policy cannot evaluate is denied
(``default.policy_error``): the policy fails closed. The caller logs every decision: ``decision.ledger_entry()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sealkeeper.access.decision import LOG, NOTIFY_DELAY, NOTIFY_SUBJECT, AccessDecision, Obligation, Reason
from sealkeeper.access.errors import AccessRefusal, GrantError, SelfApprovalError
from sealkeeper.access.policy import DEFAULT_DENY, POLICY_ERROR, Policy, load_policy
from sealkeeper.access.request import AccessRequest, Grant, NoticeDelay
from sealkeeper.access.vocabulary import AccessRole

UNLISTED = "unlisted"


@dataclass(frozen=True, slots=True)
class _Subject:
    """What the policy sees of the account acting in one role (``r.sub``)."""

    account: str
    role: str
    roles: frozenset[str]
    subject: str
    jurisdictions: frozenset[str]
    represents: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Context:
    """What the policy sees of the context (``r.ctx``): the purpose is a closed-list value or ``unlisted``."""

    at: dt.datetime
    purpose: str
    case_number: str
    grant: Grant | None


def listed_purpose(purpose: str, policy: Policy) -> str:
    """The purpose as the policy and the ledger see it: a listed value, "" when none, else ``unlisted``."""
    if not purpose or purpose in policy.judicial_purposes or purpose in policy.certificate_purposes:
        return purpose
    return UNLISTED


def decide(request: AccessRequest, policy: Policy | None = None) -> AccessDecision:
    """Decide ``request`` by the policy shipped in the package (or ``policy``). Never raises for a well-formed
    request: what the policy cannot evaluate is denied."""
    policy = policy or load_policy()
    account, context = request.account, request.context
    purpose = listed_purpose(context.purpose, policy)
    ctx = _Context(context.at, purpose, context.case_number, context.grant)
    roles = tuple(role for role in AccessRole if role in account.roles)
    denials: list[str] = []
    for role in roles or (None,):
        sub = _Subject(account.id, str(role or ""), frozenset(account.roles), account.subject, account.jurisdictions,
                       account.represents)  # fmt: skip
        try:
            allowed, rule = policy.enforce(sub, str(request.action), request.resource, ctx)
        except Exception:  # fail closed on anything the policy cannot evaluate
            allowed, rule = False, POLICY_ERROR
        if allowed:
            return _decision(request, policy, purpose, allowed=True, rules=(rule,), role=role)
        if rule not in denials:
            denials.append(rule)
    denials.sort(key=lambda rule: rule == DEFAULT_DENY)  # the specific grounds first
    return _decision(request, policy, purpose, allowed=False, rules=tuple(denials), role=None)


def _decision(
    request: AccessRequest,
    policy: Policy,
    purpose: str,
    *,
    allowed: bool,
    rules: tuple[str, ...],
    role: AccessRole | None,
) -> AccessDecision:
    reasons = tuple(
        Reason(rule, policy.rules[rule].citation, policy.rules[rule].text, policy.rules[rule].text_zh) for rule in rules
    )
    obligations = [Obligation(LOG)]
    grant = request.context.grant
    if allowed and any(NOTIFY_SUBJECT in policy.rules[rule].obligations for rule in rules):
        delay = grant.notice_delay if grant is not None else None
        if delay is None:
            obligations.append(Obligation(NOTIFY_SUBJECT))
        else:
            obligations.append(Obligation(NOTIFY_DELAY, delay.reason, delay.until))
    return AccessDecision(
        allowed=allowed,
        rules=rules,
        reasons=reasons,
        obligations=tuple(obligations),
        role=role,
        account=request.account.id,
        roles=tuple(r for r in AccessRole if r in request.account.roles),
        action=request.action,
        at=request.context.at,
        purpose=purpose,
        subject=request.resource.subject,
        record=request.resource.record,
        sealed=request.resource.sealed,
        own_case=bool(request.context.case_number) and request.context.case_number in request.resource.requester_cases,
        approver=grant.approver if grant is not None else "",
    )


def make_grant(  # noqa: PLR0917 - the fields of Grant, in its order
    record: str,
    requester: str,
    approver: str,
    purpose: str,
    case_number: str,
    valid_from: dt.datetime,
    valid_until: dt.datetime,
    notice_delay: NoticeDelay | None = None,
    policy: Policy | None = None,
) -> Grant:
    """An approver's grant, refused (``SelfApprovalError``) when the approver is the requester, and
    (``GrantError``) for a purpose or a notice-delay reason not on the policy's closed lists."""
    policy = policy or load_policy()
    if approver == requester:
        raise SelfApprovalError(f"account {approver} may not approve its own request").coded(
            "self_approval", account=approver
        )
    if purpose not in policy.judicial_purposes:
        raise GrantError.of(AccessRefusal.JUDICIAL_PURPOSE, purposes=sorted(policy.judicial_purposes))
    if notice_delay is not None and notice_delay.reason not in policy.delay_reasons:
        raise GrantError.of(AccessRefusal.DELAY_REASON, reasons=sorted(policy.delay_reasons))
    return Grant(record, requester, approver, purpose, case_number, valid_from, valid_until, notice_delay)
