"""DE pack: Führungszeugnis (§§32–38 BZRG) and Tilgung (§§45–47 BZRG).

Expected outcomes follow shared/law/rules.md §2, the BZRG text in articles.yaml and INTERPRETATION 1–7,
21–29, not the code.
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

DE = "DE"
THEFT = "§ 242 StGB"
RAPE = "§ 177 StGB"


@pytest.fixture(scope="module")
def de() -> Pack:
    return load_pack(DE)


def theft(eid: str = "o1", day: str = "1999-01-01", statute: str = THEFT) -> dict[str, Any]:
    return offense(eid, day, statute, "Diebstahl")


def fine(eid: str, day: str, rates: int | None, oid: str = "o1") -> dict[str, Any]:
    extra = {} if rates is None else {"daily_rates": rates}
    return conviction(eid, day, [oid], kind="fine", **extra)


def prison(
    eid: str, day: str, months: int, done: str | None = None, oid: str = "o1", **kw: Any
) -> list[dict[str, Any]]:
    out = [conviction(eid, day, [oid], kind="fixed_term", months=months, **kw)]
    if done:
        out.append(follow(f"{eid}s", "sentence_completed", done, eid))
    return out


# --- Führungszeugnis: §34(1) periods from the first judgment (§36) --------------------------------------------
def test_34_1_nr_1a_every_fine_three_years(de: Pack) -> None:
    d = both_sides(de, "2023-03-10", theft(), fine("c1", "2020-03-10", 120))  # INTERPRETATION 28
    assert d.rules == ("de.fz.period",)


def test_34_1_nr_3_five_years_plus_the_term(de: Pack) -> None:
    both_sides(de, "2021-09-10", theft(), *prison("c1", "2015-03-10", 18, "2016-09-10"))  # INTERPRETATION 24


def test_34_1_nr_1b_suspended_up_to_a_year_three_years(de: Pack) -> None:
    events = prison("c1", "2020-03-10", 6, suspended=True, probation_months=24)
    both_sides(de, "2023-03-10", theft(), *events, follow("p1", "probation_completed", "2022-03-10", "c1"))


def test_point_25_revoked_suspension_falls_to_nr_3(de: Pack) -> None:
    events = prison("c1", "2020-03-10", 6, "2021-07-10", suspended=True, probation_months=24)
    both_sides(de, "2025-09-10", theft(), *events, follow("r1", "probation_revoked", "2021-01-10", "c1"))


def test_34_1_nr_2_sexual_offence_ten_years_plus_the_term(de: Pack) -> None:
    both_sides(de, "2022-03-10", theft(statute=RAPE), *prison("c1", "2010-03-10", 24, "2012-03-10"))


def test_32_2_nr_5_small_fine_never_in_the_certificate(de: Pack) -> None:
    d = decide(de, DE, "2020-04-01", theft(), fine("c1", "2020-03-10", 90))
    assert (status_date(d), d.rules) == (seen("sealed", "2020-03-10"), ("de.fz.never_included",))


def test_point_22_small_fine_with_an_older_entry_still_in_the_register(de: Pack) -> None:
    # e1 (100 TS) left the FZ on 2022-01-10 but stays in the register until 2029 (§46(1) Nr. 2a)
    events = [theft(), fine("c1", "2019-01-10", 100), theft("o2", "2022-06-01"), fine("c2", "2023-01-10", 30, "o2")]
    d = decide(de, DE, "2024-01-01", *events, target="c2")
    assert (status_date(d), d.rules) == (seen("eligible_on", "2026-01-10"), ("de.fz.period",))


# --- §38: several convictions ---------------------------------------------------------------------------------
def a_prison_term() -> list[dict[str, Any]]:
    return [theft(), *prison("c1", "2015-01-10", 6, "2015-07-10")]  # own FZ end: 2020-07-10


def test_38_1_a_later_conviction_keeps_the_earlier_in_the_certificate(de: Pack) -> None:
    events = [*a_prison_term(), theft("o2", "2018-12-01"), fine("c2", "2019-01-10", 120, "o2")]
    d = decide(de, DE, "2021-01-01", *events, target="c1")
    assert status_date(d) == seen("eligible_on", "2022-01-10")
    assert "de.fz.several" in d.rules


def test_point_23_small_fine_neither_pulls_nor_is_pulled(de: Pack) -> None:
    events = [*a_prison_term(), theft("o2", "2018-12-01"), fine("c2", "2019-01-10", 60, "o2")]
    assert status_date(decide(de, DE, "2021-01-01", *events, target="c1")) == seen("sealed", "2020-07-10")
    assert status_date(decide(de, DE, "2021-01-01", *events, target="c2")) == seen("eligible_on", "2022-01-10")


@pytest.mark.xfail(
    strict=True,
    reason="§38(1) BZRG: 'so sind sie alle in das Führungszeugnis aufzunehmen, solange eine von ihnen aufzunehmen "
    "ist' - a registered conviction whose §34 period ran out re-enters with a new one; de.fz.several is an "
    "'overlap' combination and only joins periods that overlap (legal doubt: not in INTERPRETATION)",
)
def test_38_1_literal_reading_brings_back_an_entry_still_in_the_register(de: Pack) -> None:
    events = [*a_prison_term(), theft("o2", "2020-12-01"), fine("c2", "2021-01-10", 120, "o2")]
    assert status_date(decide(de, DE, "2022-01-01", *events, target="c1")) == seen("eligible_on", "2024-01-10")


# --- Tilgung: §46(1) 5 / 10 / 15 / 20 years, §46(3) extension, §47(3) blocking --------------------------------
def reg(de: Pack, end: str, *events: dict[str, Any], target: str = "c1") -> Any:
    return both_sides(de, end, *events, target=target, channel="register")


def test_46_1_nr_1a_small_fine_five_years(de: Pack) -> None:
    assert reg(de, "2020-04-20", theft(), fine("c1", "2015-04-20", 90)).rules == ("de.register",)


def test_46_1_nr_2a_larger_fine_ten_years(de: Pack) -> None:
    reg(de, "2025-04-20", theft(), fine("c1", "2015-04-20", 91))


def test_46_1_nr_4_and_46_3_fifteen_years_plus_the_term(de: Pack) -> None:
    reg(de, "2022-04-20", theft(), *prison("c1", "2005-04-20", 24, "2007-04-20"))


def test_46_1_nr_3_sexual_offence_twenty_years_plus_the_term(de: Pack) -> None:
    reg(de, "2023-04-20", theft(statute=RAPE), *prison("c1", "2000-04-20", 36, "2003-04-20"))


def test_46_3_no_extension_for_nr_1b(de: Pack) -> None:
    reg(de, "2020-03-15", theft(), *prison("c1", "2015-03-15", 3, "2015-06-15"))


def test_46_3_extension_for_a_suspended_term_that_falls_to_nr_4(de: Pack) -> None:
    events = [
        theft(),
        *prison("c1", "2010-01-10", 4, "2010-05-10"),  # Nr. 4: 15 years + 4 months -> 2025-05-10
        theft("o2", "2011-06-01"),
        *prison("c2", "2012-01-10", 6, oid="o2", suspended=True, probation_months=24),
        follow("p2", "probation_completed", "2014-01-10", "c2"),
    ]
    reg(de, "2027-07-10", *events, target="c2")


def test_47_3_later_prison_term_blocks_the_small_fine(de: Pack) -> None:
    events = [
        theft(),
        fine("c1", "2015-04-20", 60),
        theft("o2", "2017-06-01"),
        *prison("c2", "2018-01-10", 6, "2018-07-10", "o2"),
    ]
    d = decide(de, DE, "2024-01-01", *events, target="c1", channel="register")
    assert status_date(d) == seen("eligible_on", "2033-07-10")  # c2: 15 years + 6 months; INTERPRETATION 26
    assert "de.register.blocking" in d.rules


@pytest.mark.parametrize(("channel", "rule"), [("fz", "de.fz.period.never"), ("register", "de.register.never")])
def test_33_2_45_3_life_sentence_never_leaves(de: Pack, channel: str, rule: str) -> None:
    d = decide(de, DE, "2060-01-01", theft(), conviction("c1", "2000-01-10", ["o1"], kind="life"), channel=channel)
    assert (d.status.value, d.rules[-1]) == ("not_sealed", rule)


def test_fz_extended_listed_fine_stays_ten_years(de: Pack) -> None:
    events = [theft(statute="§ 184b StGB"), fine("c1", "2015-04-20", 60)]
    both_sides(de, "2025-04-20", *events, channel="fz_extended")


# --- bad or missing facts -------------------------------------------------------------------------------------
def test_fine_without_daily_rates_asks_for_them(de: Pack) -> None:
    d = decide(de, DE, "2024-01-01", theft(), fine("c1", "2020-03-10", None))
    assert (d.status.value, d.questions) == ("needs_review", ("de.fz.never_included",))


def prison_without_term() -> list[dict[str, Any]]:
    return [
        theft(),
        conviction("c1", "2020-03-10", ["o1"], kind="fixed_term"),
        follow("s1", "sentence_completed", "2021-03-10", "c1"),
    ]


def test_prison_without_a_term_needs_review_for_the_certificate(de: Pack) -> None:
    assert decide(de, DE, "2030-01-01", *prison_without_term()).status.value == "needs_review"


def test_prison_without_a_term_needs_review_for_the_register(de: Pack) -> None:
    d = decide(de, DE, "2030-01-01", *prison_without_term(), channel="register")
    assert (d.status.value, d.questions) == ("needs_review", ("de.register",))


def test_unknown_channel_is_a_format_error(de: Pack) -> None:
    with pytest.raises(BundleFormatError) as err:
        decide(de, DE, "2024-01-01", theft(), fine("c1", "2020-03-10", 90), channel="roa")
    assert err.value.field == "target.channel"


# --- property: the decision is never dated before the first judgment; once out, it stays out ------------------
@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["fine", "fixed_term", "custody"]),
    size=st.sampled_from([1, 3, 4, 12, 13, 24, 25, 60, 90, 91, 180]),
    judged=st.dates(dt.date(2000, 1, 1), dt.date(2024, 12, 31)),
    channel=st.sampled_from(["fz", "register"]),
    gap=st.integers(0, 9000),
    later=st.integers(0, 6000),
)
def test_property_never_before_the_judgment_and_stays_out(
    de: Pack, *, kind: str, size: int, judged: dt.date, channel: str, gap: int, later: int
) -> None:
    c = (
        fine("c1", judged.isoformat(), size)
        if kind == "fine"
        else conviction("c1", judged.isoformat(), ["o1"], kind=kind, months=size)
    )
    events = [theft(), c]
    done = judged + dt.timedelta(days=31 * (0 if kind == "fine" else size))
    if kind != "fine":
        events.append(follow("s1", "sentence_completed", done.isoformat(), "c1"))
    first = done + dt.timedelta(days=gap)
    d1 = decide(de, DE, first.isoformat(), *events, channel=channel)
    d2 = decide(de, DE, (first + dt.timedelta(days=later)).isoformat(), *events, channel=channel)
    for d in (d1, d2):
        assert d.date is None or d.date >= judged
    if d1.status.value == "sealed":
        assert status_date(d2) == status_date(d1)
