"""The waiting periods read out of a deciding rule's date expression, on one record's facts."""

from __future__ import annotations

import datetime as dt

from cn_builders import bundle, conviction, offense

from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.model.decision import Status
from sealkeeper.rules import expr
from sealkeeper.rules.engine import evaluate_person
from sealkeeper.rules.facts import FACTS
from sealkeeper.rules.pack import Rule, Text
from sealkeeper.rules.periods import Period, record_env, waiting_periods

AS_OF = dt.date(2026, 7, 1)


def rule(date: str, params: frozenset[str] = frozenset({"n"})) -> Rule:
    return Rule("t.rule", frozenset({"conviction"}), expr.parse("True", frozenset(FACTS), params), Status.SEALED,
                expr.parse(date, frozenset(FACTS), params), Text("", ""), (), None)  # fmt: skip


ENV: dict[str, object] = {"record_date": dt.date(2020, 5, 1), "completion_date": None, "term_months": 14}


def test_the_cn_adult_profile_waits_three_years_from_the_judgment() -> None:
    pack = load_pack("CN").with_profile("adult_p1_waiting3")
    person = bundle("1990-01-01", "2026-07-01", offense("e1", "2020-01-10"),
                    conviction("e2", "2020-05-01", ["e1"], kind="criminal_detention", months=3))  # fmt: skip
    decision = evaluate_person(pack, person, AS_OF)["e2"]
    found = waiting_periods(pack.rule(decision.rules[-1]), record_env(pack, person, "e2", AS_OF), pack.params_at(AS_OF))
    assert found == (Period(decision.rules[-1], "record_date", dt.date(2020, 5, 1), ((36, "months"),),
                            dt.date(2023, 5, 1)),)  # fmt: skip
    assert found[0].end == decision.date  # the period's end is the day the engine seals


def test_nested_shifts_are_one_period_and_zero_lengths_drop_out() -> None:
    found = waiting_periods(rule("add_months(add_years(record_date, 5), term_months)"), ENV, {})
    assert found == (Period("t.rule", "record_date", dt.date(2020, 5, 1), ((5, "years"), (14, "months")),
                            dt.date(2026, 7, 1)),)  # fmt: skip
    assert waiting_periods(rule("add_months(record_date, 0)"), ENV, {}) == ()


def test_only_the_branch_taken_counts_and_an_unknown_start_is_left_out() -> None:
    chosen = rule("choose(term_months > 12, add_years(record_date, param.n), add_days(record_date, 30))")
    assert [p.lengths for p in waiting_periods(chosen, ENV, {"n": 3})] == [((3, "years"),)]
    assert [p.lengths for p in waiting_periods(chosen, {**ENV, "term_months": 6}, {"n": 3})] == [((30, "days"),)]
    assert waiting_periods(chosen, {**ENV, "term_months": None}, {"n": 3}) == ()  # the condition is unknown
    assert waiting_periods(rule("max(add_years(completion_date, 5), record_date)"), ENV, {}) == ()


def test_a_rule_without_a_date_has_no_period() -> None:
    pack = load_pack("CN")
    assert waiting_periods(pack.rule("cn.adult"), ENV, pack.params_at(AS_OF)) == ()
