"""An access decision is a value: allow or deny, the rules that decided, their reasons, the caller's
obligations, and the entry to log. Every decision, allow or deny, carries ``log`` as its first obligation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sealkeeper.access.vocabulary import AccessRole, Action

LOG = "log"
NOTIFY_SUBJECT = "notify_subject"
NOTIFY_DELAY = "notify_delay"

#: The keys of a decision's ledger entry, and nothing else: ids, tokens, roles, rule ids, closed-list values.
LEDGER_KEYS = frozenset(
    {
        "kind",
        "at",
        "account",
        "roles",
        "role",
        "action",
        "outcome",
        "rules",
        "obligations",
        "notice_delayed_until",
        "purpose",
        "case_commitment",
        "subject",
        "record",
        "sealed",
        "own_case",
        "approver",
    }
)


@dataclass(frozen=True, slots=True)
class Reason:
    """One ground of an access decision: the rule, the article it rests on, and the rule's short text."""

    rule: str
    citation: str
    text: str
    text_zh: str = ""


@dataclass(frozen=True, slots=True)
class Obligation:
    """What the caller must do with the decision: ``log`` (always), ``notify_subject``, or ``notify_delay`` with
    the legal reason and the first day the person is told."""

    kind: str
    reason: str = ""
    until: dt.date | None = None

    @property
    def code(self) -> str:
        return f"{self.kind}:{self.reason}" if self.kind == NOTIFY_DELAY else self.kind


@dataclass(frozen=True, slots=True)
class AccessDecision:
    allowed: bool
    rules: tuple[str, ...]
    reasons: tuple[Reason, ...]
    obligations: tuple[Obligation, ...]
    role: AccessRole | None  # the role under which it was allowed; None when denied
    account: str
    roles: tuple[AccessRole, ...]
    action: Action
    at: dt.datetime
    purpose: str  # a closed-list value, "" when none was stated, "unlisted" otherwise (free text is never kept)
    subject: str  # the pseudonymous subject token of the resource ("" when none)
    record: str
    sealed: bool
    own_case: bool  # a case number was stated and it is one of the requester's own cases
    approver: str  # the grant's approver when a grant was presented ("" otherwise)

    def __post_init__(self) -> None:
        if not self.rules or not self.obligations or self.obligations[0].kind != LOG:
            raise ValueError("an access decision names its rules and is logged first")

    @property
    def outcome(self) -> str:
        return "allow" if self.allowed else "deny"

    def ledger_entry(self) -> dict[str, Any]:
        """The stable dict to append to the ledger: no personal data. ``case_commitment`` is left to the caller
        (a salted commitment to the case number, which never appears here in the clear)."""
        delay = next((o.until for o in self.obligations if o.kind == NOTIFY_DELAY), None)
        return {
            "kind": "access.decision",
            "at": self.at.isoformat(),
            "account": self.account,
            "roles": [str(role) for role in self.roles],
            "role": None if self.role is None else str(self.role),
            "action": str(self.action),
            "outcome": self.outcome,
            "rules": list(self.rules),
            "obligations": [o.code for o in self.obligations],
            "notice_delayed_until": None if delay is None else delay.isoformat(),
            "purpose": self.purpose,
            "case_commitment": None,
            "subject": self.subject,
            "record": self.record,
            "sealed": self.sealed,
            "own_case": self.own_case,
            "approver": self.approver or None,
        }
