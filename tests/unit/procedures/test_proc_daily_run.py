"""The daily run: incremental (changed facts, matured dates), idempotent and resumable."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from proc_helpers import SYSTEM, T0, at, decision, record

from sealkeeper.model.decision import Decision, Status
from sealkeeper.procedures.base import transition
from sealkeeper.procedures.daily_run import RunPlan, apply_plan, daily_run
from sealkeeper.procedures.sealing import Close, RecordCase, SealingState

D = dt.date.fromisoformat


def run_once(records: dict[str, RecordCase], decisions: dict[str, Decision]) -> dict[str, RecordCase]:
    return apply_plan(records, daily_run(records.values(), D("2026-03-02"), decisions), SYSTEM, T0).cases


def test_first_run_seals_schedules_and_asks() -> None:
    records = {"S-1": record("S-1")}
    plan = daily_run(records.values(), D("2026-03-02"), {"R-1": decision(Status.SEALED, "2026-01-01")})
    assert plan.to_seal == ("S-1",)
    result = apply_plan(records, plan, SYSTEM, T0)
    assert result.cases["S-1"].state is SealingState.SEALED
    assert (result.applied, result.skipped) == (1, 0)
    assert "1 applied" in result.progress


def test_a_scheduled_record_is_sealed_by_the_run_on_its_day_not_before() -> None:
    records = {"S-1": record("S-1")}
    scheduled = run_once(records, {"R-1": decision(Status.ELIGIBLE_ON, "2026-03-10")})
    assert daily_run(scheduled.values(), D("2026-03-09"), last_run=D("2026-03-08")).items == ()
    plan = daily_run(scheduled.values(), D("2026-03-10"), last_run=D("2026-03-09"))
    assert plan.to_seal == ("S-1",)
    assert plan.items[0].why == "date_matured"
    late = daily_run(scheduled.values(), D("2026-03-20"), last_run=D("2026-03-15"))
    assert late.items[0].why == "catch_up"


def test_unchanged_facts_are_not_looked_at_again() -> None:
    records = {"S-1": record("S-1")}
    d = decision(Status.NOT_SEALED)
    done = apply_plan(records, daily_run(records.values(), D("2026-03-02"), {"R-1": d}), SYSTEM, T0).cases
    assert daily_run(done.values(), D("2026-03-03"), {"R-1": d}).items == ()
    changed = daily_run(done.values(), D("2026-03-03"), {"R-1": decision(Status.SEALED, "2026-03-03", "h2")})
    assert [i.why for i in changed.items] == ["facts_changed"]


def test_a_new_decision_already_due_is_scheduled_and_sealed_in_one_run() -> None:
    records = {"S-1": record("S-1")}
    plan = daily_run(records.values(), D("2026-03-02"), {"R-1": decision(Status.ELIGIBLE_ON, "2026-03-01")})
    assert [type(i.command).__name__ for i in plan.items] == ["ApplyDecision", "SealDue"]
    assert plan.to_seal == ("S-1",)
    result = apply_plan(records, plan, SYSTEM, T0)
    assert result.cases["S-1"].state is SealingState.SEALED


def test_unsealing_and_review_are_reported() -> None:
    records = {"S-1": record("S-1")}
    sealed = run_once(records, {"R-1": decision(Status.SEALED, "2026-01-01")})
    plan = daily_run(sealed.values(), D("2026-03-03"), {"R-1": decision(Status.UNSEALED, "2026-03-03", "h2")})
    assert plan.to_unseal == ("S-1",)
    ask = daily_run(sealed.values(), D("2026-03-03"), {"R-1": decision(Status.NEEDS_REVIEW, None, "h3")})
    assert ask.to_review == ("S-1",)
    assert ask.to_seal == ask.to_unseal == ()


def test_closed_records_are_left_alone() -> None:
    closed, _ = transition(record("S-1"), Close("DE-1"), SYSTEM, T0)
    assert daily_run([closed], D("2026-03-02"), {"R-1": decision(Status.SEALED, "2026-01-01")}).items == ()


def test_a_crash_half_way_resumes_without_doing_anything_twice() -> None:
    records = {"S-1": record("S-1")}
    plan = daily_run(records.values(), D("2026-03-02"), {"R-1": decision(Status.ELIGIBLE_ON, "2026-03-01")})
    half = apply_plan(records, RunPlan(plan.today, plan.last_run, plan.items[:1]), SYSTEM, T0)
    resumed = apply_plan(half.cases, plan, SYSTEM, T0)
    assert (resumed.applied, resumed.skipped) == (1, 1)
    assert resumed.cases == apply_plan(records, plan, SYSTEM, T0).cases


STATUS_DAYS = st.sampled_from(
    [(Status.SEALED, "2026-01-01"), (Status.ELIGIBLE_ON, "2026-03-05"), (Status.ELIGIBLE_ON, "2026-04-01"),
     (Status.NOT_SEALED, None), (Status.NEEDS_REVIEW, None), (Status.UNSEALED, "2026-03-01")]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.lists(st.tuples(STATUS_DAYS, st.integers(0, 3)), max_size=5)),
             min_size=1, max_size=6),
)  # fmt: skip
def test_applying_a_plan_twice_changes_nothing_and_a_replan_is_empty(spec: list[tuple[int, list[Any]]]) -> None:
    records: dict[str, RecordCase] = {}
    decisions: dict[str, Decision] = {}
    for n, (_, history) in enumerate(spec):
        rid = f"R-{n}"
        records[f"S-{n}"] = replace(record(f"S-{n}"), record_id=rid)
        if history:
            (status, day), h = history[-1]
            decisions[rid] = decision(status, day, f"h{h}", record=rid)
    today = D("2026-03-02") + dt.timedelta(days=spec[0][0])
    plan = daily_run(records.values(), today, decisions)
    once = apply_plan(records, plan, SYSTEM, at(today))
    twice = apply_plan(once.cases, plan, SYSTEM, at(today))
    assert twice.cases == once.cases
    assert twice.events == ()
    assert once.applied == len(plan.items)
    assert daily_run(once.cases.values(), today, decisions, last_run=today).items == ()
    for case_id in plan.to_seal:
        assert once.cases[case_id].is_sealed
    for case_id in plan.to_unseal:
        assert not once.cases[case_id].is_sealed
    for case in once.cases.values():
        assert case.state is not SealingState.SCHEDULED or (case.eligible_on and case.eligible_on > today)
