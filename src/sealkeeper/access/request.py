"""What the policy decision point is asked: who (account), what (action), on what (resource), and in what
context (purpose, case number, approval grant, time). Values only; every time is given by the caller.

``Resource.sealed`` has no default on purpose: a caller that forgets to say whether a record is sealed cannot
construct the request. Non-record actions use ``NO_RESOURCE``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sealkeeper.access.errors import AccessRefusal, GrantError, SelfApprovalError
from sealkeeper.access.vocabulary import AccessRole, Action


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (with a time zone)")


@dataclass(frozen=True, slots=True)
class Account:
    """An account: its id, its roles, the subject token it stands for (data-subject accounts only), the
    jurisdictions whose records it may work on (staff accounts), and the subject tokens it represents under a
    clerk's approved link (guardian or counsel; the service fills it in for the person acted for)."""

    id: str
    roles: frozenset[AccessRole]
    subject: str = ""
    jurisdictions: frozenset[str] = frozenset()
    represents: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("an account has an id")
        object.__setattr__(self, "roles", frozenset(AccessRole(role) for role in self.roles))


@dataclass(frozen=True, slots=True)
class Resource:
    """The record (or person) acted on. ``requester_cases``: the case numbers the requesting account owns."""

    sealed: bool
    record: str = ""
    jurisdiction: str = ""
    subject: str = ""
    requester_cases: frozenset[str] = frozenset()


#: The resource of actions that touch no record (ledger, statistics, accounts, configuration).
NO_RESOURCE = Resource(sealed=False)


@dataclass(frozen=True, slots=True)
class NoticeDelay:
    """The person's notice of an access is held back until ``until`` (exclusive) for a stated legal ``reason``
    (a key of ``[delay_reasons]`` in ``data/texts.toml``)."""

    reason: str
    until: dt.date


@dataclass(frozen=True, slots=True)
class Grant:
    """An approver's approval of one judicial request: one record, one requester, one purpose and case number,
    valid from ``valid_from`` (inclusive) to ``valid_until`` (exclusive)."""

    record: str
    requester: str
    approver: str
    purpose: str
    case_number: str
    valid_from: dt.datetime
    valid_until: dt.datetime
    notice_delay: NoticeDelay | None = None

    def __post_init__(self) -> None:
        if not (self.record and self.requester and self.approver):
            raise GrantError.of(AccessRefusal.GRANT_PARTIES)
        if self.approver == self.requester:
            raise SelfApprovalError(f"account {self.approver} may not approve its own request").coded(
                "self_approval", account=self.approver
            )
        if not self.case_number:
            raise GrantError.of(AccessRefusal.GRANT_CASE_NUMBER)
        _require_aware(self.valid_from, "valid_from")
        _require_aware(self.valid_until, "valid_until")
        if self.valid_until <= self.valid_from:
            raise GrantError.of(AccessRefusal.GRANT_WINDOW)

    def covers(self, at: dt.datetime) -> bool:
        return self.valid_from <= at < self.valid_until


@dataclass(frozen=True, slots=True)
class Context:
    at: dt.datetime
    purpose: str = ""
    case_number: str = ""
    grant: Grant | None = None

    def __post_init__(self) -> None:
        _require_aware(self.at, "at")


@dataclass(frozen=True, slots=True)
class AccessRequest:
    account: Account
    action: Action
    resource: Resource
    context: Context

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", Action(self.action))
