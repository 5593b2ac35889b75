"""The statistics that can be released: their names, the dataset each draws on, its cells and how much one
person can contribute. Pure: rows in, counts out.

Cells are public and fixed before the data is looked at (years of a stated range, the outcome list, the
Criminal Law's chapters): a cell with no record is released too, as noise around 0, so the set of cells
says nothing about the data and small cells are handled by the mechanism, not suppressed.

The unit of privacy is a person. A person may have several records: at most ``bound`` of them are counted
(the first in a stable order), so adding or removing one person changes the count vector by at most
``bound`` in L1 — the sensitivity the mechanism is calibrated to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

import polars as pl

from sealkeeper.stats.errors import StatsError, StatsRefusal

RECORDS, CASES = "records", "cases"
FIRST_YEAR = 2000

#: Decision statuses as the releases name them (issue 8: sealed, eligible, refused, unsealed).
OUTCOMES: Mapping[str, str] = {
    "sealed": "sealed",
    "eligible_on": "eligible",
    "not_sealed": "refused",
    "unsealed": "unsealed",
    "needs_review": "needs_review",
}
#: The special part of the Criminal Law, by chapter (分则第一章 … 第十章).
CHAPTERS: Mapping[int, str] = {
    1: "national_security", 2: "public_safety", 3: "economic_order", 4: "persons_and_rights", 5: "property",
    6: "social_order", 7: "national_defence", 8: "corruption", 9: "dereliction_of_duty", 10: "military_duty",
}  # fmt: skip
CATEGORIES = (*CHAPTERS.values(), "public_security_penalty", "non_conviction", "unknown")
REGIONS = ("CN", "DE", "JP", "UK-EW", "US-MI", "US-PA")  # the packs' jurisdictions: the regions the store knows
APPLICATION_OUTCOMES = ("seal", "refuse", "withdrawn", "lapsed", "pending")
DURATION_BUCKETS = ((0, 7), (8, 14), (15, 30), (31, 60), (61, 90), (91, None))  # days, both ends included
PROFILES = ("adult_p1", "adult_p2", "adult_p3", "adult_p1_waiting3")
CONVICTED = "convicted"


@dataclass(frozen=True, slots=True)
class RecordRow:
    """One decided record, as the record releases see it: no token beyond the person key, no identity."""

    person: str
    region: str
    category: str
    outcome: str  # a key of OUTCOMES
    year: int | None  # the year of the decision's date (the sealing date for sealed records)


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    person: str
    outcome: str  # one of APPLICATION_OUTCOMES
    days: int | None  # opened to decided, for decided applications


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """One convicted person: the adult profiles that would seal or schedule one of their records."""

    person: str
    covered: frozenset[str]


Row = RecordRow | ApplicationRow | CoverageRow


@dataclass(frozen=True, slots=True)
class QuerySpec:
    name: str
    dataset: str
    title: str
    bound: int  # rows per person counted at most; the L1 sensitivity of the count vector is bound x per_row
    keys: Callable[[int], tuple[str, ...]]  # the cells, from the release's last year (public)
    cells_of: Callable[[Row], tuple[str, ...]]  # the cells one row adds 1 to (none: the row is out of range)

    def per_row(self, last_year: int) -> int:
        """The most cells one row adds to (1, except in the policy simulation)."""
        return len(self.keys(last_year)) if self.name == "policy-coverage" else 1

    def sensitivity(self, last_year: int) -> int:
        return self.bound * self.per_row(last_year)


def _years(last_year: int) -> tuple[str, ...]:
    return tuple(str(y) for y in range(FIRST_YEAR, last_year + 1))


def _record(row: Row) -> RecordRow:
    if not isinstance(row, RecordRow):
        raise StatsError(f"a record release was given a {type(row).__name__}")
    return row


def _application(row: Row) -> ApplicationRow:
    if not isinstance(row, ApplicationRow):
        raise StatsError(f"an application release was given a {type(row).__name__}")
    return row


def _sealed_year(row: Row) -> tuple[str, ...]:
    r = _record(row)
    return (str(r.year),) if r.outcome == "sealed" and r.year is not None else ()


def _by(*fields: str) -> Callable[[Row], tuple[str, ...]]:
    def cells(row: Row) -> tuple[str, ...]:
        r = _record(row)
        values = {"region": r.region, "category": r.category, "outcome": OUTCOMES.get(r.outcome, "")}
        return ("|".join(values[f] for f in fields),)

    return cells


def _product(*lists: Sequence[str]) -> Callable[[int], tuple[str, ...]]:
    keys: list[str] = [""]
    for values in lists:
        keys = [f"{k}|{v}" if k else v for k in keys for v in values]
    return lambda _year: tuple(keys)


def _duration(row: Row) -> tuple[str, ...]:
    days = _application(row).days
    if days is None:
        return ()
    for low, high in DURATION_BUCKETS:
        if days >= low and (high is None or days <= high):
            return (bucket_name(low, high),)
    return ()


def bucket_name(low: int, high: int | None) -> str:
    return f"{low}+ days" if high is None else f"{low}-{high} days"


def _covered(row: Row) -> tuple[str, ...]:
    if not isinstance(row, CoverageRow):
        raise StatsError(f"the policy simulation was given a {type(row).__name__}")
    return (*sorted(row.covered), CONVICTED)


_OUT = tuple(dict.fromkeys(OUTCOMES.values()))
QUERIES: Mapping[str, QuerySpec] = {
    spec.name: spec
    for spec in (
        QuerySpec("sealed-by-year", RECORDS, "Records sealed, by year of sealing", 4, _years, _sealed_year),
        QuerySpec("records-by-outcome", RECORDS, "Records by outcome", 4, _product(_OUT), _by("outcome")),
        QuerySpec(
            "outcomes-by-category", RECORDS, "Records by offence category and outcome", 4,
            _product(CATEGORIES, _OUT), _by("category", "outcome"),
        ),
        QuerySpec(
            "outcomes-by-region", RECORDS, "Records by region and outcome", 4,
            _product(REGIONS, _OUT), _by("region", "outcome"),
        ),
        QuerySpec(
            "applications-by-outcome", CASES, "Sealing applications by outcome", 2,
            _product(APPLICATION_OUTCOMES), lambda row: (_application(row).outcome,),
        ),
        QuerySpec(
            "application-durations", CASES, "Decided applications by days from filing to decision", 2,
            _product([bucket_name(lo, hi) for lo, hi in DURATION_BUCKETS]), _duration,
        ),
        QuerySpec(
            "policy-coverage", RECORDS,
            "Policy simulation: convicted people each adult minor-crime profile would cover (not law)", 1,
            _product((*PROFILES, CONVICTED)), _covered,
        ),
    )
}  # fmt: skip


def spec(name: str) -> QuerySpec:
    try:
        return QUERIES[name]
    except KeyError:
        raise StatsError.of(StatsRefusal.UNKNOWN_QUERY, query=name, known=", ".join(QUERIES)) from None


def bounded(rows: Iterable[Row], bound: int) -> list[Row]:
    """At most ``bound`` rows per person, the first ones in the order given (the caller's stable order)."""
    seen: Counter[str] = Counter()
    kept = []
    for row in rows:
        if seen[row.person] < bound:
            seen[row.person] += 1
            kept.append(row)
    return kept


def counts(query: QuerySpec, rows: Iterable[Row], last_year: int) -> tuple[tuple[str, ...], list[int]]:
    """The exact counts per cell (before noise), in the query's cell order; rows out of range are left out.
    Each person's first ``query.bound`` rows are counted (as ``bounded``), in one pass."""
    keys = query.keys(last_year)
    index = {key: i for i, key in enumerate(keys)}
    out = [0] * len(keys)
    seen: dict[str, int] = {}
    bound, cells_of = query.bound, query.cells_of
    for row in rows:
        n = seen.get(row.person, 0)
        if n >= bound:
            continue
        seen[row.person] = n + 1
        for cell in cells_of(row):
            i = index.get(cell)
            if i is not None:
                out[i] += 1
    return keys, out


def weighted_counts(
    query: QuerySpec, groups: Iterable[tuple[Row, int]], last_year: int
) -> tuple[tuple[str, ...], list[int]]:
    """``counts`` for rows already bounded per person and grouped by the store: each (row, how many)."""
    keys = query.keys(last_year)
    index = {key: i for i, key in enumerate(keys)}
    out = [0] * len(keys)
    for row, weight in groups:
        for cell in query.cells_of(row):
            i = index.get(cell)
            if i is not None:
                out[i] += weight
    return keys, out


RECORD_COLUMNS = tuple(f.name for f in fields(RecordRow))  # person, region, category, outcome, year


def first_rows(frame: pl.DataFrame, bound: int) -> pl.DataFrame:
    """Each person's first ``bound`` rows (as ``bounded``), by runs: a stable sort by person unless the rows
    come sorted already (the store's order), then each row's place in its person's run — no hash table of
    persons, which costs ten times as much at a million records (bench/bench_secure_sum.py)."""
    if not frame["person"].is_sorted():
        frame = frame.sort("person", maintain_order=True)  # stable: a person's rows keep the caller's order
    index = pl.int_range(pl.len())
    starts = (pl.col("person") != pl.col("person").shift(1)).fill_null(value=True)
    return frame.filter(index - pl.when(starts).then(index).forward_fill() < bound)


def frame_counts(query: QuerySpec, frame: pl.DataFrame, last_year: int) -> tuple[tuple[str, ...], list[int]]:
    """``counts`` for record rows held as columns (``RECORD_COLUMNS``, in the caller's stable order): polars
    keeps each person's first ``query.bound`` rows and groups the rest by what the cells depend on (region,
    category, outcome, year), so ``cells_of`` runs once per distinct row, not once per record."""
    if tuple(frame.columns) != RECORD_COLUMNS:
        raise StatsError(f"query {query.name}: the record columns are {', '.join(RECORD_COLUMNS)}")
    groups = first_rows(frame, query.bound).group_by(RECORD_COLUMNS[1:]).len(name="n")
    rows = ((RecordRow("", g["region"], g["category"], g["outcome"], g["year"]), g["n"])
            for g in groups.iter_rows(named=True))  # fmt: skip
    return weighted_counts(query, rows, last_year)
