"""The facts a person accepted (``reader.review.accepted``) written into a record bundle's facts. Pure.

Each fact has one place in the bundle (shared/cases/README.md, format version 1): the charge is the name of
the record's offence and the article its statute; the offence date that offence's date; the sentence the
deciding event's sentence; the judgment date the deciding event's date; the date of birth the person's.
``juvenile`` has no place of its own: the engine derives it from the two dates, so it is checked against them
instead (a confirmed "under 18" that the dates contradict is refused). Nothing else in the bundle changes.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sealkeeper.reader.extract import age_on
from sealkeeper.reader.review import ReviewError, on_record, tied_offences
from sealkeeper.reader.review import ReviewRefusal as R


@dataclass(frozen=True)
class Amended:
    """The new facts and the names of the facts that changed them (empty: the record already said it all)."""

    facts: dict[str, Any]
    changed: tuple[str, ...]


def _offence(events: list[dict[str, Any]], decided: Mapping[str, Any], fact: str) -> dict[str, Any]:
    offences = tied_offences(events, decided)
    if len(offences) != 1:
        raise ReviewError(R.NOT_ONE_OFFENCE, fact, count=len(offences))
    return offences[0]


def _juvenile_holds(facts: Mapping[str, Any], record: str, juvenile: bool) -> None:
    said = on_record(facts, record)
    birth, committed = said["birth_date"], said["offence_date"]
    if birth is None or committed is None:
        raise ReviewError(R.NO_DATES_FOR_AGE, "juvenile")
    age = age_on(dt.date.fromisoformat(birth), dt.date.fromisoformat(committed))
    if (age < 18) != juvenile:
        raise ReviewError(R.AGE_DIFFERS, "juvenile", age=age)


def amend(facts: Mapping[str, Any], record: str, accepted: Mapping[str, Any]) -> Amended:
    """``facts`` with every accepted fact put in its place for ``record``; ``facts`` itself is not changed."""
    out: dict[str, Any] = copy.deepcopy(dict(facts))
    events: list[dict[str, Any]] = out.get("events") or []
    decided = next((e for e in events if e.get("id") == record), None)
    if decided is None:
        raise ReviewError(R.NO_SUCH_EVENT, next(iter(accepted), "record"), record=record)
    if "sentence" in accepted:
        wanted = accepted["sentence"]
        if wanted["event"] != decided.get("type"):
            raise ReviewError(R.OTHER_EVENT_TYPE, "sentence", recorded=decided.get("type"), proposed=wanted["event"])
        if wanted["sentence"] is not None:
            decided["sentence"] = wanted["sentence"]
    if "judgment_date" in accepted:
        decided["date"] = accepted["judgment_date"]
    if "birth_date" in accepted:
        out.setdefault("person", {})["birth_date"] = accepted["birth_date"]
    for fact, place in (("charge", "name"), ("article", "statute")):
        if fact in accepted:
            offence = _offence(events, decided, fact)
            value = accepted[fact]
            offence.setdefault("offense", {})[place] = value["name"] if fact == "charge" else value
    if "offence_date" in accepted:
        _offence(events, decided, "offence_date")["date"] = accepted["offence_date"]
    if "juvenile" in accepted:
        _juvenile_holds(out, record, accepted["juvenile"])
    before, after = on_record(facts, record), on_record(out, record)
    changed = tuple(name for name in accepted if name != "juvenile" and before[name] != after[name])
    return Amended(out if changed else copy.deepcopy(dict(facts)), changed)
