"""What every procedure shares: actors, reasons, events, cases, the transition table and ``transition``.

A procedure is data: a table from (state, command type) to the roles that may give the command and a small pure
handler that returns the new case and the events to log. ``transition`` looks the step up, checks the actor,
runs the handler and bumps the case's version; anything not in the table is refused with an error that names
the procedure, the case, its state and the command. Nothing here reads a clock: ``at`` is an aware datetime
given by the caller, and the day it falls on (in its own time zone) is the day used for deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from sealkeeper.procedures.calendars import CALENDAR_DAYS, Calendar, is_overdue
from sealkeeper.procedures.errors import (
    ActorRefusedError,
    CommandRefusedError,
    InvalidCommandError,
    NotAllowedInStateError,
    NotDueError,
    Refusal,
    TerminalStateError,
)


class Role(StrEnum):
    SYSTEM = "system"  # the daily run and other automatic steps
    CLERK = "clerk"  # 承办人
    APPROVER = "approver"  # 审批人
    REVIEWER = "reviewer"  # member of an objection review panel (复查)
    JUDICIAL = "judicial_requester"  # 办案机关
    SUBJECT = "data_subject"  # 当事人
    GUARDIAN = "guardian"  # 法定代理人
    COUNSEL = "counsel"  # 辩护人 / 代理人
    SUPERVISOR = "supervisor"  # 检察监督
    HIGHER_AUTHORITY = "higher_authority"  # 上一级机关 (复议)


#: Who may file on the person's behalf: the person, a guardian or counsel.
APPLICANTS = frozenset({Role.SUBJECT, Role.GUARDIAN, Role.COUNSEL})


@dataclass(frozen=True, slots=True)
class Actor:
    account: str
    role: Role

    def __post_init__(self) -> None:
        if not self.account:
            raise ValueError("an actor has an account id")


@dataclass(frozen=True, slots=True)
class Reason:
    """One ground of a decision: the rule it applies and the article cited. ``text`` is narrative: the service
    keeps it encrypted; it is never logged, published or shown in an error."""

    rule: str
    citation: str
    text: str = ""

    def __post_init__(self) -> None:
        if not self.rule or not self.citation:
            raise ValueError("a reason names a rule and cites an article")


EventValue = str | int | bool | None | tuple[str, ...]
#: The keys every event has; ``data`` keys may not reuse them.
EVENT_KEYS = frozenset({"kind", "procedure", "case_id", "subject", "at", "actor", "role", "state", "version"})


@dataclass(frozen=True, slots=True)
class Event:
    """A domain event to append to the ledger: ids, roles, states, rule ids and citations; no personal data.

    ``subject`` is the pseudonymous subject token (the ledger replaces it by a commitment)."""

    kind: str
    case_id: str
    subject: str
    at: dt.datetime
    actor: Actor
    state: str
    version: int
    data: tuple[tuple[str, EventValue], ...] = ()

    def __post_init__(self) -> None:
        clash = EVENT_KEYS & {key for key, _ in self.data}
        if clash:
            raise ValueError(f"event data reuses reserved keys: {sorted(clash)}")

    @property
    def procedure(self) -> str:
        return self.kind.split(".", 1)[0]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "procedure": self.procedure,
            "case_id": self.case_id,
            "subject": self.subject,
            "at": self.at.isoformat(),
            "actor": self.actor.account,
            "role": str(self.actor.role),
            "state": self.state,
            "version": self.version,
        }
        for key, value in self.data:
            out[key] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """Fields every case has. ``due`` is the last day of the current step; ``deciders`` the accounts that took a
    decision in this case (an objection panel may not include them)."""

    PROCEDURE: ClassVar[str] = "case"
    MACHINE: ClassVar[Machine]

    case_id: str
    subject: str
    state: StrEnum
    opened_on: dt.date
    version: int = 1
    due: dt.date | None = None
    calendar: Calendar = CALENDAR_DAYS
    deciders: tuple[str, ...] = ()
    escalations: int = 0
    escalated_for: dt.date | None = None  # the ``due`` of the step last escalated (once per step)

    @property
    def is_closed(self) -> bool:
        return self.state in type(self).MACHINE.terminal


Handler = Callable[[Any, Any, Actor, dt.datetime], tuple[Any, tuple[Event, ...]]]


@dataclass(frozen=True, slots=True)
class Step:
    roles: frozenset[Role]
    handler: Handler


@dataclass(frozen=True, slots=True)
class Machine:
    procedure: str
    steps: Mapping[tuple[StrEnum, type[Any]], Step]
    terminal: frozenset[StrEnum]
    authority: frozenset[StrEnum]  # states in which the authority owes the next step
    escalable: frozenset[StrEnum]  # states in which an overdue step may be escalated
    check: Callable[[Any], list[str]]  # invariants of a case: the problems found, [] when valid

    def commands(self, state: StrEnum) -> tuple[str, ...]:
        return tuple(sorted(command.__name__ for s, command in self.steps if s == state))


@dataclass(frozen=True, slots=True)
class Escalate:
    """Raise an overdue step to the head of the office (any procedure, in a state where the authority owes the
    next step, once per step)."""


@dataclass(frozen=True, slots=True)
class Withdraw:
    """The one who opened the case withdraws it (their own account only), before the decision."""


@dataclass(frozen=True, slots=True)
class SendNotice:
    """Notice of the decision is sent (to the applicant, and whoever else the procedure names)."""


def require_account(case: Case, command: object, actor: Actor, account: str, who: str) -> None:
    if actor.account != account:
        raise refuse(case, command, Refusal.ONLY_OWN_ACCOUNT, ActorRefusedError, who=who)


ESCALATORS = frozenset({Role.SYSTEM, Role.CLERK, Role.APPROVER, Role.SUPERVISOR})
C = TypeVar("C", bound=Case)


def require_aware(at: dt.datetime) -> dt.date:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("procedure times are aware datetimes (with a time zone)")
    return at.date()


def refuse(
    case: Case, command: object, why: Refusal, error: type[CommandRefusedError] = InvalidCommandError, **params: object
) -> CommandRefusedError:
    return error(case.PROCEDURE, case.case_id, str(case.state), type(command).__name__, why, **params)


def emit(case: Case, kind: str, actor: Actor, at: dt.datetime, **data: EventValue) -> Event:
    """An event about ``case`` as it is after the step (its new state and version)."""
    return Event(kind, case.case_id, case.subject, at, actor, str(case.state), case.version, tuple(data.items()))


def withdrawn(
    case: C, command: object, actor: Actor, at: dt.datetime, *, account: str, who: str, state: StrEnum
) -> tuple[C, tuple[Event, ...]]:
    """The filer takes the case back: only the account that filed it may; its deadline ends with it."""
    require_account(case, command, actor, account, who)
    new = replace(case, state=state, due=None)
    return new, (emit(new, f"{case.PROCEDURE}.withdrawn", actor, at),)


def rule_ids(reasons: Iterable[Reason]) -> tuple[str, ...]:
    return tuple(reason.rule for reason in reasons)


def citations(reasons: Iterable[Reason]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(reason.citation for reason in reasons))


def transition(case: C, command: object, actor: Actor, at: dt.datetime) -> tuple[C, tuple[Event, ...]]:
    """Apply ``command`` given by ``actor`` at ``at``: the new case and its events, or a ``CommandRefusedError``."""
    today = require_aware(at)
    machine = type(case).MACHINE
    if case.state in machine.terminal:
        raise refuse(case, command, Refusal.CLOSED, TerminalStateError)
    if isinstance(command, Escalate):
        return _escalate(case, command, actor, at, today)
    step = machine.steps.get((case.state, type(command)))
    if step is None:
        allowed = ", ".join(machine.commands(case.state)) or "none"
        raise refuse(case, command, Refusal.NOT_IN_STATE, NotAllowedInStateError, allowed=allowed)
    if actor.role not in step.roles:
        roles = ", ".join(sorted(step.roles))
        raise refuse(case, command, Refusal.ROLE_MAY_NOT, ActorRefusedError, role=actor.role, roles=roles)
    new, events = step.handler(replace(case, version=case.version + 1), command, actor, at)
    if not events:
        raise AssertionError(f"{machine.procedure}: step {type(command).__name__} emitted no event")
    return new, events


def _escalate(case: C, command: Escalate, actor: Actor, at: dt.datetime, today: dt.date) -> tuple[C, tuple[Event, ...]]:
    if case.state not in type(case).MACHINE.escalable:
        raise refuse(case, command, Refusal.NOTHING_OWED, NotAllowedInStateError)
    if actor.role not in ESCALATORS:
        raise refuse(case, command, Refusal.MAY_NOT_ESCALATE, ActorRefusedError, role=actor.role)
    if case.due is None or not is_overdue(today, case.due):
        raise refuse(case, command, Refusal.NOT_OVERDUE, NotDueError, due=case.due)
    if case.escalated_for == case.due:
        raise refuse(case, command, Refusal.ALREADY_ESCALATED, NotDueError)
    new = replace(case, version=case.version + 1, escalations=case.escalations + 1, escalated_for=case.due)
    late = (today - case.due).days
    return new, (emit(new, f"{case.PROCEDURE}.escalated", actor, at, due=case.due.isoformat(), days_late=late),)


def check(case: Case) -> list[str]:
    """The invariants of ``case`` that do not hold (an empty list for a valid case)."""
    problems = list(type(case).MACHINE.check(case))
    if case.version < 1:
        problems.append("version below 1")
    if case.is_closed and case.due is not None:
        problems.append("a closed case has no deadline")
    return problems


Table = dict[tuple[StrEnum, type[Any]], tuple[Iterable[Role], Handler]]


def steps(table: Table) -> dict[tuple[StrEnum, type[Any]], Step]:
    """Build a transition table from ``{(state, Command): (roles, handler)}``."""
    return {key: Step(frozenset(roles), handler) for key, (roles, handler) in table.items()}


def default_check(_: Any) -> list[str]:
    return []
