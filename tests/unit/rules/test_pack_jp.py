"""JP pack: extinction of a sentence (刑法 Art. 34-2) and lapse of a suspension (Art. 27).

Expected outcomes follow shared/law/rules.md §4 and INTERPRETATION 1–7, 37–40, not the code.
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

JP = "JP"


@pytest.fixture(scope="module")
def jp() -> Pack:
    return load_pack(JP)


def theft(eid: str = "o1", day: str = "2005-01-01") -> dict[str, Any]:
    return offense(eid, day, "刑法第235条", "窃盗罪")


def prison(eid: str, day: str, months: int, done: str | None, oid: str = "o1", **kw: Any) -> list[dict[str, Any]]:
    out = [conviction(eid, day, [oid], kind="fixed_term", months=months, **kw)]
    if done:
        out.append(follow(f"{eid}s", "sentence_completed", done, eid))
    return out


def fined(eid: str, day: str, paid: str | None, oid: str = "o1") -> list[dict[str, Any]]:
    out = [conviction(eid, day, [oid], kind="fine", amount=300000)]
    if paid:
        out.append(follow(f"{eid}p", "fine_paid", paid, eid))
    return out


# --- the periods ----------------------------------------------------------------------------------------------
def test_point_37_custodial_ten_years_from_the_day_after_release(jp: Pack) -> None:
    d = both_sides(jp, "2023-05-02", theft(), *prison("c1", "2010-05-01", 36, "2013-05-01"))
    assert d.rules == ("jp.extinction",)


def test_point_38_fine_five_years_from_the_payment_date(jp: Pack) -> None:
    assert both_sides(jp, "2023-07-20", theft(), *fined("c1", "2018-07-01", "2018-07-20")).rules == ("jp.extinction",)


def test_point_40_suspension_lapses_on_the_anniversary(jp: Pack) -> None:
    c = conviction("c1", "2020-04-01", ["o1"], kind="fixed_term", months=24, suspended=True, probation_months=36)
    assert both_sides(jp, "2023-04-01", theft(), c).rules == ("jp.suspension_lapsed",)


def test_exemption_two_years_from_finality(jp: Pack) -> None:
    both_sides(jp, "2024-09-01", theft(), conviction("c1", "2022-09-01", ["o1"], kind="exempt"))


def test_revoked_suspension_runs_ten_years_from_release(jp: Pack) -> None:
    events = [
        *prison("c1", "2012-03-01", 24, "2015-06-30", suspended=True, probation_months=48),
        follow("r1", "probation_revoked", "2013-07-01", "c1"),
    ]
    both_sides(jp, "2025-07-01", theft(), *events)


@pytest.mark.parametrize(
    ("events", "rule"),
    [
        (prison("c1", "2020-01-10", 24, None), "jp.extinction.unserved"),
        (fined("c1", "2020-01-10", None), "jp.extinction.unserved"),
    ],
)
def test_unserved_or_unpaid_sentence_has_no_date(jp: Pack, events: list[dict[str, Any]], rule: str) -> None:
    d = decide(jp, JP, "2024-01-01", theft(), *events)
    assert (d.status.value, d.rules[-1]) == ("not_sealed", rule)


def test_life_sentence_is_never_extinguished(jp: Pack) -> None:
    d = decide(jp, JP, "2060-01-01", theft(day="1999-01-01"), conviction("c1", "2000-01-10", ["o1"], kind="life"))
    assert (d.status.value, d.rules) == ("not_sealed", ("jp.life",))


def test_served_kouryuu_is_extinguished_after_five_years(jp: Pack) -> None:
    c = conviction("c1", "2020-01-10", ["o1"], kind="criminal_detention", days=20)
    d = decide(jp, JP, "2030-01-01", theft(), c, follow("s1", "sentence_completed", "2020-01-30", "c1"))
    assert d.status.value == "sealed"


# --- interruption by a later sentence of 罰金 or more (INTERPRETATION 39) -------------------------------------
def custodial_first() -> list[dict[str, Any]]:
    return [theft(), *prison("c1", "2010-05-01", 24, "2012-05-01")]  # alone: extinguished 2022-05-02


def test_point_39_later_fine_restarts_the_earlier_custodial_period(jp: Pack) -> None:
    events = [*custodial_first(), theft("o2", "2015-01-10"), *fined("c2", "2015-03-01", "2015-03-20", "o2")]
    d = decide(jp, JP, "2024-01-01", *events, target="c1")
    assert status_date(d) == seen("eligible_on", "2025-03-20")  # ten years (c1's own length) from payment
    assert "jp.interruption" in d.rules


def test_point_39_later_sentence_without_completion_date_gives_no_date(jp: Pack) -> None:
    events = [*custodial_first(), theft("o2", "2015-01-10"), *fined("c2", "2015-03-01", None, "o2")]
    assert decide(jp, JP, "2024-01-01", *events, target="c1").status.value == "not_sealed"


def test_point_39_fine_keeps_its_own_five_years_after_a_later_prison_term(jp: Pack) -> None:
    events = [theft(), *fined("c1", "2016-01-10", "2016-02-01"), theft("o2", "2018-01-01"),
              *prison("c2", "2018-06-01", 12, "2019-06-01", "o2")]  # fmt: skip
    d = decide(jp, JP, "2023-01-01", *events, target="c1")
    assert status_date(d) == seen("eligible_on", "2024-06-02")  # 5 years from c2's period start


def test_exemption_and_convictions_after_the_period_do_not_interrupt(jp: Pack) -> None:
    events = [
        *custodial_first(),
        theft("o2", "2015-01-10"),
        conviction("c2", "2015-03-01", ["o2"], kind="exempt"),  # 刑の免除 is not 罰金以上
        theft("o3", "2022-06-01"),
        *fined("c3", "2022-09-01", "2022-09-05", "o3"),  # after 2022-05-02
    ]
    assert status_date(decide(jp, JP, "2023-01-01", *events, target="c1")) == seen("sealed", "2022-05-02")


def test_point_39_later_suspended_prison_sentence_interrupts(jp: Pack) -> None:
    events = [
        theft(),
        *fined("c1", "2019-12-01", "2020-01-10"),  # alone: extinguished 2025-01-10
        theft("o2", "2021-06-01"),
        conviction("c2", "2022-01-10", ["o2"], kind="fixed_term", months=12, suspended=True, probation_months=36),
    ]
    d = decide(jp, JP, "2024-06-01", *events, target="c1")
    assert "jp.interruption" in d.rules
    assert status_date(d) != seen("eligible_on", "2025-01-10")


# --- bad or missing facts -------------------------------------------------------------------------------------
def test_suspension_without_its_period_asks_for_it(jp: Pack) -> None:
    c = conviction("c1", "2020-04-01", ["o1"], kind="fixed_term", months=24, suspended=True)
    d = decide(jp, JP, "2024-01-01", theft(), c)
    assert (d.status.value, d.questions) == ("needs_review", ("jp.suspension_lapsed",))


def test_channel_on_a_pack_without_channels_is_a_format_error(jp: Pack) -> None:
    with pytest.raises(BundleFormatError) as err:
        decide(jp, JP, "2024-01-01", theft(), *fined("c1", "2020-01-10", "2020-01-20"), channel="fz")
    assert err.value.field == "target.channel"


# --- property: extinction is never before the judgment, and once reached it stays -----------------------------
@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["fine", "fixed_term", "suspended", "exempt"]),
    judged=st.dates(dt.date(2000, 1, 1), dt.date(2024, 12, 31)),
    served=st.integers(0, 2000),
    gap=st.integers(0, 6000),
    later=st.integers(0, 6000),
)
def test_property_extinction_not_before_judgment_and_monotone(
    jp: Pack, *, kind: str, judged: dt.date, served: int, gap: int, later: int
) -> None:
    done = judged + dt.timedelta(days=served)
    c_day = judged.isoformat()
    if kind == "fine":
        events = fined("c1", c_day, done.isoformat())
    elif kind == "fixed_term":
        events = prison("c1", c_day, 24, done.isoformat())
    elif kind == "suspended":
        events = [conviction("c1", c_day, ["o1"], kind="fixed_term", months=12, suspended=True, probation_months=36)]
    else:
        events = [conviction("c1", c_day, ["o1"], kind="exempt")]
    first = done + dt.timedelta(days=gap)
    d1 = decide(jp, JP, first.isoformat(), theft(day="1999-01-01"), *events)
    d2 = decide(jp, JP, (first + dt.timedelta(days=later)).isoformat(), theft(day="1999-01-01"), *events)
    for d in (d1, d2):
        assert d.date is None or d.date > judged
    if d1.status.value == "sealed":
        assert status_date(d2) == status_date(d1)
