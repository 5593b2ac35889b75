"""UK-EW pack: ROA 1974 rehabilitation periods (LASPO and 2023 tables) and DBS filtering.

Expected outcomes follow shared/law/rules.md §3 and INTERPRETATION 1–7, 30–36, not the code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from foreign_builders import conviction, decide, follow, offense, seen, status_date
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.errors import BundleFormatError
from sealkeeper.rules.pack import Pack

UK = "UK-EW"
THEFT = "Theft Act 1968 s.1"
GBH = "Offences against the Person Act 1861 s.18"


@pytest.fixture(scope="module")
def uk() -> Pack:
    return load_pack(UK)


def theft(eid: str = "o1", day: str = "2020-01-01", cls: str = "either_way") -> dict[str, Any]:
    return offense(eid, day, THEFT, "theft", cls=cls, categories=[])


def custody(
    months: int, convicted: str, completed: str, statute: str = THEFT, cats: list[str] | None = None
) -> list[dict[str, Any]]:
    return [
        offense("o1", "2010-01-01", statute, cls="indictable", categories=cats if cats is not None else []),
        conviction("c1", convicted, ["o1"], kind="custody", months=months),
        follow("s1", "sentence_completed", completed, "c1"),
    ]


# --- fine: 12 months from conviction, 6 months under 18 (s.5(2) table; INTERPRETATION 2) ----------------------
@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2025-03-14", seen("eligible_on", "2025-03-15")), ("2025-03-15", seen("sealed", "2025-03-15"))],
)
def test_fine_adult_twelve_months(uk: Pack, as_of: str, expected: tuple[Any, ...]) -> None:
    d = decide(uk, UK, as_of, theft(), conviction("c1", "2024-03-15", ["o1"], kind="fine", amount=200))
    assert status_date(d) == expected
    assert d.rules == ("uk.roa",)


@pytest.mark.parametrize(
    ("convicted", "expected"),
    [("2024-03-19", "2024-09-19"), ("2024-03-20", "2025-03-20")],  # the day before / on the 18th birthday
)
def test_point_31_age_band_is_age_at_conviction(uk: Pack, convicted: str, expected: str) -> None:
    d = decide(
        uk, UK, "2026-01-01", theft(day="2024-01-01"),
        conviction("c1", convicted, ["o1"], kind="fine", amount=50), birth="2006-03-20",
    )  # fmt: skip
    assert status_date(d) == seen("sealed", expected)


# --- custody bands of the 2023 table, from completion including licence (INTERPRETATION 30, 31) --------------
@pytest.mark.parametrize(
    ("months", "birth", "spent"),
    [
        (12, "1980-01-01", "2026-06-10"),  # <= 12 months: 1 year
        (13, "1980-01-01", "2029-06-10"),  # > 12 <= 48: 4 years
        (48, "1980-01-01", "2029-06-10"),
        (49, "1980-01-01", "2032-06-10"),  # > 48, not Sch. 18: 7 years
        (12, "2005-01-01", "2025-12-10"),  # youth: 6 months
        (48, "2005-01-01", "2027-06-10"),  # youth: 2 years
        (49, "2005-01-01", "2028-12-10"),  # youth: 3.5 years
    ],
)
def test_custody_bands_both_sides_of_the_boundary(uk: Pack, months: int, birth: str, spent: str) -> None:
    events = custody(months, "2021-06-10", "2025-06-10")
    before = (dt.date.fromisoformat(spent) - dt.timedelta(days=1)).isoformat()
    assert status_date(decide(uk, UK, before, *events, birth=birth)) == seen("eligible_on", spent)
    d = decide(uk, UK, spent, *events, birth=birth)
    assert status_date(d) == seen("sealed", spent)
    assert d.rules == ("uk.roa",)


def test_custody_over_48_months_for_a_schedule_18_offence_is_never_spent(uk: Pack) -> None:
    d = decide(uk, UK, "2040-01-01", *custody(49, "2021-06-10", "2025-06-10", GBH, ["serious_schedule", "violent"]))
    assert d.status.value == "not_sealed"
    assert d.rules == ("uk.roa",)


def test_custody_not_yet_completed_has_no_date(uk: Pack) -> None:
    events = custody(24, "2024-01-10", "2025-01-10")[:2]
    d = decide(uk, UK, "2025-06-01", *events)
    assert (d.status.value, d.rules[-1]) == ("not_sealed", "uk.roa.not_completed")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2025-07-31", seen("eligible_on", "2025-08-01")), ("2025-08-01", seen("sealed", "2025-08-01"))],
)
def test_point_32_community_order_spent_when_it_ends(uk: Pack, as_of: str, expected: tuple[Any, ...]) -> None:
    d = decide(uk, UK, as_of, theft(), conviction("c1", "2024-02-01", ["o1"], kind="community_order", months=18))
    assert status_date(d) == expected


# --- the change of law on 2023-10-28 (INTERPRETATION 1, 3, 30) ------------------------------------------------
@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2023-10-27", seen("eligible_on", "2025-11-10")),  # LASPO: > 6 <= 30 months, 4 years
        ("2023-10-28", seen("sealed", "2023-10-28")),  # 2023 table: 1 year, long passed -> from commencement
    ],
)
def test_point_30_custody_straddling_the_2023_table(uk: Pack, as_of: str, expected: tuple[Any, ...]) -> None:
    assert status_date(decide(uk, UK, as_of, *custody(10, "2021-01-10", "2021-11-10"))) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2023-10-27", ("not_sealed", None)), ("2023-10-28", seen("sealed", "2023-10-28"))],
)
def test_point_30_over_48_months_never_spent_under_laspo_spent_from_commencement(
    uk: Pack, as_of: str, expected: tuple[Any, ...]
) -> None:
    assert status_date(decide(uk, UK, as_of, *custody(60, "2011-01-10", "2016-01-10"))) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2023-10-27", seen("eligible_on", "2024-01-10")), ("2023-10-28", seen("sealed", "2023-10-28"))],
)
def test_point_30_community_order_loses_the_laspo_buffer(uk: Pack, as_of: str, expected: tuple[Any, ...]) -> None:
    d = decide(uk, UK, as_of, theft(), conviction("c1", "2022-01-10", ["o1"], kind="community_order", months=12))
    assert status_date(d) == expected


def test_point_30_spent_under_laspo_stays_spent_from_its_laspo_date(uk: Pack) -> None:
    # custody 4 months done 2019-01-01: LASPO 2 years -> 2021-01-01; the 2023 table would say 2020-01-01
    d = decide(uk, UK, "2024-01-01", *custody(4, "2018-09-01", "2019-01-01"))
    assert status_date(d) == seen("sealed", "2021-01-01")


# --- drag-through, s.6(4) and s.6(6)(a) (INTERPRETATION 33) ---------------------------------------------------
def first_fine() -> list[dict[str, Any]]:
    return [theft("o1", "2023-12-01"), conviction("c1", "2024-01-10", ["o1"], kind="fine", amount=100)]


def test_point_33_further_conviction_drags_the_earlier_one(uk: Pack) -> None:
    later = [
        theft("o2", "2024-05-01"),
        conviction("c2", "2024-06-01", ["o2"], kind="custody", months=6),
        follow("s2", "sentence_completed", "2024-12-01", "c2"),
    ]
    d = decide(uk, UK, "2025-06-01", *first_fine(), *later, target="c1")
    assert status_date(d) == seen("eligible_on", "2025-12-01")
    assert "uk.roa.drag_through" in d.rules


def test_point_33_excluded_later_sentence_keeps_the_earlier_unspent(uk: Pack) -> None:
    later = [
        offense("o2", "2024-05-01", GBH, cls="indictable", categories=["serious_schedule"]),
        conviction("c2", "2024-06-01", ["o2"], kind="custody", months=60),
        follow("s2", "sentence_completed", "2027-06-01", "c2"),
    ]
    d = decide(uk, UK, "2028-01-01", *first_fine(), *later, target="c1")
    assert d.status.value == "not_sealed"


def test_point_33_summary_only_later_conviction_does_not_drag(uk: Pack) -> None:
    later = [
        offense("o2", "2024-05-01", "Public Order Act 1986 s.5", cls="summary", categories=[]),
        conviction("c2", "2024-06-01", ["o2"], kind="fine", amount=100),
    ]
    d = decide(uk, UK, "2025-03-01", *first_fine(), *later, target="c1")
    assert status_date(d) == seen("sealed", "2025-01-10")
    assert "uk.roa.drag_through" not in d.rules


def test_point_33_caution_and_conviction_after_the_period_do_not_drag(uk: Pack) -> None:
    caution = {"id": "k1", "type": "caution", "date": "2024-06-01", "offense": {"name": "x", "statute": THEFT}}
    after = [theft("o3", "2025-01-20"), conviction("c3", "2025-02-01", ["o3"], kind="fine", amount=50)]
    d = decide(uk, UK, "2025-03-01", *first_fine(), caution, *after, target="c1")
    assert status_date(d) == seen("sealed", "2025-01-10")


# --- DBS filtering (INTERPRETATION 34, 35) --------------------------------------------------------------------
def dbs(uk: Pack, as_of: str, *events: dict[str, Any], birth: str = "1980-01-01", target: str = "c1") -> Any:
    return decide(uk, UK, as_of, *events, birth=birth, target=target, channel="dbs")


@pytest.mark.parametrize(
    ("birth", "as_of", "expected"),
    [
        ("1980-01-01", "2019-09-14", seen("eligible_on", "2019-09-15")),  # adult: 11 years
        ("1980-01-01", "2019-09-15", seen("sealed", "2019-09-15")),
        ("1994-01-01", "2014-03-14", seen("eligible_on", "2014-03-15")),  # under 18: 5.5 years
        ("1994-01-01", "2014-03-15", seen("sealed", "2014-03-15")),
    ],
)
def test_point_34_dbs_periods(uk: Pack, birth: str, as_of: str, expected: tuple[Any, ...]) -> None:
    d = dbs(uk, as_of, theft(day="2008-01-01"), conviction("c1", "2008-09-15", ["o1"], kind="fine"), birth=birth)
    assert status_date(d) == expected
    assert d.rules == ("uk.dbs",)


def test_point_34_custodial_sentence_never_filtered_even_suspended(uk: Pack) -> None:
    c = conviction("c1", "2008-09-15", ["o1"], kind="custody", months=6, suspended=True, probation_months=12)
    d = dbs(uk, "2030-01-01", theft(day="2008-01-01"), c)
    assert (d.status.value, d.rules[-1]) == ("not_sealed", "uk.dbs.custodial")


def test_point_35_specified_offence_never_filtered(uk: Pack) -> None:
    o = offense("o1", "2008-01-01", "Sexual Offences Act 2003 s.3", cls="either_way", categories=["dbs_specified"])
    d = dbs(uk, "2030-01-01", o, conviction("c1", "2008-09-15", ["o1"], kind="fine"))
    assert (d.status.value, d.rules[-1]) == ("not_sealed", "uk.dbs.specified")


def two_fines() -> list[dict[str, Any]]:
    return [
        theft("o1", "2004-12-01"),
        conviction("c1", "2005-01-10", ["o1"], kind="fine"),
        theft("o2", "2005-12-01"),
        conviction("c2", "2006-01-10", ["o2"], kind="fine"),
    ]


def test_point_34_multiple_conviction_rule_until_27_november_2020(uk: Pack) -> None:
    d = dbs(uk, "2020-11-27", *two_fines())
    assert (d.status.value, d.rules[-1]) == ("not_sealed", "uk.dbs.multiple")


def test_point_3_34_filtered_from_the_end_of_the_multiple_conviction_rule(uk: Pack) -> None:
    assert status_date(dbs(uk, "2020-11-28", *two_fines())) == seen("sealed", "2020-11-28")


def test_point_3_filtering_not_before_it_began(uk: Pack) -> None:
    d = dbs(
        uk,
        "2014-01-01",
        theft(day="1990-01-01"),
        conviction("c1", "1990-06-01", ["o1"], kind="fine"),
        birth="1960-01-01",
    )
    assert status_date(d) == seen("sealed", "2013-05-29")


def test_point_34_adult_caution_filtered_after_six_years(uk: Pack) -> None:
    k = {"id": "k1", "type": "caution", "date": "2015-04-01", "offense": {"name": "x", "statute": THEFT}}
    assert status_date(dbs(uk, "2021-03-31", k, target="k1")) == seen("eligible_on", "2021-04-01")


# --- bad or missing facts -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "as_of",
    [
        "2023-06-01",
        "2026-01-01",
    ],
)
def test_custody_without_a_term_asks_for_it(uk: Pack, as_of: str) -> None:
    events = custody(12, "2021-06-10", "2022-06-10")
    del events[1]["sentence"]["months"]
    d = decide(uk, UK, as_of, *events)
    assert (d.status.value, d.questions) == ("needs_review", ("uk.roa",))


def test_unknown_channel_is_a_format_error(uk: Pack) -> None:
    with pytest.raises(BundleFormatError) as err:
        decide(uk, UK, "2025-01-01", *first_fine(), target="c1", channel="fz")
    assert err.value.field == "target.channel"


# --- property: a spent conviction stays spent, from the same day; never before the conviction -----------------
@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["fine", "community_order", "custody"]),
    months=st.sampled_from([1, 6, 7, 12, 13, 30, 31, 48, 49, 60]),
    convicted=st.dates(dt.date(2012, 1, 1), dt.date(2024, 12, 31)),
    gap=st.integers(0, 3000),
    later=st.integers(0, 4000),
    youth=st.booleans(),
)
def test_property_moving_as_of_forward_never_unspends(
    uk: Pack, *, kind: str, months: int, convicted: dt.date, gap: int, later: int, youth: bool
) -> None:
    done = convicted + dt.timedelta(days=months * 30)
    events = [theft(day="2011-06-01"), conviction("c1", convicted.isoformat(), ["o1"], kind=kind, months=months)]
    if kind == "custody":
        events.append(follow("s1", "sentence_completed", done.isoformat(), "c1"))
    first = max(convicted, done) + dt.timedelta(days=gap)
    birth = "1996-01-01" if youth else "1970-01-01"
    d1 = decide(uk, UK, first.isoformat(), *events, birth=birth)
    d2 = decide(uk, UK, (first + dt.timedelta(days=later)).isoformat(), *events, birth=birth)
    for d in (d1, d2):
        assert d.date is None or d.date >= convicted
    if d1.status.value == "sealed":
        assert status_date(d2) == status_date(d1)
