"""The timeline's layout: a waiting period's state on the as-of date at its boundaries, dates to x in order,
labels in lanes that do not overlap, and nothing drawn outside the canvas."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.web.timeline import LABEL_W, MARGIN, NUMBER_W, TODAY_W, layout, period_state

AS_OF = dt.date(2026, 7, 1)
DAY = dt.timedelta(days=1)


def period(start: dt.date, end: dt.date) -> dict[str, Any]:
    return {"rule": "r", "start_fact": "record_date", "start": start, "end": end, "lengths": [[7, "years"]]}


def test_a_period_ending_the_day_before_on_or_after_the_as_of_date() -> None:
    assert period_state(AS_OF - DAY, AS_OF) == ("over", 0)
    assert period_state(AS_OF, AS_OF) == ("today", 0)
    assert period_state(AS_OF + DAY, AS_OF) == ("running", 1)
    assert period_state(dt.date(2027, 3, 1), AS_OF) == ("running", 243)


def test_each_period_carries_its_state_and_spans_its_own_dates() -> None:
    start = dt.date(2019, 7, 1)
    drawn = layout([], [period(start, AS_OF - DAY), period(start, AS_OF), period(start, AS_OF + DAY)], AS_OF)
    assert [s.state for s in drawn.spans] == ["over", "today", "running"]
    over, today, running = drawn.spans
    assert over.x1 == today.x1 == running.x1
    assert over.x2 < today.x2 == drawn.today_x < running.x2
    assert [s.y for s in drawn.spans] == sorted({s.y for s in drawn.spans})  # one row each


def test_marks_are_numbered_in_date_order_and_close_ones_take_another_lane() -> None:
    events = [{"kind": "sealed", "day": AS_OF, "ref": ""}, {"kind": "offense", "day": AS_OF - DAY, "ref": "e1"},
              {"kind": "conviction", "day": dt.date(2000, 1, 1), "ref": "e2"}]  # fmt: skip
    drawn = layout(events, [], AS_OF)
    assert [(m.number, m.kind) for m in drawn.marks] == [(1, "conviction"), (2, "offense"), (3, "sealed")]
    assert drawn.marks[1].lane != drawn.marks[2].lane  # a day apart on a 26-year axis: the numbers would touch
    assert drawn.marks[0].lane == 0


def test_one_day_alone_is_drawn_in_the_middle() -> None:
    drawn = layout([{"kind": "sealed", "day": AS_OF, "ref": ""}], [], AS_OF)
    assert drawn.marks[0].x == drawn.today_x == 360


days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
kinds = st.sampled_from(["offense", "conviction", "sealed", "application_filed", "tracked"])
events = st.lists(st.fixed_dictionaries({"kind": kinds, "day": days, "ref": st.just("")}), max_size=30)
periods = st.lists(st.tuples(days, st.integers(1, 20_000)).map(lambda p: period(p[0], p[0] + dt.timedelta(p[1]))),
                   max_size=4)  # fmt: skip


@given(events, periods, days, st.integers(360, 1600))
def test_dates_in_order_map_to_x_in_order_and_everything_stays_on_the_canvas(
    evs: list[dict[str, Any]], pers: list[dict[str, Any]], as_of: dt.date, width: int
) -> None:
    drawn = layout(evs, pers, as_of, width)
    xs = [m.x for m in drawn.marks]
    assert xs == sorted(xs)
    assert [m.day for m in drawn.marks] == sorted(e["day"] for e in evs)
    for m in drawn.marks:
        assert MARGIN <= m.x <= width - MARGIN  # and its number (NUMBER_W wide, centred) within the canvas
        assert m.x - NUMBER_W / 2 >= 0
        assert m.x + NUMBER_W / 2 <= width
        assert 0 < m.y <= drawn.height
    by_lane: dict[int, list[float]] = {}
    for m in drawn.marks:
        by_lane.setdefault(m.lane, []).append(m.x)
    for lane in by_lane.values():  # numbers in one lane never overlap
        assert all(b - a >= NUMBER_W for a, b in itertools.pairwise(lane))
    for s in drawn.spans:
        assert MARGIN <= s.x1 <= s.x2 <= width - MARGIN
        assert s.label_x >= MARGIN
        assert s.label_x + LABEL_W <= width - MARGIN
        assert 0 < s.y < drawn.axis_y
    assert MARGIN <= drawn.today_x <= width - MARGIN
    assert drawn.today_label_x - TODAY_W / 2 >= 0
    assert drawn.today_label_x + TODAY_W / 2 <= width
    assert all(MARGIN <= t.x <= width - MARGIN for t in drawn.ticks)
    assert len(drawn.ticks) <= 8
