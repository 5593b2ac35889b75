"""Small builders of CN bundles for the engine tests (dicts in format v1, parsed for real)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.record import Bundle


def offense(eid: str, day: str, statute: str = "刑法第264条", name: str = "盗窃罪", **extra: Any) -> dict[str, Any]:
    return {"id": eid, "type": "offense", "date": day, "offense": {"name": name, "statute": statute, **extra}}


def conviction(eid: str, day: str, offense_ids: list[str], **sentence: Any) -> dict[str, Any]:
    sentence.setdefault("kind", "fixed_term")
    return {"id": eid, "type": "conviction", "date": day, "offense_ids": offense_ids, "sentence": sentence}


def bundle(birth: str, as_of: str, *events: dict[str, Any], target: str | None = None, bid: str = "TT-01") -> Bundle:
    raw: dict[str, Any] = {
        "id": bid,
        "jurisdiction": "CN",
        "as_of": as_of,
        "person": {"birth_date": birth},
        "events": list(events),
    }
    if target:
        raw["target"] = {"event_id": target}
    return parse_bundle(raw)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
