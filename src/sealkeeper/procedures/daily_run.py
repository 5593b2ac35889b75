"""The daily run of automatic sealing, as a pure plan and its idempotent application.

``daily_run`` looks only at records whose facts changed (a fresh decision whose input hash, status or date
differs from the one applied) and at scheduled records whose date has come (since the last run, or earlier if
a run was interrupted: ``catch_up``). Each planned command carries the case version it was planned against;
``apply_plan`` skips a command whose case has moved on, so applying a plan again after a crash, or twice,
changes nothing that was already done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sealkeeper.model.decision import Decision
from sealkeeper.procedures.base import Actor, Event, Role, transition
from sealkeeper.procedures.errors import CommandRefusedError
from sealkeeper.procedures.sealing import ApplyDecision, RecordCase, SealDue, SealingState, Trigger

PLANNER = Actor("planner", Role.SYSTEM)


@dataclass(frozen=True, slots=True)
class PlanItem:
    case_id: str
    version: int  # the case version the command was planned against
    command: ApplyDecision | SealDue
    why: str  # "facts_changed", "date_matured" or "catch_up"
    effect: str  # "seal", "unseal", "review", "schedule" or "record"


@dataclass(frozen=True, slots=True)
class RunPlan:
    today: dt.date
    last_run: dt.date | None
    items: tuple[PlanItem, ...]

    def _with(self, effect: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item.case_id for item in self.items if item.effect == effect))

    @property
    def to_seal(self) -> tuple[str, ...]:
        return self._with("seal")

    @property
    def to_unseal(self) -> tuple[str, ...]:
        return self._with("unseal")

    @property
    def to_review(self) -> tuple[str, ...]:
        return self._with("review")


@dataclass(frozen=True, slots=True)
class RunResult:
    cases: dict[str, RecordCase]
    events: tuple[Event, ...]
    applied: int
    skipped: int

    @property
    def progress(self) -> str:
        return f"{self.applied} applied, {self.skipped} skipped of {self.applied + self.skipped}"


def _effect(before: RecordCase, after: RecordCase) -> str:
    if after.is_sealed and not before.is_sealed:
        return "seal"
    if before.is_sealed and not after.is_sealed:
        return "unseal"
    if after.state is SealingState.REVIEW:
        return "review"
    return "schedule" if after.state is SealingState.SCHEDULED else "record"


def _differs(case: RecordCase, decision: Decision) -> bool:
    return (case.input_hash, case.status, case.decision_date) != (decision.input_hash, decision.status, decision.date)


def daily_run(
    cases: Iterable[RecordCase],
    today: dt.date,
    decisions: Mapping[str, Decision] | None = None,
    last_run: dt.date | None = None,
) -> RunPlan:
    """What to do today: ``decisions`` are fresh engine decisions by record id (any subset of the records)."""
    at = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)  # only to simulate; no event leaves the planner
    fresh = decisions or {}
    items: list[PlanItem] = []
    for case in sorted(cases, key=lambda c: c.case_id):
        if case.is_closed:
            continue
        current = case
        decision = fresh.get(case.record_id)
        if decision is not None and _differs(current, decision):
            command = ApplyDecision(decision, Trigger.EVALUATION)
            after, _ = transition(current, command, PLANNER, at)
            items.append(PlanItem(case.case_id, current.version, command, "facts_changed", _effect(current, after)))
            current = after
        due = current.eligible_on
        if current.state is SealingState.SCHEDULED and due is not None and due <= today:
            why = "catch_up" if last_run is not None and due <= last_run else "date_matured"
            after, _ = transition(current, SealDue(), PLANNER, at)
            items.append(PlanItem(case.case_id, current.version, SealDue(), why, _effect(current, after)))
    return RunPlan(today, last_run, tuple(items))


def apply_plan(cases: Mapping[str, RecordCase], plan: RunPlan, actor: Actor, at: dt.datetime) -> RunResult:
    """Apply ``plan`` to ``cases`` (by case id): items whose case moved on since planning are skipped."""
    out = dict(cases)
    events: list[Event] = []
    applied = skipped = 0
    for item in plan.items:
        case = out.get(item.case_id)
        if case is None or case.version != item.version:
            skipped += 1
            continue
        try:
            new, emitted = transition(case, item.command, actor, at)
        except CommandRefusedError:
            skipped += 1
            continue
        out[item.case_id] = new
        events.extend(emitted)
        applied += 1
    return RunResult(out, tuple(events), applied, skipped)
