"""The waiting periods read out of a deciding rule's date expression, on one record's facts."""

from __future__ import annotations

import ast
import datetime as dt

from cn_builders import bundle, conviction, offense
from foreign_builders import bundle as foreign_bundle
from foreign_builders import conviction as foreign_conviction
from foreign_builders import follow
from foreign_builders import offense as foreign_offense

from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.model.decision import Status
from sealkeeper.rules import expr
from sealkeeper.rules.engine import evaluate_person
from sealkeeper.rules.facts import FACTS
from sealkeeper.rules.pack import Rule, Text
from sealkeeper.rules.periods import Period, derived_expressions, record_env, waiting_periods

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


def test_a_period_the_de_pack_computes_in_a_derived_value_is_found_through_it() -> None:
    """§34(1) Nr. 3 BZRG: five years plus the 18-month term from the judgment (the DE rule's date is
    ``latest(fz_period_date, enforced)``; the period is inside the derived ``fz_period_date``)."""
    pack = load_pack("DE")
    person = foreign_bundle(
        "DE", "2026-07-01", foreign_offense("o1", "1999-01-01", "§ 242 StGB"),
        foreign_conviction("c1", "2015-03-10", ["o1"], kind="fixed_term", months=18),
        follow("c1s", "sentence_completed", "2016-09-10", "c1"),
    )  # fmt: skip
    decision = evaluate_person(pack, person, AS_OF)["c1"]
    rule_ = pack.rule(decision.rules[-1])
    env = record_env(pack, person, "c1", AS_OF)
    assert waiting_periods(rule_, env, pack.params_at(AS_OF)) == ()  # without following derived values: nothing
    found = waiting_periods(rule_, env, pack.params_at(AS_OF), derived_expressions(pack))
    assert Period(rule_.id, "record_date", dt.date(2015, 3, 10), ((5, "years"), (18, "months")),
                  dt.date(2021, 9, 10)) in found  # fmt: skip
    assert max(p.end for p in found) == decision.date  # the latest period ends on the day the engine decides


def test_a_derived_value_that_names_itself_is_not_followed_twice() -> None:
    looping = {"completion_date": ast.parse("latest(completion_date, add_years(record_date, 2))", mode="eval").body}
    found = waiting_periods(rule("latest(record_date, completion_date)"), ENV, {}, looping)
    assert [p.lengths for p in found] == [((2, "years"),)]
