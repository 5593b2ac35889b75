"""The person-level stages of a pack (``stages``), set-based over a whole population: the twin of ``person``.

The frame holds one row per record, sorted by person, then date, then record id — the order in which
the single-record engine walks one person's records — with a row number ``__row``. Each stage is a few
columnar passes over the whole population, never a Python call per person:

``derive`` / ``derive_after_aggregates``  one column per named value, in order;
``aggregates``  a self-join of each person's records (this record's names plain, the other's as
                ``other.x``), filtered by the ``where`` pair expression and grouped back per record, with
                the three-valued rules of ``person.aggregate_value``;
``combine``     after the rules, on the status and date columns: ``all`` — the latest protection date of
                the acting members (a window per person, or a self-join when ``with`` is given);
                ``overlap`` — islands of overlapping periods from a running maximum per person;
                ``chain`` — step ``j`` pairs every member with the record ``j`` places after it (a
                gather by row number), so the steps are as many as the largest person has records,
                each a columnar pass over the members still walking. A chain whose ``until`` reads
                ``other.final_date`` is walked position by position from the latest, as ``person`` does.

``tests/unit/rules/test_batch.py`` checks, per pack, that this gives the decisions of ``person``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import polars as pl

from sealkeeper.model.decision import Status
from sealkeeper.rules import expr
from sealkeeper.rules.stages import Combination, Derived, Stages

NEVER = expr.NEVER
PERSON = "person"
ROW = "__row"
#: The order of one person's records in the single-record engine (``Bundle.records``).
ORDER = [PERSON, "record_date", "rid"]
_NO_CSE = pl.QueryOptFlags(comm_subexpr_elim=False)  # as in facts_batch: empty populations
_PROTECTED = [Status.SEALED.value, Status.ELIGIBLE_ON.value]


def _never() -> pl.Expr:
    return pl.lit(NEVER, dtype=pl.Date)


def protection(status: pl.Expr, date: pl.Expr) -> pl.Expr:
    """person.protection: the date when sealed or eligible, NEVER when not sealed, else unknown."""
    return (
        pl.when(status.is_in(_PROTECTED))
        .then(date)
        .when(status == Status.NOT_SEALED.value)
        .then(_never())
        .otherwise(pl.lit(None, dtype=pl.Date))
    )


_NEVER_DAY = (NEVER - dt.date(1970, 1, 1)).days  # NEVER's day number
_UNKNOWN_RANK, _NEVER_RANK = _NEVER_DAY + 1, _NEVER_DAY + 2
_RANK_OFFSET = 1_000_000  # makes the rank of any date from year 1 on non-negative …
_PERSON_STRIDE = 1 << 23  # … and smaller than this


def _rank(own: str) -> pl.Expr:
    """A protection date as a number whose maximum is person.group_end: a day's number for a date, above
    every day for an unknown one, and above that for NEVER (which dominates)."""
    day = pl.col(own)
    return (
        pl.when(day == _never())
        .then(pl.lit(_NEVER_RANK, dtype=pl.Int64))
        .when(day.is_null())
        .then(pl.lit(_UNKNOWN_RANK, dtype=pl.Int64))
        .otherwise(day.to_physical().cast(pl.Int64))
        .alias("__rank")
    )


def _unrank(rank: pl.Expr) -> pl.Expr:
    return (
        pl.when(rank == _NEVER_RANK)
        .then(_never())
        .when(rank == _UNKNOWN_RANK)
        .then(pl.lit(None, dtype=pl.Date))
        .otherwise(rank.cast(pl.Int32).cast(pl.Date))
    )


def _positions() -> list[pl.Expr]:
    """Each row's place among its person's rows (``pos``) and their number (``count``), without a window:
    the rows of a person are adjacent, so the first and last row of each are filled along."""
    person, row = pl.col(PERSON), pl.col(ROW).cast(pl.Int64)
    first = pl.when(person.ne_missing(person.shift(1))).then(row).forward_fill()
    last = pl.when(person.ne_missing(person.shift(-1))).then(row).backward_fill()
    return [(row - first).alias("pos"), (last - first + 1).alias("count")]


def _running_max_per_person(rank: pl.Expr) -> pl.Expr:
    """The running maximum of a rank within each person, without a window: rows of a person are adjacent and
    persons ascend, so one running maximum over person * stride + rank never carries one person's into the next."""
    person = pl.col(PERSON).cast(pl.Int64) * _PERSON_STRIDE
    return (person + rank + _RANK_OFFSET).cum_max() - person - _RANK_OFFSET


def _names(expressions: Iterable[expr.Expression | None], columns: Iterable[str]) -> tuple[list[str], list[str]]:
    """The columns a set of pair expressions reads: this record's, and the other's (without ``other.``)."""
    have = set(columns)
    read = {name for e in expressions if e is not None for name in e.facts}
    this = sorted(n for n in read if not n.startswith("other.") and n in have)
    other = sorted(
        n.removeprefix("other.") for n in read if n.startswith("other.") and n.removeprefix("other.") in have
    )
    return this, other


class PersonStages:
    """A pack's person-level stages compiled to Polars expressions for one ``as_of``."""

    def __init__(self, stages: Stages, params: Mapping[str, object], as_of: dt.date) -> None:
        self.stages = stages
        self.as_of = as_of
        self._params = params

    def _pl(self, expression: expr.Expression) -> pl.Expr:
        return expr.to_polars(expression, self._params, self.as_of)

    # ------------------------------------------------------------------ before the rules

    def before_rules(self, facts: pl.DataFrame) -> pl.DataFrame:
        """The facts in person order with a column per derived value and aggregate."""
        frame = facts.sort(ORDER).with_row_index(ROW)
        frame = self._derive(frame, self.stages.derived)
        if self.stages.aggregates:
            frame = self._aggregate(frame)
        return self._derive(frame, self.stages.late)

    def _derive(self, frame: pl.DataFrame, derived: tuple[Derived, ...]) -> pl.DataFrame:
        if not derived:
            return frame
        plan = frame.lazy()
        for d in derived:  # each may read the ones before it
            plan = plan.with_columns(self._pl(d.expression).alias(d.name))
        return plan.collect(optimizations=_NO_CSE)

    def _aggregate(self, frame: pl.DataFrame) -> pl.DataFrame:
        aggregates = self.stages.aggregates
        this, other = _names((e for a in aggregates for e in (a.where, a.of)), frame.columns)
        pairs = _pairs(frame.filter(pl.len().over(PERSON) > 1), this, other)
        computed = []
        for i, a in enumerate(aggregates):
            computed.append(self._pl(a.where).alias(f"__w{i}"))
            if a.of is not None:
                computed.append(self._pl(a.of).alias(f"__v{i}"))
        grouped = (
            pairs.with_columns(computed)
            .group_by(ROW)
            .agg(
                _aggregation(a.fn, pl.col(f"__w{i}"), pl.col(f"__v{i}")).alias(a.name) for i, a in enumerate(aggregates)
            )
        )
        defaults = {"count": pl.lit(0, dtype=pl.Int64), "any": pl.lit(False)}  # no other record
        alone = pl.col("__paired").is_null()  # (an unknown aggregate of one who has others stays unknown)
        return (
            frame.lazy()
            .join(grouped.with_columns(pl.lit(True).alias("__paired")), on=ROW, how="left", maintain_order="left")
            .with_columns(
                pl.when(alone).then(defaults[a.fn]).otherwise(pl.col(a.name)).alias(a.name)
                for a in aggregates
                if a.fn in defaults
            )
            .drop("__paired")
            .collect(optimizations=_NO_CSE)
        )

    # ------------------------------------------------------------------ after the rules

    def after_rules(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Apply the combinations in order to ``status``, ``date``, ``rule``; ``via`` lists those applied."""
        frame = frame.with_columns(pl.col("rule").alias("base"))
        applied = []
        for order, combo in enumerate(self.stages.combinations):
            changed = self._chain(frame, combo) if combo.kind == "chain" else self._group(frame, combo)
            frame = self._apply(frame, combo, changed)
            applied.append(changed.select(ROW, pl.lit(order).alias("__order"), pl.lit(combo.id).alias("via")))
        via = pl.concat(applied).sort(ROW, "__order").group_by(ROW, maintain_order=True).agg("via")
        none = pl.lit([], dtype=pl.List(pl.Utf8))
        return frame.join(via, on=ROW, how="left", maintain_order="left").with_columns(pl.col("via").fill_null(none))

    def _members(self, combo: Combination) -> pl.Expr:
        """person.combine: the records ``when`` holds for (true, not unknown) that are not unsealed."""
        return self._pl(combo.when).fill_null(False) & (pl.col("status") != Status.UNSEALED.value)

    def _group(self, frame: pl.DataFrame, combo: Combination) -> pl.DataFrame:
        """``all`` and ``overlap``: every member of a group is protected when the last of the group is.

        The rows whose protection changes (``__row``, ``__day``), for ``_apply``."""
        own = protection(pl.col("status"), pl.col("date")).alias("__own")
        members = frame.lazy().filter(self._members(combo)).with_columns(own).with_columns(_rank("__own"))
        if combo.kind == "overlap":
            # a new group starts at a record dated on or after the latest protection so far (an unknown one
            # keeps the group open); rows of a person are adjacent, so group numbers are global and need no window
            latest = _running_max_per_person(pl.col("__rank"))
            previous = pl.when(pl.col(PERSON) == pl.col(PERSON).shift(1)).then(latest.shift(1))
            starts = previous.is_null() | (pl.col("record_date").to_physical().cast(pl.Int64) >= previous)
            days = members.with_columns(starts.cast(pl.Int64).cum_sum().alias("__group")).select(
                ROW, "__own", _unrank(pl.col("__rank").max().over("__group")).alias("__day")
            )
        elif combo.with_ is None:
            days = members.select(ROW, "__own", _unrank(pl.col("__rank").max().over(PERSON)).alias("__day"))
        else:
            this, other = _names([combo.with_], frame.columns)
            pairs = _pairs(members.collect(), [*this, "__own"], [*other, "__rank"], itself=True)
            acting = (pl.col(ROW) == pl.col(f"other.{ROW}")) | self._pl(combo.with_).fill_null(False)
            days = (
                pairs.filter(acting)
                .group_by(ROW)
                .agg(pl.col("__own").first(), _unrank(pl.col("other.__rank").max()).alias("__day"))
            )
        return days.filter(pl.col("__day").ne_missing(pl.col("__own"))).select(ROW, "__day").collect()

    def _apply(self, frame: pl.DataFrame, combo: Combination, changed: pl.DataFrame) -> pl.DataFrame:
        """person.from_protection for the rows in ``changed`` (``__row``, ``__day``), set in place by row number."""
        if changed.height == 0:
            return frame
        day = pl.col("__day")
        moved = changed.select(
            ROW,
            pl.when(day.is_null())
            .then(pl.lit(Status.NEEDS_REVIEW.value))
            .when(day == _never())
            .then(pl.lit(Status.NOT_SEALED.value))
            .when(day <= self.as_of)
            .then(pl.lit(Status.SEALED.value))
            .otherwise(pl.lit(Status.ELIGIBLE_ON.value))
            .alias("status"),
            pl.when(day != _never()).then(day).alias("date"),
        )
        rows = moved[ROW]
        return frame.with_columns(
            frame["status"].scatter(rows, moved["status"]),
            frame["date"].scatter(rows, moved["date"]),
            frame["rule"].scatter(rows, combo.id),
        )

    def _chain(self, frame: pl.DataFrame, combo: Combination) -> pl.DataFrame:
        """person._chain, set-based: step j pairs each member still walking with the record j places later.

        The rows whose protection changes (``__row``, ``__day``), for ``_apply``."""
        assert combo.until is not None  # noqa: S101 - build_stages requires it for a chain
        state = frame.select(
            protection(pl.col("status"), pl.col("date")).alias("own"),
            self._members(combo).alias("member"),
            *_positions(),
            (self._pl(combo.period_end) if combo.period_end is not None else pl.lit(None, dtype=pl.Date)).alias("end"),
        )
        own = state["own"]
        day = own.clone()
        # the end of the period a later record must fall in: the protection date unless the pack says otherwise
        window = state["end"] if combo.period_end is not None else own.clone()
        final = own.clone()
        changed = pl.Series([False] * frame.height, dtype=pl.Boolean)
        this, other = _names([combo.with_, combo.until], frame.columns)
        this_cols = frame.select(this)
        other_cols = frame.select(other).rename(lambda n: f"other.{n}")
        dates = frame["record_date"]
        acts = self._pl(combo.with_) if combo.with_ is not None else pl.lit(True)
        until = self._pl(combo.until)
        reads_final = "other.final_date" in combo.until.facts or (
            combo.with_ is not None and "other.final_date" in combo.with_.facts
        )
        member, pos, count = state["member"], state["pos"], state["count"]
        top = int(pos.max() or 0)  # type: ignore[arg-type]
        rounds = [member & (pos == p) for p in range(top, -1, -1)] if reads_final else [member]
        for walking in rounds:
            rows = walking.arg_true()
            for j in range(1, top + 1):
                rows = rows.filter((pos.gather(rows) + j) < count.gather(rows))
                if rows.len() == 0:
                    break
                later = rows + j
                d, w = day.gather(rows), window.gather(rows)
                step = pl.concat(
                    [
                        *([this_cols[rows]] if this else []),
                        *([other_cols[later]] if other else []),
                        pl.DataFrame(
                            {
                                "own_date": d,
                                "other.own_date": own.gather(later),
                                "other.final_date": final.gather(later),
                                "__d": d,
                                "__w": w,
                                "__this": dates.gather(rows),
                                "__that": dates.gather(later),
                            }
                        ),
                    ],
                    how="horizontal",
                ).select(*_chain_step(acts, until))
                stop, poison, grow, new = step["stop"], step["poison"], step["grow"], step["until"]
                extend = grow & (new > d).fill_null(False)
                day = day.scatter(rows.filter(poison), pl.Series([None] * int(poison.sum()), dtype=pl.Date))
                day = day.scatter(rows.filter(extend), new.filter(extend))
                wider = grow & ((new > w).fill_null(False) | w.is_null())
                window = window.scatter(rows.filter(wider), new.filter(wider))
                changed = changed.scatter(rows.filter(poison | extend), True)
                rows = rows.filter(~(stop | poison))
            final = final.scatter(walking.arg_true(), day.filter(walking))
        return pl.DataFrame({ROW: frame[ROW], "__day": day}).filter(changed)


def _chain_step(acts: pl.Expr, until: pl.Expr) -> list[pl.Expr]:
    """One step of person._chain for each (member, later record) pair, from the running ``__d`` / ``__w``."""
    d, w = pl.col("__d"), pl.col("__w")
    stop = d.is_null() | (d == _never()) | (w.is_not_null() & (pl.col("__that") >= w))
    walk = ~stop & (pl.col("__that") != pl.col("__this"))  # a record of the same day neither acts nor stops
    acting = acts.fill_null(True)  # unknown: it might act, so the walk stops in review
    poison = walk & acting & (acts.is_null() | w.is_null() | until.is_null())
    return [
        stop.alias("stop"),
        poison.alias("poison"),
        (walk & acting & ~poison).alias("grow"),
        until.alias("until"),
    ]


def _pairs(
    frame: pl.DataFrame | pl.LazyFrame, this: list[str], other: list[str], *, itself: bool = False
) -> pl.LazyFrame:
    """Every ordered pair of records of the same person (``itself``: with the record paired with itself),
    this one's columns plain and the other's as ``other.x``."""
    left = frame.lazy().select(PERSON, ROW, *this)
    right = frame.lazy().select(PERSON, *(pl.col(n).alias(f"other.{n}") for n in [ROW, *other]))
    pairs = left.join(right, on=PERSON)
    return pairs if itself else pairs.filter(pl.col(ROW) != pl.col(f"other.{ROW}"))


def _aggregation(fn: str, where: pl.Expr, value: pl.Expr) -> pl.Expr:
    """person.aggregate_value per group: an unknown ``where`` (or a selected unknown value) is unknown."""
    unknown = where.is_null().any()
    if fn == "count":
        return pl.when(unknown).then(pl.lit(None, dtype=pl.Int64)).otherwise(where.sum().cast(pl.Int64))
    if fn == "any":
        return pl.when(unknown).then(pl.lit(None, dtype=pl.Boolean)).otherwise(where.any())
    chosen = value.filter(where)
    picked = chosen.max() if fn == "max" else chosen.min()
    return pl.when(unknown | chosen.is_null().any()).then(None).otherwise(picked)
