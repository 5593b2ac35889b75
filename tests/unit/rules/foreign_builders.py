"""Small builders of bundles (format v1, parsed for real) for the DE, UK-EW, JP, US-PA and US-MI pack tests.

Each builder returns a plain dict; ``bundle`` parses the whole thing with ``parse_bundle`` so the tests go
through the same path as ``sealkeeper evaluate``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.decision import Decision
from sealkeeper.model.record import Bundle
from sealkeeper.rules.engine import evaluate_bundle
from sealkeeper.rules.pack import Pack


def offense(
    eid: str,
    day: str,
    statute: str,
    name: str = "offence",
    *,
    cls: str | None = None,
    categories: list[str] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "statute": statute}
    if cls is not None:
        body["class"] = cls
    if categories is not None:
        body["categories"] = categories
    return {"id": eid, "type": "offense", "date": day, "offense": body}


def conviction(eid: str, day: str, offense_ids: list[str], **sentence: Any) -> dict[str, Any]:
    sentence.setdefault("kind", "fixed_term")
    return {"id": eid, "type": "conviction", "date": day, "offense_ids": offense_ids, "sentence": sentence}


def follow(eid: str, kind: str, day: str, conviction_id: str) -> dict[str, Any]:
    """A follow-up event: sentence_completed, probation_completed, probation_revoked, fine_paid, restitution_paid."""
    return {"id": eid, "type": kind, "date": day, "conviction_id": conviction_id}


def ended(eid: str, kind: str, day: str, offense_ids: list[str]) -> dict[str, Any]:
    """A non-conviction disposition: acquittal, dismissal, case_withdrawn."""
    return {"id": eid, "type": kind, "date": day, "offense_ids": offense_ids}


def bundle(
    jurisdiction: str,
    as_of: str,
    *events: dict[str, Any],
    birth: str = "1980-01-01",
    target: str | None = None,
    channel: str | None = None,
) -> Bundle:
    raw: dict[str, Any] = {
        "id": "TT-01",
        "jurisdiction": jurisdiction,
        "as_of": as_of,
        "person": {"birth_date": birth},
        "events": list(events),
    }
    tgt: dict[str, str] = {}
    if target:
        tgt["event_id"] = target
    if channel:
        tgt["channel"] = channel
    if tgt:
        raw["target"] = tgt
    return parse_bundle(raw)


def decide(pack: Pack, jurisdiction: str, as_of: str, *events: dict[str, Any], **kw: Any) -> Decision:
    return evaluate_bundle(pack, bundle(jurisdiction, as_of, *events, **kw))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def status_date(decision: Decision) -> tuple[str, dt.date | None]:
    return decision.status.value, decision.date


def seen(text: str, value: str) -> tuple[str, dt.date]:
    """(status, date) in one literal: ``seen("sealed", "2024-01-01")``."""
    return text, day(value)


def both_sides(pack: Pack, end: str, *events: dict[str, Any], **kw: Any) -> Decision:
    """The day before ``end`` gives eligible_on ``end``; ``end`` itself gives sealed (INTERPRETATION 2)."""
    before = (day(end) - dt.timedelta(days=1)).isoformat()
    assert status_date(decide(pack, pack.jurisdiction, before, *events, **kw)) == seen("eligible_on", end)
    decision = decide(pack, pack.jurisdiction, end, *events, **kw)
    assert status_date(decision) == seen("sealed", end)
    return decision
