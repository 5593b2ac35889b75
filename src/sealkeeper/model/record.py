"""Value objects for people, offences, sentences, events and record bundles (format version 1).

Stdlib only. Field names follow shared/cases/README.md; ``class`` is spelled ``grade`` here because
``class`` is a Python keyword.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class EventType(StrEnum):
    OFFENSE = "offense"
    CONVICTION = "conviction"
    NON_PROSECUTION = "non_prosecution"
    ACQUITTAL = "acquittal"
    DISMISSAL = "dismissal"
    CASE_WITHDRAWN = "case_withdrawn"
    SENTENCE_COMPLETED = "sentence_completed"
    PROBATION_COMPLETED = "probation_completed"
    PROBATION_REVOKED = "probation_revoked"
    FINE_PAID = "fine_paid"
    RESTITUTION_PAID = "restitution_paid"
    RETRIAL = "retrial"
    ADMIN_PENALTY = "admin_penalty"
    CAUTION = "caution"


#: Events that are a record of their own: a decision about a person that a rule pack can seal.
RECORD_TYPES: frozenset[EventType] = frozenset(
    {
        EventType.CONVICTION,
        EventType.NON_PROSECUTION,
        EventType.ACQUITTAL,
        EventType.DISMISSAL,
        EventType.CASE_WITHDRAWN,
        EventType.ADMIN_PENALTY,
        EventType.CAUTION,
    }
)

#: Events that follow a conviction and name it in ``conviction_id``.
FOLLOW_UP_TYPES: frozenset[EventType] = frozenset(
    {
        EventType.SENTENCE_COMPLETED,
        EventType.PROBATION_COMPLETED,
        EventType.PROBATION_REVOKED,
        EventType.FINE_PAID,
        EventType.RESTITUTION_PAID,
        EventType.RETRIAL,
    }
)


class SentenceKind(StrEnum):
    FIXED_TERM = "fixed_term"  # 有期徒刑 / imprisonment
    CRIMINAL_DETENTION = "criminal_detention"  # 拘役
    PUBLIC_SURVEILLANCE = "public_surveillance"  # 管制
    FINE = "fine"
    EXEMPT = "exempt"  # 免予刑事处罚 / discharge
    COMMUNITY_ORDER = "community_order"
    CUSTODY = "custody"
    LIFE = "life"
    DEATH = "death"


@dataclass(frozen=True, slots=True)
class Person:
    birth_date: dt.date


@dataclass(frozen=True, slots=True)
class Offense:
    name: str
    statute: str
    grade: str | None = None
    categories: frozenset[str] | None = None  # None: derive from the statute


@dataclass(frozen=True, slots=True)
class Sentence:
    kind: SentenceKind
    months: float | None = None
    days: float | None = None
    daily_rates: int | None = None
    amount: float | None = None
    suspended: bool | None = None
    probation_months: float | None = None
    licence_months: float | None = None


@dataclass(frozen=True, slots=True)
class Penalty:
    kind: str  # warning | fine | detention
    days: float | None = None
    amount: float | None = None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: EventType
    date: dt.date
    offense: Offense | None = None
    offense_ids: tuple[str, ...] = ()
    sentence: Sentence | None = None
    kind: str | None = None  # non-prosecution kind
    conviction_id: str | None = None
    penalty: Penalty | None = None
    flags: Mapping[str, bool] = field(default_factory=dict)

    @property
    def is_record(self) -> bool:
        return self.type in RECORD_TYPES


@dataclass(frozen=True, slots=True)
class Target:
    event_id: str | None = None
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class Bundle:
    id: str
    jurisdiction: str
    as_of: dt.date
    person: Person
    events: tuple[Event, ...]
    target: Target | None = None

    def event(self, event_id: str) -> Event:
        for event in self.events:
            if event.id == event_id:
                return event
        raise KeyError(event_id)

    def records(self) -> tuple[Event, ...]:
        """The events that are records of their own, in date order (ties by id)."""
        return tuple(sorted((e for e in self.events if e.is_record), key=lambda e: (e.date, e.id)))
