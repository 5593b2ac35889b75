"""The columnar form of a population: one row per event, the shape a store hands to the batch scan.

``to_frame`` turns parsed bundles into this frame (a loading step, like reading from a database: one
pass in Python, outside the timed scan). Columns mirror the bundle format, with integer surrogate keys
as a store would hand them out, so that the scan joins on integers rather than strings:

* ``pid`` is the bundle's ordinal (0, 1, …) and ``bundle_id`` its id;
* ``eid`` is a population-wide event number and ``event_id`` the event's id within its bundle;
  ``offense_ids`` and ``conviction_id`` hold the ``eid`` of the events they name;
* ``channel`` is the disclosure channel the bundle's target asks for (null: the pack's main one).

Invariants the scan relies on (``check_frame`` tests them): ``eid`` is the row number and ``pid``
never decreases (a bundle's rows are adjacent). Within a bundle the rows are in the order of their
``event_id``, so ordering by ``eid`` breaks ties the way the single-record engine does, by event id.
References must name events of the same bundle, which ``parse_bundle`` guarantees.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from sealkeeper.model.categories import to_mask
from sealkeeper.model.record import Bundle

KEY = pl.Int64

EVENT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "pid": KEY,
    "bundle_id": pl.Utf8,
    "birth_date": pl.Date,
    "eid": KEY,
    "event_id": pl.Utf8,
    "type": pl.Utf8,
    "date": pl.Date,
    "statute": pl.Utf8,
    "explicit_categories": pl.Int64,
    "sentence_kind": pl.Utf8,
    "months": pl.Float64,
    "suspended": pl.Boolean,
    "np_kind": pl.Utf8,
    "conviction_id": KEY,
    "penalty_kind": pl.Utf8,
    "main_conduct_before_18": pl.Boolean,
    "offense_ids": pl.List(KEY),
    "grade": pl.Utf8,
    "days": pl.Float64,
    "daily_rates": pl.Int64,
    "probation_months": pl.Float64,
    "channel": pl.Utf8,
}


def to_frame(bundles: Iterable[Bundle]) -> pl.DataFrame:
    """One row per event of every bundle, with the integer keys described in the module docstring."""
    cols: dict[str, list[object]] = {name: [] for name in EVENT_SCHEMA}
    eid = 0
    for pid, bundle in enumerate(bundles):
        events = sorted(bundle.events, key=lambda e: e.id)
        channel = bundle.target.channel if bundle.target else None
        number = {e.id: eid + k for k, e in enumerate(events)}
        for e in events:
            offense, sentence = e.offense, e.sentence
            row = (
                pid,
                bundle.id,
                bundle.person.birth_date,
                number[e.id],
                e.id,
                e.type.value,
                e.date,
                offense.statute if offense else None,
                to_mask(offense.categories) if offense and offense.categories is not None else None,
                sentence.kind.value if sentence else None,
                _float(sentence.months) if sentence else None,
                sentence.suspended if sentence else None,
                e.kind,
                None if e.conviction_id is None else _ref(bundle, number, e.conviction_id),
                e.penalty.kind if e.penalty else None,
                e.flags.get("main_conduct_before_18"),
                [_ref(bundle, number, ref) for ref in e.offense_ids],
                offense.grade if offense else None,
                _float(sentence.days) if sentence else None,
                sentence.daily_rates if sentence else None,
                _float(sentence.probation_months) if sentence else None,
                channel,
            )
            for name, value in zip(EVENT_SCHEMA, row, strict=True):
                cols[name].append(value)
        eid += len(events)
    return pl.DataFrame(cols, schema=EVENT_SCHEMA)


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _ref(bundle: Bundle, number: dict[str, int], ref: str) -> int:
    if ref not in number:
        raise ValueError(f"bundle {bundle.id}: {ref!r} names no event of the bundle")
    return number[ref]


def check_frame(events: pl.DataFrame) -> None:
    """Raise ValueError unless ``eid`` is the row number and ``pid`` never decreases (what the scan relies on)."""
    rows = pl.int_range(events.height, dtype=KEY, eager=True)
    if not events["eid"].equals(rows, check_names=False) or not events["pid"].is_sorted():
        raise ValueError("the event frame must be in the order to_frame gives it (see sealkeeper.rules.frames)")
