"""The automatic sealing scan: a whole population decided set-based, the same way as one record.

The pack's rule tree is compiled once into a chain of Polars ``when``/``then`` expressions over the
fact columns of :mod:`sealkeeper.rules.facts_batch`; there is no Python call per record. The walk is
the one of :class:`sealkeeper.rules.engine.CompiledPack`: for each rule (in order, for the record kinds
it applies to) *unknown* stops with needs_review, *true* descends into the exceptions, *false* goes on.
The result holds, per record, the status, the date and the deciding rule; reasons are produced on
demand from the rule id (``Pack.path_to`` and ``explain.reasons``).

A pack with person-level stages (``derive``, ``aggregates``, ``derive_after_aggregates``, ``combine``)
has them evaluated set-based around the rules by ``person_batch``; its result also holds ``base``, the
rule the walk ended on, and ``via``, the combinations applied after it (the path is
``Pack.path_to(base)`` followed by ``via``; ``rule`` is the last of it).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from sealkeeper.model.decision import Status
from sealkeeper.rules import expr
from sealkeeper.rules.pack import Pack, Rule
from sealkeeper.rules.person_batch import PersonStages

_DATED = (Status.SEALED, Status.ELIGIBLE_ON, Status.UNSEALED)


class BatchPlan:
    """A pack compiled to Polars expressions for one ``as_of``."""

    def __init__(self, pack: Pack, as_of: dt.date) -> None:
        self.pack = pack
        self.as_of = as_of
        params = pack.params_at(as_of)
        self.nodes: list[Rule] = list(pack.all_rules())
        self._index = {rule.id: i for i, rule in enumerate(self.nodes)}
        # Conditions and dates are computed once each, as columns (sharing subexpressions such as an
        # 18th birthday), and the decision chain below only picks between those columns.
        self._columns = [expr.to_polars(r.when, params, as_of).alias(f"__when_{r.id}") for r in self.nodes]
        self._columns += [
            expr.to_polars(r.date, params, as_of).alias(f"__date_{r.id}") for r in self.nodes if r.date is not None
        ]
        self._when = {r.id: pl.col(f"__when_{r.id}") for r in self.nodes}
        self._date = {r.id: pl.col(f"__date_{r.id}") for r in self.nodes if r.date is not None}
        stages = pack.stages
        has_stages = stages.derived or stages.aggregates or stages.late or stages.combinations
        self.person = PersonStages(stages, params, as_of) if has_stages else None

    def facts_read(self) -> frozenset[str]:
        """The fact names the pack's expressions read (``other.x`` as ``x``): what the facts must hold."""
        stages = self.pack.stages
        expressions = [
            *(e for r in self.nodes for e in (r.when, r.date) if e is not None),
            *(d.expression for d in (*stages.derived, *stages.late)),
            *(e for a in stages.aggregates for e in (a.where, a.of) if e is not None),
            *(e for c in stages.combinations for e in (c.when, c.with_, c.until, c.period_end) if e is not None),
        ]
        return frozenset(name.removeprefix("other.") for e in expressions for name in e.facts)

    # A node code is 2*i when node i decides, 2*i+1 when node i's condition is unknown.
    def _decided(self, rule: Rule) -> pl.Expr:
        return pl.lit(2 * self._index[rule.id], dtype=pl.Int32)

    def _unknown(self, rule: Rule) -> pl.Expr:
        return pl.lit(2 * self._index[rule.id] + 1, dtype=pl.Int32)

    def _subtree(self, rule: Rule) -> pl.Expr:
        if not rule.exceptions:
            return self._decided(rule)
        chain: Then | ChainedThen | None = None
        for exc in rule.exceptions:
            cond = self._when[exc.id]
            chain = (pl.when(cond.is_null()) if chain is None else chain.when(cond.is_null())).then(self._unknown(exc))
            chain = chain.when(cond).then(self._subtree(exc))
        assert chain is not None  # noqa: S101 - the loop ran at least once
        return chain.otherwise(self._decided(rule))

    def code(self) -> pl.Expr:
        """The node code of each record."""
        chain: Then | ChainedThen | None = None
        kind = pl.col("record_kind")
        for rule in self.pack.rules:
            applies = kind.is_in(sorted(rule.applies_to))
            cond = self._when[rule.id]
            chain = (pl.when(applies & cond.is_null()) if chain is None else chain.when(applies & cond.is_null())).then(
                self._unknown(rule)
            )
            chain = chain.when(applies & cond).then(self._subtree(rule))
        default = self._decided(self.pack.default)
        return default if chain is None else chain.otherwise(default)

    def decide(self, facts: pl.DataFrame) -> pl.DataFrame:
        """``pid``, ``rid``, ``status``, ``date``, ``rule`` for every row of ``facts`` (and, for a pack with
        combinations, ``base`` and ``via``; see the module docstring)."""
        code = pl.col("code")
        date_chain: Then | ChainedThen | None = None
        for rule in self.nodes:
            if rule.date is None:
                continue
            hit = code == 2 * self._index[rule.id]
            date_chain = (pl.when(hit) if date_chain is None else date_chain.when(hit)).then(self._date[rule.id])
        raw_date = pl.lit(None, dtype=pl.Date) if date_chain is None else date_chain.otherwise(None)
        outcome = pl.col("code").replace_strict(
            {2 * i: r.outcome.value for i, r in enumerate(self.nodes)}, default=Status.NEEDS_REVIEW.value
        )
        # tests on the node code (integers) rather than on the outcome's name
        sealed = code.is_in([2 * i for i, r in enumerate(self.nodes) if r.outcome is Status.SEALED])
        needs_date = code.is_in([2 * i for i, r in enumerate(self.nodes) if r.outcome in _DATED])
        missing_date = needs_date & pl.col("raw_date").is_null()
        never = sealed & (pl.col("raw_date") == pl.lit(expr.NEVER, dtype=pl.Date))
        status = (
            pl.when((code % 2 == 1) | missing_date)
            .then(pl.lit(Status.NEEDS_REVIEW.value))
            .when(never)  # a period that never ends (engine._finish)
            .then(pl.lit(Status.NOT_SEALED.value))
            .when(sealed & (pl.col("raw_date") > self.as_of))
            .then(pl.lit(Status.ELIGIBLE_ON.value))
            .otherwise(outcome)
        )
        rule_ids = code.floordiv(2).replace_strict(dict(enumerate(r.id for r in self.nodes)), return_dtype=pl.Utf8)
        decided = [
            status.alias("status"),
            pl.when(needs_date & ~never).then(pl.col("raw_date")).alias("date"),
            rule_ids.alias("rule"),
        ]
        if self.person is None:
            return (
                facts.lazy()
                .with_columns(self._columns)
                .with_columns(self.code().alias("code"))
                .with_columns(raw_date.alias("raw_date"))
                .select("pid", "rid", *decided)
                .collect()
            )
        frame = (
            self.person.before_rules(facts)
            .lazy()
            .with_columns(self._columns)
            .with_columns(self.code().alias("code"))
            .with_columns(raw_date.alias("raw_date"))
            .with_columns(decided)
            .collect()
        )
        if not self.pack.stages.combinations:
            return frame.select("pid", "rid", "status", "date", "rule")
        return self.person.after_rules(frame).select("pid", "rid", "status", "date", "rule", "base", "via")
