"""The condition language of rule packs: a small, safe subset of Python expression syntax.

A pack writes conditions a lawyer can read, e.g.::

    last_offense_date <= add_years(birth_date, 18) and term_months <= param.juvenile_max_term_months

Each condition is parsed once (``ast.parse`` in eval mode, then a whitelist walk; nothing is ever
``eval``-ed) and compiled twice: to a Python function for one record and to a Polars expression for a
whole population. Both follow three-valued (Kleene) logic, where ``None``/null means *unknown*:

* ``a and b`` is false if either is false, unknown if either is unknown, else true; ``or`` dually;
  ``not unknown`` is unknown.
* A comparison, ``in`` test or date function with an unknown operand is unknown.
* ``max``/``min`` skip unknown operands (unknown only if all are), as Polars' ``max_horizontal`` does;
  ``latest``/``earliest`` are their strict forms: unknown if any operand is unknown.
* ``known(x)`` is true when ``x`` is known, never unknown. Absent facts (no retrial, no later
  conviction) are unknown too, so a pack writes ``known(retrial_date) and …`` where absence means no.
* ``overlaps(categories, param.list)`` is true when the offence has any of the listed categories
  (likewise for the pack's ``statute_tags``).
* ``never`` is the date that never comes (a record never protected); adding time to it stays ``never``.
  ``coalesce(a, b, …)`` is the first known operand. ``+``, ``-`` and ``*`` work on numbers.
* ``choose(c1, v1, c2, v2, …, otherwise)`` is the value of the first true condition (a table of cases,
  e.g. periods by sentence band); an unknown condition met before a true one makes it unknown.
* In expressions about a pair of records (a pack's aggregates and combinations), ``other.x`` is fact
  ``x`` of the other record and a plain name is a fact of the record being decided.

An unknown condition is not false: the engine turns it into ``needs_review`` with the rule's question.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from sealkeeper.errors import ExpressionError
from sealkeeper.model.categories import CATEGORY_BITS, to_mask
from sealkeeper.model.dates import add_months, add_years, parse_iso_date

Value = Any  # date | int | float | str | bool | frozenset[str] | None
Env = Mapping[str, Value]
PyFn = Callable[[Env], Value]

_CMP: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
FUNCTIONS = frozenset(
    {
        "add_years",
        "add_months",
        "add_days",
        "max",
        "min",
        "latest",
        "earliest",
        "known",
        "date",
        "overlaps",
        "coalesce",
        "choose",
    }
)
#: The set-valued fact that ``'category' in categories`` tests; a bit mask in the batch path.
SET_FACT = "categories"
#: Set-valued facts held as lists of labels in the batch path.
TAG_FACTS = frozenset({"statute_tags", "other.statute_tags"})
#: The date that never comes: a record that is never protected. Time added to it stays NEVER.
NEVER = dt.date.max
_ARITH: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
}


@dataclass(frozen=True)
class Expression:
    """A parsed condition: its source, the fact and parameter names it reads, and its syntax tree."""

    source: str
    tree: ast.expr
    facts: frozenset[str]
    params: frozenset[str]


def parse(source: str, known_facts: frozenset[str], known_params: frozenset[str]) -> Expression:
    """Parse and check a condition; ExpressionError names the offending part."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("empty condition")
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {source!r}: {exc.msg}") from None
    facts: set[str] = set()
    params: set[str] = set()
    _check(tree, source, known_facts, known_params, facts, params)
    return Expression(source, tree, frozenset(facts), frozenset(params))


def _check(  # noqa: PLR0912, PLR0917 - one case per syntax form; a recursive walk threading its accumulators
    node: ast.AST, src: str, kf: frozenset[str], kp: frozenset[str], facts: set[str], params: set[str]
) -> None:
    match node:
        case ast.BoolOp() | ast.UnaryOp(op=ast.Not()) | ast.Compare() | ast.List() | ast.Tuple():
            pass
        case ast.BinOp(op=op) if type(op) in _ARITH:
            pass
        case ast.Constant(value=v) if isinstance(v, str | int | float | bool) or v is None:
            pass
        case ast.Name(id=name):
            if name not in kf and name not in ("as_of", "never"):
                raise ExpressionError(f"unknown fact {name!r} in {src!r}; known facts: {sorted(kf)}")
            facts.add(name)
        case ast.Attribute(value=ast.Name(id="param"), attr=name):
            if name not in kp:
                raise ExpressionError(f"unknown parameter param.{name} in {src!r}")
            params.add(name)
            return
        case ast.Attribute(value=ast.Name(id="other"), attr=name):
            if f"other.{name}" not in kf:
                raise ExpressionError(
                    f"other.{name} is not allowed in {src!r} (only in pair expressions, of known facts)"
                )
            facts.add(f"other.{name}")
            return
        case ast.Call(func=ast.Name(id=fn), keywords=[]) if fn in FUNCTIONS:
            _check_call(fn, node.args, src)
            for arg in node.args:
                _check(arg, src, kf, kp, facts, params)
            return
        case _:
            raise ExpressionError(f"{ast.unparse(node)!r} is not allowed in a condition ({src!r})")
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, ast.boolop | ast.cmpop | ast.unaryop | ast.operator | ast.expr_context):
            _check(child, src, kf, kp, facts, params)


_ARITY = {
    "known": (1, 1),
    "date": (1, 1),
    "add_years": (2, 2),
    "add_months": (2, 2),
    "add_days": (2, 2),
    "overlaps": (2, 2),
}


def _check_call(fn: str, args: list[ast.expr], src: str) -> None:
    low, high = _ARITY.get(fn, (1, 99))
    if not low <= len(args) <= high:
        raise ExpressionError(f"{fn}() takes {low if low == high else f'at least {low}'} argument(s) in {src!r}")
    if fn == "choose" and (len(args) < 3 or len(args) % 2 == 0):
        raise ExpressionError(f"choose() takes condition/value pairs and a final otherwise value in {src!r}")
    if fn == "date":
        value = args[0].value if isinstance(args[0], ast.Constant) else None
        try:
            parse_iso_date(value if isinstance(value, str) else "")
        except ValueError:
            raise ExpressionError(f"date() needs an ISO date string in {src!r}") from None


# --------------------------------------------------------------------------- one record (Python)


def _kleene_and(values: list[Value]) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _kleene_or(values: list[Value]) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def to_python(expr: Expression, params: Mapping[str, Value]) -> PyFn:
    """Compile to a function of the record's facts (``as_of`` is one of them)."""
    return _py(expr.tree, params)


def _py(node: ast.expr, params: Mapping[str, Value]) -> PyFn:  # noqa: PLR0911 — one case per syntax form
    match node:
        case ast.Constant(value=v):
            return lambda env: v
        case ast.Name(id="never"):
            return lambda env: NEVER
        case ast.Name(id=name):
            return lambda env: env.get(name)
        case ast.Attribute(value=ast.Name(id="other"), attr=name):
            key = f"other.{name}"
            return lambda env: env.get(key)
        case ast.Attribute(attr=name):
            value = params[name]
            return lambda env: value
        case ast.BinOp(left=left, op=op, right=right):
            a, b, fn = _py(left, params), _py(right, params), _ARITH[type(op)]
            return lambda env: None if (x := a(env)) is None or (y := b(env)) is None else fn(x, y)
        case ast.List(elts=elts) | ast.Tuple(elts=elts):
            items = [_py(e, params) for e in elts]
            return lambda env: [f(env) for f in items]
        case ast.UnaryOp(operand=operand):
            inner = _py(operand, params)
            return lambda env: None if (v := inner(env)) is None else not v
        case ast.BoolOp(op=op, values=values):
            parts = [_py(v, params) for v in values]
            combine = _kleene_and if isinstance(op, ast.And) else _kleene_or
            return lambda env: combine([p(env) for p in parts])
        case ast.Compare(left=left, ops=ops, comparators=comps):
            terms = [_py(left, params), *(_py(c, params) for c in comps)]
            return _py_compare(terms, ops)
        case ast.Call(func=ast.Name(id=fn), args=args):
            fargs = [_py(a, params) for a in args]
            return _py_call(fn, fargs)
    raise ExpressionError(f"cannot compile {ast.unparse(node)!r}")  # pragma: no cover - parse() rejects it


def _py_compare(terms: list[PyFn], ops: list[ast.cmpop]) -> PyFn:
    def run(env: Env) -> bool | None:
        values = [t(env) for t in terms]
        results: list[Value] = []
        for op, a, b in zip(ops, values, values[1:], strict=False):
            if a is None or b is None:
                results.append(None)
            elif isinstance(op, ast.In | ast.NotIn):
                member = a in b
                results.append(member if isinstance(op, ast.In) else not member)
            else:
                results.append(_CMP[type(op)](a, b))
        return _kleene_and(results)

    return run


def _py_call(fn: str, fargs: list[PyFn]) -> PyFn:  # noqa: PLR0911 - one case per function
    if fn == "known":
        return lambda env: fargs[0](env) is not None
    if fn == "date":
        value = fargs[0]({})
        if not isinstance(value, str):
            raise ExpressionError("date() takes an ISO date string")
        day = parse_iso_date(value)
        return lambda env: day
    if fn == "overlaps":

        def overlaps(env: Env) -> Value:
            have, wanted = fargs[0](env), fargs[1](env)
            return None if have is None or wanted is None else bool(set(have) & set(wanted))

        return overlaps
    if fn == "coalesce":
        return lambda env: next((v for f in fargs if (v := f(env)) is not None), None)
    if fn == "choose":

        def choose(env: Env) -> Value:
            for cond, value in zip(fargs[:-1:2], fargs[1::2], strict=True):
                holds = cond(env)
                if holds is None:
                    return None
                if holds:
                    return value(env)
            return fargs[-1](env)

        return choose
    if fn in ("latest", "earliest"):
        strict = max if fn == "latest" else min

        def bound(env: Env) -> Value:
            values = [f(env) for f in fargs]
            return None if any(v is None for v in values) else strict(values)

        return bound
    if fn in ("max", "min"):
        pick = max if fn == "max" else min

        def extreme(env: Env) -> Value:
            known = [v for f in fargs if (v := f(env)) is not None]
            return pick(known) if known else None

        return extreme
    shift = _SHIFTS[fn]

    def offset(env: Env) -> Value:
        day, n = fargs[0](env), fargs[1](env)
        if day is None or n is None:
            return None
        if day == NEVER:
            return NEVER
        try:
            return shift(day, int(n))
        except (OverflowError, ValueError):  # beyond the calendar: a period that never ends
            return NEVER

    return offset


_SHIFTS: dict[str, Callable[[dt.date, int], dt.date]] = {
    "add_years": add_years,
    "add_months": add_months,
    "add_days": lambda day, n: day + dt.timedelta(days=n),
}


# --------------------------------------------------------------------------- a population (Polars)


def to_polars(expr: Expression, params: Mapping[str, Value], as_of: dt.date) -> pl.Expr:
    """Compile to a Polars expression over the fact columns (categories as a bit mask)."""
    return _pl(expr.tree, params, as_of)


def _lit(value: Value) -> pl.Expr:
    if isinstance(value, dt.date):
        return pl.lit(value, dtype=pl.Date)
    return pl.lit(value)


def _const(node: ast.expr, params: Mapping[str, Value]) -> Value:
    """The value of a constant or a parameter (both are fixed for one scan)."""
    match node:
        case ast.Constant(value=v):
            return v
        case ast.Attribute(attr=name):
            return params[name]
        case ast.List(elts=elts) | ast.Tuple(elts=elts):
            return [_const(e, params) for e in elts]
    raise ExpressionError(f"{ast.unparse(node)!r} must be a constant or a parameter here")


def _pl(node: ast.expr, params: Mapping[str, Value], as_of: dt.date) -> pl.Expr:  # noqa: PLR0911 — one case per form
    match node:
        case ast.Attribute(value=ast.Name(id="other"), attr=name):  # before parameters: both are attributes
            return pl.col(f"other.{name}")
        case ast.Constant() | ast.Attribute():
            return _lit(_const(node, params))
        case ast.Name(id="as_of"):
            return _lit(as_of)
        case ast.Name(id="never"):
            return _lit(NEVER)
        case ast.Name(id=name):
            return pl.col(name)
        case ast.BinOp(left=left, op=op, right=right):
            combined: pl.Expr = _ARITH[type(op)](_pl(left, params, as_of), _pl(right, params, as_of))
            return combined
        case ast.UnaryOp(operand=operand):
            return ~_pl(operand, params, as_of)
        case ast.BoolOp(op=op, values=values):
            parts = [_pl(v, params, as_of) for v in values]
            return pl.all_horizontal(parts) if isinstance(op, ast.And) else pl.any_horizontal(parts)
        case ast.Compare(left=left, ops=ops, comparators=comps):
            return _pl_compare([left, *comps], ops, params, as_of)
        case ast.Call(func=ast.Name(id=fn), args=args):
            return _pl_call(fn, args, params, as_of)
    raise ExpressionError(f"cannot compile {ast.unparse(node)!r}")  # pragma: no cover


def _pl_compare(nodes: list[ast.expr], ops: list[ast.cmpop], params: Mapping[str, Value], as_of: dt.date) -> pl.Expr:
    parts: list[pl.Expr] = []
    for op, a, b in zip(ops, nodes, nodes[1:], strict=False):
        if isinstance(op, ast.In | ast.NotIn):
            test = _pl_membership(a, b, params, as_of)
            parts.append(test if isinstance(op, ast.In) else ~test)
            continue
        x, y = _pl(a, params, as_of), _pl(b, params, as_of)
        parts.append(
            {
                ast.Lt: x < y,
                ast.LtE: x <= y,
                ast.Gt: x > y,
                ast.GtE: x >= y,
                ast.Eq: x == y,
                ast.NotEq: x != y,
            }[type(op)]
        )
    return parts[0] if len(parts) == 1 else pl.all_horizontal(parts)


def _column(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "other":
        return f"other.{node.attr}"
    return None


def _tags_overlap(column: str, wanted: list[Value]) -> pl.Expr:
    return pl.col(column).list.eval(pl.element().is_in([str(w) for w in wanted])).list.any()


def _pl_membership(a: ast.expr, b: ast.expr, params: Mapping[str, Value], as_of: dt.date) -> pl.Expr:
    if _column(b) in TAG_FACTS:
        return _tags_overlap(str(_column(b)), [_const(a, params)])
    if isinstance(b, ast.Name) and b.id == SET_FACT:
        category = _const(a, params)
        if category not in CATEGORY_BITS:
            raise ExpressionError(f"unknown category {category!r}")
        return (pl.col(SET_FACT) & CATEGORY_BITS[category]) != 0
    options = _const(b, params)
    if not isinstance(options, list):
        raise ExpressionError("'in' needs a list or the categories fact on its right")
    left = _pl(a, params, as_of)
    # is_in gives false (not null) for a null left side; keep Kleene semantics explicitly.
    return pl.when(left.is_null()).then(pl.lit(None, dtype=pl.Boolean)).otherwise(left.is_in(options))


def _choices(node: ast.expr, params: Mapping[str, Value]) -> list[int] | None:
    """The whole numbers a count can take when it is a constant, a parameter or a ``choose`` of those; else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "choose":
        out: list[int] = []
        for value in [*node.args[1:-1:2], node.args[-1]]:
            more = _choices(value, params)
            if more is None:
                return None
            out += [k for k in more if k not in out]
        return out
    try:
        value = _const(node, params)
    except ExpressionError:
        return None
    if value is None:
        return []  # unknown: no offset, as otherwise
    return [value] if isinstance(value, int) and not isinstance(value, bool) else None


def _pl_call(  # noqa: PLR0911, PLR0912 - one case per function
    fn: str, args: list[ast.expr], params: Mapping[str, Value], as_of: dt.date
) -> pl.Expr:
    if fn == "known":
        return _pl(args[0], params, as_of).is_not_null()
    if fn == "date":
        value = _const(args[0], params)
        if not isinstance(value, str):
            raise ExpressionError("date() takes an ISO date string")
        return _lit(parse_iso_date(value))
    if fn == "overlaps":
        wanted = _const(args[1], params)
        if not isinstance(wanted, list):
            raise ExpressionError("overlaps() takes the categories fact and a list of categories")
        if _column(args[0]) in TAG_FACTS:
            return _tags_overlap(str(_column(args[0])), wanted)
        return (_pl(args[0], params, as_of) & to_mask(wanted)) != 0
    if fn == "coalesce":
        return pl.coalesce([_pl(a, params, as_of) for a in args])
    if fn == "choose":
        parts = [_pl(a, params, as_of) for a in args]
        chain: Any = pl
        for cond, value in zip(parts[:-1:2], parts[1::2], strict=True):
            chain = chain.when(cond.is_null()).then(pl.lit(None)).when(cond).then(value)
        result: pl.Expr = chain.otherwise(parts[-1])
        return result
    if fn in ("max", "min", "latest", "earliest"):
        parts = [_pl(a, params, as_of) for a in args]
        picked = pl.max_horizontal(parts) if fn in ("max", "latest") else pl.min_horizontal(parts)
        if fn in ("max", "min"):
            return picked
        return pl.when(pl.any_horizontal([p.is_null() for p in parts])).then(None).otherwise(picked)
    day = _pl(args[0], params, as_of)
    unit = {"add_years": "y", "add_months": "mo", "add_days": "d"}[fn]
    try:
        count = _const(args[1], params)
    except ExpressionError:  # a count read from the facts: one offset string per row …
        n = _pl(args[1], params, as_of).cast(pl.Int64)
        choices = _choices(args[1], params)
        if choices is None:
            shifted = day.dt.offset_by(pl.format("{}" + unit, n))
        else:  # … unless it is one of a few constants (a table of cases): one fixed offset per constant
            table: Any = pl
            for k in choices:
                table = table.when(n == k).then(day.dt.offset_by(f"{k}{unit}"))
            unknown = pl.lit(None, dtype=pl.Date)
            shifted = table.otherwise(unknown) if choices else unknown  # none: every value not yet in force
    else:
        if count is None:  # a parameter not yet in force on as_of: unknown, as in the single-record path
            return pl.lit(None, dtype=pl.Date)
        if not isinstance(count, int):
            raise ExpressionError(f"{fn} needs a whole number of units, got {count!r}") from None
        shifted = day.dt.offset_by(f"{count}{unit}")
        if count >= 0:  # NEVER moved on, and any day moved beyond it, is NEVER: one clip does both
            return shifted.clip(upper_bound=_lit(NEVER))
    # NEVER stays NEVER; beyond the calendar of the single-record path (year 9999) is a period that never
    # ends, as there
    return pl.when((day == _lit(NEVER)) | (shifted > _lit(NEVER))).then(_lit(NEVER)).otherwise(shifted)
