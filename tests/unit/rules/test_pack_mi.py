"""US-MI pack: Clean Slate automatic set-aside (MCL 780.621g), operating since 2023-04-11.

Expected outcomes follow shared/law/rules.md §6 and INTERPRETATION 1–7, 47–50, not the code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from foreign_builders import both_sides, conviction, decide, follow, offense, seen, status_date
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.errors import BundleFormatError
from sealkeeper.rules.pack import Pack

MI = "US-MI"
TRESPASS = "MCL 750.552"  # misdemeanour, 30 days
CCW = "MCL 750.227"  # carrying a concealed weapon, felony, 5 years
LARCENY = "MCL 750.356"  # not in the statute table: maximum unknown


@pytest.fixture(scope="module")
def mi() -> Pack:
    return load_pack(MI)


def case(n: int, day: str, cls: str | None, statute: str = TRESPASS, **sentence: Any) -> list[dict[str, Any]]:
    sentence = sentence or {"kind": "community_order", "months": 12}
    return [offense(f"o{n}", day, statute, "offence", cls=cls), conviction(f"c{n}", day, [f"o{n}"], **sentence)]


# --- periods (INTERPRETATION 47) ------------------------------------------------------------------------------
def test_point_47_misdemeanour_seven_years_from_sentencing(mi: Pack) -> None:
    assert both_sides(mi, "2024-05-10", *case(1, "2017-05-10", "misdemeanor")).rules == ("mi.misdemeanor",)


def test_point_47_felony_ten_years_from_release(mi: Pack) -> None:
    events = [*case(1, "2013-02-15", "felony", CCW, kind="fixed_term", months=24),
              follow("s1", "sentence_completed", "2015-02-15", "c1")]  # fmt: skip
    assert both_sides(mi, "2025-02-15", *events).rules == ("mi.felony",)


def test_point_47_felony_without_imprisonment_ten_years_from_sentencing(mi: Pack) -> None:
    both_sides(mi, "2025-02-15", *case(1, "2015-02-15", "felony", CCW))


def test_felony_imprisoned_and_not_released_has_no_date(mi: Pack) -> None:
    d = decide(mi, MI, "2030-01-01", *case(1, "2015-02-15", "felony", CCW, kind="fixed_term", months=60))
    assert (d.status.value, d.rules[-1]) == ("not_sealed", "mi.felony.not_released")


# --- commencement 2023-04-11 (INTERPRETATION 1, 3) ------------------------------------------------------------
@pytest.mark.parametrize(
    ("as_of", "expected", "rule"),
    [
        ("2023-04-10", ("not_sealed", None), "mi.misdemeanor.not_in_force"),
        ("2023-04-11", seen("sealed", "2023-04-11"), "mi.misdemeanor"),
    ],
)
def test_points_1_3_set_aside_from_commencement(mi: Pack, as_of: str, expected: tuple[Any, ...], rule: str) -> None:
    d = decide(mi, MI, as_of, *case(1, "2012-01-10", "misdemeanor"))
    assert (status_date(d), d.rules[-1]) == (expected, rule)


# --- a conviction inside the waiting period restarts it (INTERPRETATION 48) -----------------------------------
def test_point_48_later_conviction_restarts_the_clock(mi: Pack) -> None:
    events = [*case(1, "2015-01-10", "misdemeanor"), *case(2, "2018-06-01", "misdemeanor")]
    d = decide(mi, MI, "2024-01-01", *events, target="c1")
    assert status_date(d) == seen("eligible_on", "2025-06-01")
    assert "mi.intervening_conviction" in d.rules


def test_point_48_conviction_after_set_aside_does_not_undo_it(mi: Pack) -> None:
    events = [*case(1, "2015-01-10", "misdemeanor"), *case(2, "2023-06-01", "misdemeanor")]
    assert status_date(decide(mi, MI, "2024-01-01", *events, target="c1")) == seen("sealed", "2023-04-11")


def test_point_48_conviction_after_the_waiting_period_but_before_commencement(mi: Pack) -> None:
    # c1's 7 years ended 2017-01-10; the 2020 conviction comes after the waiting period, although before the
    # 2023-04-11 commencement that postpones c1's set-aside: it does not restart (chain period_end)
    events = [*case(1, "2010-01-10", "misdemeanor"), *case(2, "2020-01-10", "misdemeanor")]
    assert status_date(decide(mi, MI, "2024-01-01", *events, target="c1")) == seen("sealed", "2023-04-11")


def test_point_48_the_day_before_and_the_day_the_waiting_period_ends(mi: Pack) -> None:
    # a conviction on the last day of c1's waiting period restarts it; one on the day it ends does not
    inside = [*case(1, "2010-01-10", "misdemeanor"), *case(2, "2017-01-09", "misdemeanor")]
    assert status_date(decide(mi, MI, "2024-01-01", *inside, target="c1")) == seen("eligible_on", "2024-01-09")
    after = [*case(1, "2010-01-10", "misdemeanor"), *case(2, "2017-01-10", "misdemeanor")]
    assert status_date(decide(mi, MI, "2024-01-01", *after, target="c1")) == seen("sealed", "2023-04-11")


def test_point_48_a_restarted_period_is_restarted_again_by_a_conviction_inside_it(mi: Pack) -> None:
    # c2 (2015) restarts c1 to 2022-01-10; c3 (2021) falls inside that restarted period: 2028-01-10
    events = [
        *case(1, "2010-01-10", "misdemeanor"),
        *case(2, "2015-01-10", "misdemeanor"),
        *case(3, "2021-01-10", "misdemeanor"),
    ]
    assert status_date(decide(mi, MI, "2024-01-01", *events, target="c1")) == seen("eligible_on", "2028-01-10")


# --- exclusions and caps (INTERPRETATION 49, 50) --------------------------------------------------------------
@pytest.mark.parametrize("statute", ["MCL 750.81", "MCL 257.625"])  # assault and battery; OWI
def test_point_50_assaultive_and_owi_never_automatic(mi: Pack, statute: str) -> None:
    d = decide(mi, MI, "2030-01-01", *case(1, "2015-01-10", "misdemeanor", statute))
    assert (d.status.value, d.rules) == ("not_sealed", ("mi.excluded",))


def test_point_50_drug_possession_is_not_excluded(mi: Pack) -> None:
    o = offense("o1", "2015-01-10", "MCL 750.552", cls="misdemeanor", categories=["drug"])
    d = decide(mi, MI, "2030-01-01", o, conviction("c1", "2015-01-10", ["o1"], kind="fine"))
    assert status_date(d) == seen("sealed", "2023-04-11")


@pytest.mark.parametrize(
    ("count", "expected"),
    [(2, ("sealed", "mi.felony")), (3, ("not_sealed", "mi.felony.cap"))],
)
def test_point_49_more_than_two_felonies_none_set_aside(mi: Pack, count: int, expected: tuple[Any, ...]) -> None:
    events = [e for n in range(1, count + 1) for e in case(n, f"200{n}-01-10", "felony", CCW)]
    d = decide(mi, MI, "2024-01-01", *events, target="c1")
    assert (d.status.value, d.rules[-1]) == expected


# --- bad or missing facts -------------------------------------------------------------------------------------
def test_felony_with_unknown_maximum_asks_for_it(mi: Pack) -> None:
    d = decide(mi, MI, "2030-01-01", *case(1, "2015-01-10", "felony", LARCENY))
    assert (d.status.value, d.questions) == ("needs_review", ("mi.felony_maximum_unknown",))


def test_conviction_without_class_asks_for_it(mi: Pack) -> None:
    d = decide(mi, MI, "2030-01-01", *case(1, "2015-01-10", None))
    assert (d.status.value, d.questions) == ("needs_review", ("mi.class_unknown",))


def test_channel_on_a_pack_without_channels_is_a_format_error(mi: Pack) -> None:
    with pytest.raises(BundleFormatError) as err:
        decide(mi, MI, "2030-01-01", *case(1, "2015-01-10", "misdemeanor"), channel="dbs")
    assert err.value.field == "target.channel"


# --- property: set-aside never before sentencing, and never withdrawn by time alone ---------------------------
@settings(max_examples=60, deadline=None)
@given(
    cls=st.sampled_from(["misdemeanor", "felony"]),
    convicted=st.dates(dt.date(2000, 1, 1), dt.date(2024, 12, 31)),
    served=st.one_of(st.none(), st.integers(0, 3000)),
    gap=st.integers(0, 6000),
    later=st.integers(0, 6000),
)
def test_property_set_aside_monotone_and_not_before_sentencing(
    mi: Pack, *, cls: str, convicted: dt.date, served: int | None, gap: int, later: int
) -> None:
    statute = CCW if cls == "felony" else TRESPASS
    if served is None:
        events = case(1, convicted.isoformat(), cls, statute)
        start = convicted
    else:
        start = convicted + dt.timedelta(days=served)
        events = [*case(1, convicted.isoformat(), cls, statute, kind="fixed_term", months=12),
                  follow("s1", "sentence_completed", start.isoformat(), "c1")]  # fmt: skip
    first = start + dt.timedelta(days=gap)
    d1 = decide(mi, MI, first.isoformat(), *events)
    d2 = decide(mi, MI, (first + dt.timedelta(days=later)).isoformat(), *events)
    for d in (d1, d2):
        assert d.date is None or d.date > convicted
    if d1.status.value == "sealed":
        assert status_date(d2) == status_date(d1)
