"""The columnar form of a population: one row per event, the shape a store hands to the batch scan.

``to_frame`` turns parsed bundles into this frame (a loading step, like reading from a database: one
pass in Python, outside the timed scan). Columns mirror the bundle format; ``offense_ids`` is a list.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from sealkeeper.model.categories import to_mask
from sealkeeper.model.record import Bundle

EVENT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "pid": pl.Utf8,
    "birth_date": pl.Date,
    "eid": pl.Utf8,
    "type": pl.Utf8,
    "date": pl.Date,
    "statute": pl.Utf8,
    "explicit_categories": pl.Int64,
    "sentence_kind": pl.Utf8,
    "months": pl.Float64,
    "suspended": pl.Boolean,
    "np_kind": pl.Utf8,
    "conviction_id": pl.Utf8,
    "penalty_kind": pl.Utf8,
    "main_conduct_before_18": pl.Boolean,
    "offense_ids": pl.List(pl.Utf8),
}


def to_frame(bundles: Iterable[Bundle]) -> pl.DataFrame:
    """One row per event of every bundle (``pid`` is the bundle id)."""
    cols: dict[str, list[object]] = {name: [] for name in EVENT_SCHEMA}
    for bundle in bundles:
        for e in bundle.events:
            offense, sentence = e.offense, e.sentence
            row = (
                bundle.id,
                bundle.person.birth_date,
                e.id,
                e.type.value,
                e.date,
                offense.statute if offense else None,
                to_mask(offense.categories) if offense and offense.categories is not None else None,
                sentence.kind.value if sentence else None,
                None if sentence is None or sentence.months is None else float(sentence.months),
                sentence.suspended if sentence else None,
                e.kind,
                e.conviction_id,
                e.penalty.kind if e.penalty else None,
                e.flags.get("main_conduct_before_18"),
                list(e.offense_ids),
            )
            for name, value in zip(EVENT_SCHEMA, row, strict=True):
                cols[name].append(value)
    return pl.DataFrame(cols, schema=EVENT_SCHEMA)
