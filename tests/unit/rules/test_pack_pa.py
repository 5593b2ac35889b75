"""US-PA pack: Clean Slate automatic limited access (18 Pa.C.S. §§9122.2, 9122.3).

Expected outcomes follow shared/law/rules.md §5 and INTERPRETATION 1–7, 41–46, not the code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from foreign_builders import both_sides, conviction, decide, ended, follow, offense, seen, status_date
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.errors import BundleFormatError
from sealkeeper.rules.pack import Pack

PA = "US-PA"
RETAIL_THEFT = "18 Pa.C.S. §3929"
SIMPLE_ASSAULT = "18 Pa.C.S. §2701"
PWID = "35 P.S. §780-113(a)(30)"


@pytest.fixture(scope="module")
def pa() -> Pack:
    return load_pack(PA)


def case(
    n: int, day: str, cls: str | None, statute: str = RETAIL_THEFT, paid: bool = True, **sentence: Any
) -> list[dict[str, Any]]:
    """Offence o{n}, conviction c{n} on ``day`` (probation by default), restitution paid the same day."""
    sentence = sentence or {"kind": "community_order", "months": 12}
    out = [offense(f"o{n}", day, statute, "offence", cls=cls), conviction(f"c{n}", day, [f"o{n}"], **sentence)]
    if paid:
        out.append(follow(f"r{n}", "restitution_paid", day, f"c{n}"))
    return out


# --- periods --------------------------------------------------------------------------------------------------
def test_point_42_seven_conviction_free_years_under_act_36(pa: Pack) -> None:
    assert both_sides(pa, "2025-03-01", *case(1, "2018-03-01", "M2")).rules == ("pa.misdemeanor",)


def test_point_42_ten_years_before_act_36(pa: Pack) -> None:
    both_sides(pa, "2022-03-01", *case(1, "2012-03-01", "M3"))


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2024-06-10", seen("eligible_on", "2026-01-10")), ("2024-06-11", seen("sealed", "2024-06-11"))],
)
def test_points_1_3_42_act_36_commencement(pa: Pack, as_of: str, expected: tuple[Any, ...]) -> None:
    assert status_date(decide(pa, PA, as_of, *case(1, "2016-01-10", "M2"))) == expected


def test_point_43_summary_ten_years_from_conviction(pa: Pack) -> None:
    assert both_sides(pa, "2024-09-01", *case(1, "2014-09-01", "summary")).rules == ("pa.summary",)


@pytest.mark.parametrize(
    ("as_of", "expected", "rule"),
    [
        ("2024-06-10", ("not_sealed", None), "pa.drug_felony.not_in_force"),
        ("2024-06-11", seen("sealed", "2024-06-11"), "pa.drug_felony"),
    ],
)
def test_point_44_drug_felony_from_act_36(pa: Pack, as_of: str, expected: tuple[Any, ...], rule: str) -> None:
    d = decide(pa, PA, as_of, *case(1, "2012-05-01", "felony", PWID))
    assert (status_date(d), d.rules[-1]) == (expected, rule)


def test_point_44_drug_felony_ten_conviction_free_years(pa: Pack) -> None:
    both_sides(pa, "2025-05-01", *case(1, "2015-05-01", "felony", PWID))


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2019-06-27", ("not_sealed", None)), ("2019-06-28", seen("sealed", "2019-06-28")), ("2025-01-01", None)],
)
def test_point_41_non_conviction(pa: Pack, as_of: str, expected: tuple[Any, ...] | None) -> None:
    o = offense("o1", "2015-01-01", RETAIL_THEFT, cls="M2")
    d = decide(pa, PA, as_of, o, ended("w1", "case_withdrawn", "2015-03-01", ["o1"]))
    assert status_date(d) == (expected or seen("sealed", "2019-06-28"))
    recent = decide(pa, PA, "2022-01-01", o, ended("w1", "dismissal", "2021-08-01", ["o1"]))
    assert (status_date(recent), recent.rules) == (seen("sealed", "2021-08-01"), ("pa.non_conviction",))


# --- the conviction-free clock (INTERPRETATION 42) ------------------------------------------------------------
def test_point_42_later_m2_conviction_restarts_the_clock(pa: Pack) -> None:
    events = [*case(1, "2015-01-10", "M3"), *case(2, "2020-01-10", "M2")]
    assert status_date(decide(pa, PA, "2025-01-10", *events, target="c1")) == seen("eligible_on", "2027-01-10")


def test_point_42_later_summary_conviction_does_not_restart_it(pa: Pack) -> None:
    events = [*case(1, "2015-01-10", "M3"), *case(2, "2020-01-10", "summary")]
    assert status_date(decide(pa, PA, "2025-01-10", *events, target="c1")) == seen("sealed", "2024-06-11")


# --- exclusions and person-level bars (INTERPRETATION 45, 46) -------------------------------------------------
def rule_of(pa: Pack, *events: dict[str, Any], target: str = "c1") -> tuple[str, str]:
    d = decide(pa, PA, "2025-01-01", *events, target=target)
    return d.status.value, d.rules[-1]


def test_point_46_article_b_offence_never_sealed_automatically(pa: Pack) -> None:
    assert rule_of(pa, *case(1, "2012-01-10", "M2", SIMPLE_ASSAULT)) == (
        "not_sealed",
        "pa.misdemeanor.excluded_offence",
    )


def test_point_46_felony_record_bars_misdemeanours(pa: Pack) -> None:
    events = [*case(1, "2012-01-10", "M2"), *case(2, "2008-01-10", "F3", "18 Pa.C.S. §3921")]
    assert rule_of(pa, *events) == ("not_sealed", "pa.misdemeanor.felony_record")


def test_point_44_46_qualifying_drug_felony_does_not_bar(pa: Pack) -> None:
    # ONE other conviction of unknown maximum cannot make two over 2 years or four of a year or more
    events = [*case(1, "2012-01-10", "M2"), *case(2, "2008-01-10", "felony", PWID)]
    assert rule_of(pa, *events) == ("sealed", "pa.misdemeanor")


def test_9122_3_a_2_unknown_maxima_give_review_only_when_they_could_reach_the_bar(pa: Pack) -> None:
    # two known M3 (a year) and one ungraded drug felony (maximum unknown): 1 + 3 >= 4 only if it is a year or more
    known = [e for n in (2, 3) for e in case(n, f"2009-0{n}-10", "M3")]
    events = [*case(1, "2012-01-10", "M2"), *known, *case(4, "2008-01-10", "felony", PWID)]
    d = decide(pa, PA, "2025-01-01", *events, target="c1")
    assert (d.status.value, d.rules[-1], d.questions) == (
        "needs_review",
        "pa.misdemeanor.serious_record",
        ("pa.misdemeanor.serious_record",),
    )
    # with only one known M3 beside it, the unknown one cannot reach four: decided
    fewer = [*case(1, "2012-01-10", "M2"), *case(2, "2009-02-10", "M3"), *case(4, "2008-01-10", "felony", PWID)]
    assert rule_of(pa, *fewer) == ("sealed", "pa.misdemeanor")


def test_42_a_later_conviction_of_unknown_maximum_might_restart_the_clock(pa: Pack) -> None:
    # the ungraded felony of 2016 (maximum unknown) would move the clock from 2012 to 2016 if it is
    # punishable by a year or more: review, with the question about that conviction
    events = [*case(1, "2012-01-10", "M2"), *case(2, "2016-01-10", "felony", PWID)]
    d = decide(pa, PA, "2025-01-01", *events, target="c1")
    assert (d.status.value, d.rules[-1]) == ("needs_review", "pa.misdemeanor.clock_unknown")
    # a known serious conviction still counts when another one is unknown (it used to be ignored)
    # (the 2014 M2 is punishable by two years: 10 years from it, before the 7 years from it and 11 Jun 2024)
    events = [*case(1, "2012-01-10", "M2"), *case(2, "2008-01-10", "felony", PWID), *case(3, "2014-01-10", "M2")]
    assert status_date(decide(pa, PA, "2025-01-01", *events, target="c1")) == seen("sealed", "2024-01-10")


@pytest.mark.parametrize(("count", "expected"), [(3, ("sealed", "pa.misdemeanor")),
                                                 (4, ("not_sealed", "pa.misdemeanor.serious_record"))])  # fmt: skip
def test_9122_3_a_2_four_convictions_punishable_by_a_year(pa: Pack, count: int, expected: tuple[Any, ...]) -> None:
    events = [e for n in range(1, count + 1) for e in case(n, f"2010-0{n}-10", "M3")]
    assert rule_of(pa, *events) == expected


def test_m1_and_felonies_are_not_automatic(pa: Pack) -> None:
    assert rule_of(pa, *case(1, "2010-01-10", "M1")) == ("not_sealed", "pa.felony")


def test_point_45_restitution_outstanding(pa: Pack) -> None:
    assert rule_of(pa, *case(1, "2010-01-10", "M2", paid=False)) == ("not_sealed", "pa.misdemeanor.restitution_unpaid")


def test_point_45_sealed_no_earlier_than_restitution_is_paid(pa: Pack) -> None:
    events = [*case(1, "2010-01-10", "M2", paid=False), follow("r1", "restitution_paid", "2023-03-01", "c1")]
    assert status_date(decide(pa, PA, "2023-06-01", *events)) == seen("sealed", "2023-03-01")


# --- bad or missing facts -------------------------------------------------------------------------------------
def test_conviction_without_grade_asks_for_it(pa: Pack) -> None:
    d = decide(pa, PA, "2025-01-01", *case(1, "2010-01-10", None))
    assert (d.status.value, d.questions) == ("needs_review", ("pa.grade_unknown",))


def test_ungraded_misdemeanour_without_maximum_asks_for_it(pa: Pack) -> None:
    d = decide(pa, PA, "2025-01-01", *case(1, "2010-01-10", "misdemeanor"))
    assert (d.status.value, d.questions) == ("needs_review", ("pa.misdemeanor",))


def test_channel_on_a_pack_without_channels_is_a_format_error(pa: Pack) -> None:
    with pytest.raises(BundleFormatError) as err:
        decide(pa, PA, "2025-01-01", *case(1, "2010-01-10", "M2"), channel="register")
    assert err.value.field == "target.channel"


# --- property: limited access never precedes the conviction and is never withdrawn by time alone --------------
@settings(max_examples=60, deadline=None)
@given(
    cls=st.sampled_from(["M2", "M3", "summary"]),
    convicted=st.dates(dt.date(2000, 1, 1), dt.date(2024, 12, 31)),
    gap=st.integers(0, 6000),
    later=st.integers(0, 6000),
)
def test_property_sealed_stays_sealed_and_not_before_conviction(
    pa: Pack, *, cls: str, convicted: dt.date, gap: int, later: int
) -> None:
    events = case(1, convicted.isoformat(), cls)
    first = convicted + dt.timedelta(days=gap)
    d1 = decide(pa, PA, first.isoformat(), *events)
    d2 = decide(pa, PA, (first + dt.timedelta(days=later)).isoformat(), *events)
    for d in (d1, d2):
        assert d.date is None or d.date >= convicted
    if d1.status.value == "sealed":
        assert status_date(d2) == status_date(d1)
