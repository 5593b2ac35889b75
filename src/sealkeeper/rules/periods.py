"""The waiting periods a decided rule applies, read out of its ``date`` expression, for the record's timeline.

A rule's date is an expression such as ``max(add_months(record_date, param.adult_waiting_months), …)``. Each
``add_years`` / ``add_months`` / ``add_days`` in it is a period: it starts on a date fact (the judgment, the end of
the sentence …) and runs for a length (a number or a parameter). This walks the expression as the engine would
evaluate it on one record's facts: in ``choose(...)`` only the branch taken; nested shifts
(``add_months(add_years(d, 5), 3)``) are one period of 5 years 3 months. A name that is one of the pack's derived
values (the DE pack's ``latest(fz_period_date, enforced)``) is followed into its own expression, so periods a
pack computes in derived values are found too. Pure: facts and parameters come in.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from sealkeeper.model.record import Bundle
from sealkeeper.rules import expr
from sealkeeper.rules.engine import decide_envs
from sealkeeper.rules.pack import Pack, Rule
from sealkeeper.rules.stages import Combination

UNITS = {"add_years": "years", "add_months": "months", "add_days": "days"}


@dataclass(frozen=True, slots=True)
class Period:
    """A waiting period: from ``start`` (the fact ``start_fact``) for ``lengths`` ((amount, unit) …) to ``end``."""

    rule: str
    start_fact: str
    start: dt.date
    lengths: tuple[tuple[int, str], ...]
    end: dt.date


def record_env(pack: Pack, bundle: Bundle, record_id: str, as_of: dt.date) -> dict[str, object]:
    """The facts the engine decides ``record_id`` on (``as_of``), with the pack's derived and aggregate values."""
    envs, _ = decide_envs(pack, bundle, as_of)
    return envs.get(record_id, {})


def derived_expressions(pack: Pack) -> dict[str, ast.expr]:
    """The syntax tree of each of the pack's derived values, by name (what ``waiting_periods`` follows)."""
    return {d.name: d.expression.tree for d in (*pack.stages.derived, *pack.stages.late)}


def waiting_periods(
    rule: Rule | Combination,
    env: Mapping[str, object],
    params: Mapping[str, object],
    derived: Mapping[str, ast.expr] | None = None,
) -> tuple[Period, ...]:
    """The periods of ``rule``'s date expression on these facts, in the order they appear, following the derived
    values named in it (``derived``: :func:`derived_expressions`); a period whose start is unknown, whose length
    is zero or that never ends is left out (and a combination's: it has no date)."""
    if not isinstance(rule, Rule) or rule.date is None:
        return ()
    return tuple(_periods(rule.id, rule.date.tree, _Walk(env, params, derived or {}, frozenset())))


@dataclass(frozen=True, slots=True)
class _Walk:
    env: Mapping[str, object]
    params: Mapping[str, object]
    derived: Mapping[str, ast.expr]
    inside: frozenset[str]  # the derived values being followed (a pack's derived values cannot loop; this is a guard)


def _value(node: ast.expr, env: Mapping[str, object], params: Mapping[str, object]) -> object:
    sub = expr.Expression(ast.unparse(node), node, frozenset(), frozenset())
    return expr.to_python(sub, params)(dict(env))


def _periods(rule: str, node: ast.expr, walk: _Walk) -> Iterator[Period]:
    env, params = walk.env, walk.params
    if isinstance(node, ast.Name) and node.id in walk.derived and node.id not in walk.inside:
        inner = _Walk(env, params, walk.derived, walk.inside | {node.id})
        yield from _periods(rule, walk.derived[node.id], inner)
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name in UNITS:
            found = _shift(rule, node, env, params)
            if found is not None:
                yield found
            return
        if name == "choose":
            yield from _periods(rule, _branch(node.args, env, params), walk)
            return
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            yield from _periods(rule, child, walk)


def _branch(args: list[ast.expr], env: Mapping[str, object], params: Mapping[str, object]) -> ast.expr:
    """The branch ``choose(c1, v1, c2, v2, …, otherwise)`` takes; the constant None when a condition is unknown."""
    for cond, value in zip(args[:-1:2], args[1::2], strict=True):
        holds = _value(cond, env, params)
        if holds is None:
            return ast.Constant(None)
        if holds:
            return value
    return args[-1]


def _shift(rule: str, node: ast.Call, env: Mapping[str, object], params: Mapping[str, object]) -> Period | None:
    found = _raw(node, env, params)
    if found is None:
        return None
    fact, start, lengths = found
    end = _value(node, env, params)
    kept = tuple((n, unit) for n, unit in lengths if n)
    if not kept or not isinstance(end, dt.date) or end == expr.NEVER or end <= start:
        return None
    return Period(rule, fact, start, kept, end)


def _raw(
    node: ast.expr, env: Mapping[str, object], params: Mapping[str, object]
) -> tuple[str, dt.date, tuple[tuple[int, str], ...]] | None:
    """(start fact, start, lengths) of a shift, nested shifts folded into one; None when a value is unknown."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in UNITS:
        start_node, amount_node = node.args
        amount = _value(amount_node, env, params)
        inner = _raw(start_node, env, params)
        if not isinstance(amount, int | float) or inner is None:
            return None
        return inner[0], inner[1], (*inner[2], (int(amount), UNITS[node.func.id]))
    start = _value(node, env, params)
    if not isinstance(start, dt.date) or start == expr.NEVER:
        return None
    return (node.id if isinstance(node, ast.Name) else ast.unparse(node)), start, ()
