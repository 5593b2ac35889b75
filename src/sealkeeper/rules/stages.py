"""The person-level parts of a rule pack: derived values, aggregates over a person's other records, and
combinations of the records' outcomes (pure data; evaluated one person at a time by ``person`` and
set-based over a population by ``person_batch``).

Some regimes decide one record by looking at the others: German entries block each other's removal
(§47(3) BZRG), an English conviction during another's rehabilitation period drags it along (ROA s.6(4)),
a Japanese sentence of a fine or more interrupts an earlier extinction period (刑法 Art. 34-2). A pack
states these as data, in three stages evaluated before and after its rules:

``derive``      named expressions over one record's facts, in order (each may use the earlier ones);
``aggregates``  count / any / min / max over the person's *other* records, filtered by a pair expression
                in which ``other.x`` is the other record's fact ``x`` (e.g. the other custodial entries);
``derive_after_aggregates``  named expressions that may also read the aggregates (e.g. a period that
                depends on what else is in the register);
``combine``     after the rules: ``chain`` — a later record that arrives (by its date) before this one is
                protected, and satisfies ``with``, postpones this one to ``until`` (drag-through, reset),
                processed from the latest record back so that chains propagate (``period_end``, an
                expression about this record, is the end of the period a later record must arrive in
                when that is not the protection date, e.g. a waiting period whose protection a
                commencement date postpones; it extends to each ``until`` reached); ``all`` — no record
                satisfying ``when`` is protected before every such record is (mutual blocking);
                ``overlap`` — records whose periods overlap (a record dated before the protection of an
                earlier one joins its group) are all protected when the last of the group is.

In ``until``, ``own_date`` is this record's protection date so far and ``other.final_date`` the other's
after combination; ``never`` (a record never protected) dominates, an unknown date gives needs_review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sealkeeper.errors import ExpressionError, PackError
from sealkeeper.rules import expr
from sealkeeper.rules.facts import FACTS

#: Names a combination's ``until`` may read besides the facts of the pair.
COMBINE_NAMES = frozenset({"own_date", "other.own_date", "other.final_date"})


@dataclass(frozen=True, slots=True)
class Derived:
    name: str
    expression: expr.Expression
    description: str  # English
    description_zh: str = ""  # Chinese ("" where the pack gives none)


@dataclass(frozen=True, slots=True)
class Aggregate:
    name: str
    fn: str  # count | any | min | max
    where: expr.Expression  # a pair expression: which other records count
    of: expr.Expression | None  # the value taken from each (min / max)
    description: str  # English
    description_zh: str = ""  # Chinese ("" where the pack gives none)


@dataclass(frozen=True, slots=True)
class Combination:
    id: str
    kind: str  # chain | all | overlap
    when: expr.Expression  # which records take part (about this record)
    with_: expr.Expression | None  # pair filter: which other records act on this one
    until: expr.Expression | None  # chain: the date this record is postponed to
    text: Any  # pack.Text (kept untyped here to avoid an import cycle)
    articles: tuple[str, ...]
    question: Any  # pack.Text | None
    period_end: expr.Expression | None = None  # chain: a later record acts if dated before (default: protection)


@dataclass(frozen=True, slots=True)
class Stages:
    derived: tuple[Derived, ...] = ()
    aggregates: tuple[Aggregate, ...] = ()
    combinations: tuple[Combination, ...] = ()
    late: tuple[Derived, ...] = ()  # derive_after_aggregates

    @property
    def names(self) -> frozenset[str]:
        """The names rules may read besides :data:`FACTS`."""
        return frozenset(d.name for d in (*self.derived, *self.late)) | frozenset(a.name for a in self.aggregates)


def _parse(pack: str, where: str, source: str, names: frozenset[str], params: frozenset[str]) -> expr.Expression:
    try:
        return expr.parse(source, names, params)
    except ExpressionError as exc:
        raise PackError(pack, where, str(exc)) from None


def _pair_names(record_names: frozenset[str]) -> frozenset[str]:
    return record_names | frozenset(f"other.{n}" for n in record_names)


def build_stages(
    pack: str,
    data: Mapping[str, Any],
    params: frozenset[str],
    check_articles: Any,
    make_text: Any,
) -> Stages:
    """Build and check the ``derive``, ``aggregates`` and ``combine`` sections of parsed pack data."""
    derived, names = _derive(pack, "derive", data, frozenset(FACTS), params)
    pair = _pair_names(names)
    aggregates: list[Aggregate] = []
    for name, raw in (data.get("aggregates") or {}).items():
        if name in names:
            raise PackError(pack, f"aggregates.{name}", "name already used by a fact or derived value")
        fn = raw["fn"]
        if (fn in ("min", "max")) != ("of" in raw):
            raise PackError(pack, f"aggregates.{name}", "min and max need `of`; count and any must not have it")
        aggregates.append(
            Aggregate(
                name,
                fn,
                _parse(pack, f"aggregates.{name}.where", raw["where"], pair, params),
                _parse(pack, f"aggregates.{name}.of", raw["of"], pair, params) if "of" in raw else None,
                raw["description"],
                raw.get("description_zh", ""),
            )
        )
    late, names = _derive(pack, "derive_after_aggregates", data, names | {a.name for a in aggregates}, params)
    combos: list[Combination] = []
    for i, raw in enumerate(data.get("combine") or ()):
        where = f"combine[{i}] ({raw['id']})"
        if (raw["kind"] == "chain") != ("until" in raw):
            raise PackError(pack, where, "a chain needs `until`; other kinds must not have it")
        if raw["kind"] == "overlap" and "with" in raw:
            raise PackError(pack, where, "an overlap group is chosen by `when` alone; it takes no `with`")
        if raw["kind"] != "chain" and "period_end" in raw:
            raise PackError(pack, where, "only a chain takes `period_end`")
        check_articles(raw.get("articles", ()), where)
        question = raw.get("question")
        combos.append(
            Combination(
                id=raw["id"],
                kind=raw["kind"],
                when=_parse(pack, f"{where}.when", raw["when"], names, params),
                with_=_parse(pack, f"{where}.with", raw["with"], pair, params) if "with" in raw else None,
                until=_parse(pack, f"{where}.until", raw["until"], pair | COMBINE_NAMES, params)
                if "until" in raw
                else None,
                text=make_text(raw["text"]),
                articles=tuple(raw.get("articles", ())),
                question=make_text(question) if question else None,
                period_end=_parse(pack, f"{where}.period_end", raw["period_end"], names, params)
                if "period_end" in raw
                else None,
            )
        )
    return Stages(tuple(derived), tuple(aggregates), tuple(combos), tuple(late))


def _derive(
    pack: str, section: str, data: Mapping[str, Any], names: frozenset[str], params: frozenset[str]
) -> tuple[list[Derived], frozenset[str]]:
    out: list[Derived] = []
    for name, raw in (data.get(section) or {}).items():
        if name in names or name.startswith("other"):
            raise PackError(pack, f"{section}.{name}", "name already used by a fact or an earlier value")
        expression = _parse(pack, f"{section}.{name}", raw["expr"], names, params)
        out.append(Derived(name, expression, raw["description"], raw.get("description_zh", "")))
        names = names | {name}
    return out, names
