"""The facts a rule pack reads about one record, derived from the bundle's events.

This is the vocabulary of pack conditions: every name in :data:`FACTS` may appear in a ``when`` or
``date`` expression. The batch path (``facts_batch``) derives the same columns for a whole population;
a property test checks that both agree. Events dated after ``as_of`` are not yet facts and are ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sealkeeper.model.dates import add_years
from sealkeeper.model.record import Bundle, Event, EventType

#: fact name -> (type, description). Types: date, number, int, bool, str, categories.
FACTS: Mapping[str, tuple[str, str]] = {
    "as_of": ("date", "the day the law is applied on"),
    "record_kind": ("str", "event type of the record: conviction, non_prosecution, admin_penalty, …"),
    "record_date": ("date", "the record's date: judgment effective, decision made, penalty effective"),
    "birth_date": ("date", "the person's date of birth"),
    "first_offense_date": ("date", "earliest offence the record concerns"),
    "last_offense_date": ("date", "latest offence the record concerns"),
    "sentence_kind": ("str", "fixed_term, criminal_detention, public_surveillance, fine, exempt, …"),
    "term_months": ("number", "decided term in months; 0 for fine and exemption; unknown if not stated"),
    "suspended": ("bool", "the sentence was suspended (缓刑)"),
    "main_conduct_before_18": ("bool", "flag: the main criminal conduct came before the 18th birthday"),
    "non_prosecution_kind": ("str", "statutory, discretionary, evidentiary, conditional"),
    "penalty_kind": ("str", "administrative penalty: warning, fine, detention"),
    "categories": ("categories", "offence categories (explicit, or derived from the statute)"),
    "culpability": ("str", "intentional if any offence is; negligent if all are; unknown if mixed"),
    "statute_law": ("str", "criminal_law, psal (治安管理处罚法), or other"),
    "unknown_statute": ("bool", "an offence cites the Criminal Law but no article of it that exists"),
    "retrial_date": ("date", "latest retrial of this conviction"),
    "retrial_term_months": ("number", "decided term after that retrial"),
    "combined_date": ("date", "a later conviction combining this one's offences with others (数罪并罚)"),
    "combined_term_months": ("number", "decided term of that combining conviction (the largest, if several)"),
    "combined_extra_before_18": ("bool", "an offence added by that combination was committed by the 18th birthday"),
    "completion_date": ("date", "latest sentence_completed or probation_completed"),
    "probation_revoked": ("bool", "a probation_revoked event names this conviction"),
    "prior_convictions": ("int", "other convictions dated before this record (not counting combinations)"),
    "later_conviction_date": ("date", "earliest later conviction for a new case (not a combination)"),
    "channel": ("str", "the disclosure channel decided on: the target's, else the pack's main channel"),
    "offense_class": ("str", "the offences' grade (class: M2, summary, felony, …) when they share one"),
    "statute_tags": ("tags", "labels the pack's statute table gives the offences (e.g. pa_art_b)"),
    "statutory_max_months": ("number", "highest statutory maximum among the offences (statute table)"),
    "daily_rates": ("int", "number of daily rates of a fine (Tagessätze)"),
    "sentence_days": ("number", "term stated in days"),
    "probation_months": ("number", "probation, operational or suspension period in months"),
    "sentence_completed_date": ("date", "latest sentence_completed event for this conviction"),
    "probation_completed_date": ("date", "latest probation_completed event for this conviction"),
    "fine_paid_date": ("date", "latest fine_paid event for this conviction"),
    "restitution_paid_date": ("date", "latest restitution_paid event for this conviction"),
}

#: Facts holding a set of labels (``overlaps(x, [...])``, ``'label' in x``).
SET_FACTS = frozenset(name for name, (kind, _) in FACTS.items() if kind in ("categories", "tags"))

_UNBOUNDED_KINDS = frozenset({"life", "death"})
_ZERO_TERM_KINDS = frozenset({"fine", "exempt"})
#: A term for life and death sentences: larger than any threshold a pack can state.
UNBOUNDED_MONTHS = 99_999.0


@dataclass(frozen=True, slots=True)
class StatuteInfo:
    """What a pack knows of a statute citation."""

    law: str  # criminal_law | psal | other
    known: bool  # for criminal_law: the article exists in the catalogue
    categories: frozenset[str] | None
    culpability: str | None  # intentional | negligent | mixed | None
    tags: frozenset[str] | None = frozenset()  # labels from a pack's statute table; None: unknown
    max_months: float | None = None  # statutory maximum term, where the table states it


StatuteResolver = Callable[[str], StatuteInfo]


def term_months(kind: str | None, months: float | None) -> float | None:
    """The decided term compared with thresholds (实施办法 Art. 4: fine and exemption are below any)."""
    if kind in _UNBOUNDED_KINDS:
        return UNBOUNDED_MONTHS
    if kind in _ZERO_TERM_KINDS:
        return 0.0 if months is None else float(months)
    return None if months is None else float(months)


def combine_culpability(values: list[str | None]) -> str | None:
    if "intentional" in values:
        return "intentional"
    if values and all(v == "negligent" for v in values):
        return "negligent"
    return None


def combine_law(values: list[str]) -> str:
    if "psal" in values:
        return "psal"
    if values and all(v == "criminal_law" for v in values):
        return "criminal_law"
    return "other"


def union(values: list[frozenset[str] | None]) -> frozenset[str] | None:
    """The union of label sets; unknown if any is unknown."""
    out: frozenset[str] = frozenset()
    for v in values:
        if v is None:
            return None
        out |= v
    return out


def record_facts(
    bundle: Bundle, record: Event, resolve: StatuteResolver, as_of: dt.date, channel: str | None = None
) -> dict[str, object]:
    """All facts of :data:`FACTS` for ``record``, from the events known on ``as_of``."""
    events = [e for e in bundle.events if e.date <= as_of]
    by_id = {e.id: e for e in events}
    offenses = [by_id[i] for i in record.offense_ids if i in by_id]
    if record.offense is not None:  # admin penalties and cautions carry their offence inline
        offenses = [record]
    statutes = [resolve(o.offense.statute) for o in offenses if o.offense is not None]
    categories: frozenset[str] | None = frozenset()
    for o, info in zip(offenses, statutes, strict=True):
        explicit = o.offense.categories if o.offense is not None else None
        cats = explicit if explicit is not None else info.categories
        categories = None if categories is None or cats is None else categories | cats
    sentence = record.sentence
    facts: dict[str, object] = {
        "as_of": as_of,
        "record_kind": record.type.value,
        "record_date": record.date,
        "birth_date": bundle.person.birth_date,
        "first_offense_date": min((o.date for o in offenses), default=None),
        "last_offense_date": max((o.date for o in offenses), default=None),
        "sentence_kind": sentence.kind.value if sentence else None,
        "term_months": term_months(sentence.kind.value, sentence.months) if sentence else None,
        "suspended": (sentence.suspended or False) if sentence else None,
        "main_conduct_before_18": record.flags.get("main_conduct_before_18"),
        "non_prosecution_kind": record.kind if record.type is EventType.NON_PROSECUTION else None,
        "penalty_kind": record.penalty.kind if record.penalty else None,
        "categories": categories,
        "culpability": combine_culpability([s.culpability for s in statutes]),
        "statute_law": combine_law([s.law for s in statutes]),
        "unknown_statute": any(s.law == "criminal_law" and not s.known for s in statutes),
        "channel": channel,
        "offense_class": _shared({o.offense.grade for o in offenses if o.offense is not None}, len(offenses)),
        "statute_tags": union([s.tags for s in statutes]),
        "statutory_max_months": _max_known([s.max_months for s in statutes]),
        "daily_rates": sentence.daily_rates if sentence else None,
        "sentence_days": sentence.days if sentence else None,
        "probation_months": sentence.probation_months if sentence else None,
    }
    facts.update(_conviction_facts(bundle, record, events, by_id))
    return facts


def _conviction_facts(
    bundle: Bundle, record: Event, events: list[Event], by_id: Mapping[str, Event]
) -> dict[str, object]:
    follow = [e for e in events if e.conviction_id == record.id]
    retrials = sorted((e for e in follow if e.type is EventType.RETRIAL), key=lambda e: (e.date, e.id))
    last_retrial = retrials[-1] if retrials else None
    completions = [e.date for e in follow if e.type in (EventType.SENTENCE_COMPLETED, EventType.PROBATION_COMPLETED)]
    latest = {t: max((e.date for e in follow if e.type is t), default=None) for t in _DATED_FOLLOW_UPS}
    own = set(record.offense_ids)
    combining: list[Event] = []
    prior = 0
    later: dt.date | None = None
    for other in events:
        if other.type is not EventType.CONVICTION or other.id == record.id:
            continue
        theirs = set(other.offense_ids)
        if record.type is EventType.CONVICTION and other.date > record.date and own < theirs:
            combining.append(other)
        elif other.date < record.date and not theirs < own:
            prior += 1
        elif other.date > record.date and (later is None or other.date < later):
            later = other.date
    best = min(combining, key=lambda e: (-term_months_of(e), e.date, e.id), default=None)
    adult_day = add_years(bundle.person.birth_date, 18)
    extra_minor = None
    if best is not None:
        extra = [by_id[i] for i in best.offense_ids if i not in own and i in by_id]
        extra_minor = any(o.date <= adult_day for o in extra)
    return {
        "retrial_date": last_retrial.date if last_retrial else None,
        "retrial_term_months": _term(last_retrial),
        "combined_date": best.date if best else None,
        "combined_term_months": _term(best),
        "combined_extra_before_18": extra_minor,
        "completion_date": max(completions, default=None),
        "probation_revoked": any(e.type is EventType.PROBATION_REVOKED for e in follow),
        "prior_convictions": prior,
        "later_conviction_date": later,
        **{f"{t.value}_date": day for t, day in latest.items()},
    }


_DATED_FOLLOW_UPS = (
    EventType.SENTENCE_COMPLETED,
    EventType.PROBATION_COMPLETED,
    EventType.FINE_PAID,
    EventType.RESTITUTION_PAID,
)


def _shared(grades: set[str | None], n: int) -> str | None:
    """The grade all ``n`` offences share, else unknown."""
    return next(iter(grades)) if n and len(grades) == 1 else None


def _max_known(values: list[float | None]) -> float | None:
    return None if not values or any(v is None for v in values) else max(v for v in values if v is not None)


def _term(event: Event | None) -> float | None:
    if event is None or event.sentence is None:
        return None
    return term_months(event.sentence.kind.value, event.sentence.months)


def term_months_of(event: Event) -> float:
    """The decided term of a conviction, an unknown term counting as 0: for ordering only."""
    return _term(event) or 0.0
