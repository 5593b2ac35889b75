"""The record's timeline drawn to scale: dates to x positions, labels into lanes so that none overlaps, each
waiting period's state on the as-of date. Pure (no I/O, no clock, no text): the template ``_timeline.html``
draws the result as SVG and lists the same facts in a table, with the words from the catalogue.

Written by hand: the layout is a linear scale and a greedy lane assignment (a chart library would draw the
SVG without the lanes, the accessible names or the translated labels, and pull in a browser-side renderer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 720
MARGIN = 24  # left and right: the first and last marks keep their number inside the canvas
TOP = 34  # room for the "today" label
SPAN_ROW = 30  # one row per waiting period: the bar and its label
LABEL_W = 220  # the room kept for a waiting period's label (length and state, in either language)
NUMBER_W = 18  # a mark's number and the gap after it
LANE = 18
TODAY_W = 150  # the room kept for the "today" label


@dataclass(frozen=True, slots=True)
class Mark:
    number: int  # the row of the table that says what it is (1-based, date order)
    kind: str
    day: dt.date
    ref: str
    x: float
    lane: int
    y: float  # the number's baseline


@dataclass(frozen=True, slots=True)
class Span:
    rule: str
    start_fact: str
    start: dt.date
    end: dt.date
    lengths: tuple[tuple[int, str], ...]
    state: str  # "over" (ended before as_of), "today" (ends on as_of), "running" (ends after as_of)
    days_left: int
    x1: float
    x2: float
    y: float
    label_x: float


@dataclass(frozen=True, slots=True)
class Tick:
    year: int
    x: float


@dataclass(frozen=True, slots=True)
class Layout:
    width: int
    height: float
    axis_y: float
    today: dt.date
    today_x: float
    today_label_x: float
    marks: tuple[Mark, ...]
    spans: tuple[Span, ...]
    ticks: tuple[Tick, ...]


def period_state(end: dt.date, as_of: dt.date) -> tuple[str, int]:
    """A waiting period ending on ``end`` seen on ``as_of``: "over", "today" or "running", and the days left.
    The period ends on ``end``: the record may be sealed from that day on (the engine's ``eligible_on``)."""
    if end < as_of:
        return "over", 0
    if end == as_of:
        return "today", 0
    return "running", (end - as_of).days


def scale(lo: dt.date, hi: dt.date, width: int = WIDTH) -> tuple[dt.date, dt.date, float]:
    """The drawn range (``lo``..``hi`` padded by 3 %, at least 30 days) and the pixels per day."""
    pad = max(30, (hi - lo).days * 3 // 100)
    first, last = lo - dt.timedelta(days=pad), hi + dt.timedelta(days=pad)
    return first, last, (width - 2 * MARGIN) / (last - first).days


def layout(
    events: Sequence[Mapping[str, Any]], periods: Sequence[Mapping[str, Any]], as_of: dt.date, width: int = WIDTH
) -> Layout:
    """Events (``kind``, ``day``, ``ref``) and waiting periods (``start``, ``end``, ``lengths``, ``rule``,
    ``start_fact``) on one axis with ``as_of``; marks numbered in date order."""
    days = [e["day"] for e in events] + [p[k] for p in periods for k in ("start", "end")] + [as_of]
    first, _, per_day = scale(min(days), max(days), width)

    def x_of(day: dt.date) -> float:
        return round(MARGIN + (day - first).days * per_day, 2)

    spans = []
    for i, p in enumerate(periods):
        state, left = period_state(p["end"], as_of)
        x1 = x_of(p["start"])
        spans.append(Span(p["rule"], p["start_fact"], p["start"], p["end"], tuple(tuple(n) for n in p["lengths"]),
                          state, left, x1, x_of(p["end"]), TOP + i * SPAN_ROW,
                          _clamp(x1, MARGIN, width - MARGIN - LABEL_W)))  # fmt: skip
    axis_y = TOP + len(spans) * SPAN_ROW + 12
    marks: list[Mark] = []
    lane_ends: list[float] = []
    for number, event in enumerate(sorted(events, key=lambda e: (e["day"], e["kind"])), start=1):
        x = x_of(event["day"])
        lane = next((i for i, end in enumerate(lane_ends) if end <= x - NUMBER_W / 2), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(0.0)
        lane_ends[lane] = x + NUMBER_W / 2
        marks.append(Mark(number, event["kind"], event["day"], event.get("ref", ""), x, lane,
                          axis_y + 40 + lane * LANE))  # fmt: skip
    height = axis_y + 40 + max(len(lane_ends), 1) * LANE
    today_x = x_of(as_of)
    return Layout(width, height, axis_y, as_of, today_x, _clamp(today_x, MARGIN + TODAY_W / 2,
                  width - MARGIN - TODAY_W / 2), tuple(marks), tuple(spans), _ticks(first, per_day, width))  # fmt: skip


def _clamp(x: float, lo: float, hi: float) -> float:
    return max(lo, min(x, hi)) if lo <= hi else (lo + hi) / 2


def _ticks(first: dt.date, per_day: float, width: int) -> tuple[Tick, ...]:
    """1 January of each year drawn, thinned to at most 8 labels (every 2nd, 5th, 10th … year)."""
    last = first + dt.timedelta(days=int((width - 2 * MARGIN) / per_day))
    years = list(range(first.year + 1, last.year + 1))
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 1000, 10_000) if len(years) <= 8 * s)
    return tuple(Tick(y, round(MARGIN + (dt.date(y, 1, 1) - first).days * per_day, 2)) for y in years
                 if y % step == 0)  # fmt: skip
