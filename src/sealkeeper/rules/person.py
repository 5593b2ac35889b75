"""One person's records decided together: derived values, aggregates, the rules, then combinations.

Used by the engine's single-record path (``engine``); ``person_batch`` is its set-based twin for the scan,
and a property test holds the two together. See ``stages`` for what each stage means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sealkeeper.model.decision import Status
from sealkeeper.rules import expr
from sealkeeper.rules.stages import Aggregate, Combination

Env = dict[str, object]
NEVER = expr.NEVER


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the rule walk found: the deciding chain, the status and date."""

    path: tuple[str, ...]
    status: Status
    date: dt.date | None
    question: str | None  # rule id whose question must be answered, for needs_review


def pair_env(this: Mapping[str, object], other: Mapping[str, object]) -> Env:
    """The environment of a pair expression: this record's names plain, the other's as ``other.x``."""
    env = dict(this)
    env.update({f"other.{k}": v for k, v in other.items()})
    return env


def aggregate_value(
    agg: Aggregate, where: Callable[[Env], object], of: Callable[[Env], object] | None, this: Env, others: list[Env]
) -> object:
    """count / any / min / max over the other records the ``where`` pair expression selects.

    An unknown ``where`` for some other record makes the result unknown (it might or might not count).
    """
    values: list[object] = []
    for other in others:
        env = pair_env(this, other)
        selected = where(env)
        if selected is None:
            return None
        if selected:
            values.append(True if of is None else of(env))
    if agg.fn == "count":
        return len(values)
    if agg.fn == "any":
        return bool(values)
    if any(v is None for v in values):
        return None
    known = [v for v in values if v is not None]
    return (max if agg.fn == "max" else min)(known) if known else None  # type: ignore[type-var]


def protection(outcome: Outcome) -> dt.date | None:
    """The day a record is protected from: its date, NEVER when not sealed, unknown when in review."""
    if outcome.status in (Status.SEALED, Status.ELIGIBLE_ON):
        return outcome.date
    if outcome.status is Status.NOT_SEALED:
        return NEVER
    return None


def from_protection(base: Outcome, day: dt.date | None, combo: Combination, as_of: dt.date) -> Outcome:
    path = (*base.path, combo.id)
    if day is None:
        return Outcome(path, Status.NEEDS_REVIEW, None, combo.id)
    if day == NEVER:
        return Outcome(path, Status.NOT_SEALED, None, None)
    return Outcome(path, Status.SEALED if day <= as_of else Status.ELIGIBLE_ON, day, None)


@dataclass(frozen=True, slots=True)
class CompiledCombination:
    combo: Combination
    when: Callable[[Env], object]
    with_: Callable[[Env], object] | None
    until: Callable[[Env], object] | None
    period_end: Callable[[Env], object] | None = None


def combine(
    cc: CompiledCombination, order: list[str], envs: Mapping[str, Env], outcomes: dict[str, Outcome], as_of: dt.date
) -> None:
    """Apply one combination to the person's outcomes (``order``: record ids by date, then id)."""
    members = [r for r in order if cc.when(envs[r]) is True and outcomes[r].status is not Status.UNSEALED]
    own = {r: protection(outcomes[r]) for r in members}
    if cc.combo.kind == "overlap":
        _overlap(cc.combo, members, envs, own, outcomes, as_of)
        return
    if cc.combo.kind == "all":
        for r in members:
            acting = [o for o in members if o == r or cc.with_ is None or cc.with_(pair_env(envs[r], envs[o]))]
            day = group_end([own[o] for o in acting])
            if day != own[r]:
                outcomes[r] = from_protection(outcomes[r], day, cc.combo, as_of)
        return
    _chain(cc, members, order, envs, outcomes, as_of)


def _chain(  # noqa: PLR0917 - the combination's state, threaded from combine()
    cc: CompiledCombination,
    members: list[str],
    order: list[str],
    envs: Mapping[str, Env],
    outcomes: dict[str, Outcome],
    as_of: dt.date,
) -> None:
    """Later records (any, filtered by ``with``) postpone the members, latest first so that chains propagate."""
    own = {r: protection(outcomes[r]) for r in order}
    final: dict[str, dt.date | None] = dict(own)
    for pos in range(len(order) - 1, -1, -1):
        r = order[pos]
        if r not in members:
            continue
        day = own[r]
        # a later record acts if it arrives before the period ends: the protection date unless the pack
        # names another end (period_end); the period extends to each date it is postponed to
        window = cc.period_end(envs[r]) if cc.period_end is not None else day
        changed = False
        for o in order[pos + 1 :]:
            arrives = envs[o]["record_date"]
            if day is None or day == NEVER or (isinstance(window, dt.date) and arrives >= window):  # type: ignore[operator]
                break
            if arrives == envs[r]["record_date"]:
                continue
            env = pair_env(envs[r], envs[o])
            env.update({"own_date": day, "other.own_date": own[o], "other.final_date": final[o]})
            if cc.with_ is not None:
                acts = cc.with_(env)
                if acts is False:
                    continue
                if acts is None:
                    day, changed = None, True
                    break
            assert cc.until is not None  # noqa: S101 - build_stages requires it for a chain
            until = cc.until(env)
            if until is None or not isinstance(until, dt.date) or not isinstance(window, dt.date):
                day, changed = None, True  # an unknown date, or an unknown period this record might fall in
                break
            if until > day:
                day, changed = until, True
            window = max(window, until)
        final[r] = day
        if changed:
            outcomes[r] = from_protection(outcomes[r], day, cc.combo, as_of)


def _overlap(  # noqa: PLR0917 - the combination's state, threaded from combine()
    combo: Combination,
    members: list[str],
    envs: Mapping[str, Env],
    own: Mapping[str, dt.date | None],
    outcomes: dict[str, Outcome],
    as_of: dt.date,
) -> None:
    """Groups of overlapping periods share the latest protection date (an unknown one keeps the group open)."""
    groups: list[list[str]] = []
    end: dt.date | None = None
    for r in members:
        start = envs[r]["record_date"]
        if groups and (end is None or start < end):  # type: ignore[operator]
            groups[-1].append(r)
        else:
            groups.append([r])
            end = own[r]
            continue
        end = group_end([end, own[r]])
    for group in groups:
        day = group_end([own[r] for r in group])
        for r in group:
            if day != own[r]:
                outcomes[r] = from_protection(outcomes[r], day, combo, as_of)


def group_end(days: list[dt.date | None]) -> dt.date | None:
    """The latest of protection dates: NEVER dominates, then unknown."""
    if NEVER in days:
        return NEVER
    if None in days:
        return None
    return max(d for d in days if d is not None)
