"""The rows the statistics count, read from the store: decided records (facts under tokens, no identity),
application cases, and the policy simulation (the stored facts re-decided under each adult profile).

Only what a release needs is read: the person key is the subject token (used to bound each person's
contribution, never released), the region is the bundle's jurisdiction (bundle format 1 holds no court or
region below it), the category is the one stored with the decision when the record was decided
(``services.record_categories``: the Criminal Law chapter of the first offence a conviction names).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.errors import StoreError
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.record import Bundle, EventType
from sealkeeper.services import evaluation
from sealkeeper.stats.queries import (
    CASES,
    PROFILES,
    RECORDS,
    ApplicationRow,
    CoverageRow,
    QuerySpec,
    RecordRow,
    Row,
    counts,
    weighted_counts,
)
from sealkeeper.store.procedure_tables import cases
from sealkeeper.store.tables import bundles, decisions

COVERING_RULE = "cn.adult.minor_crime_profile"  # the CN pack's rule that seals under an adult profile
COVERING_STATUS = frozenset({"sealed", "eligible_on"})
_CHUNK = 50_000


def _category(row: Any) -> str:
    """A record's stored category (``services.record_categories``); refused when the store has none for it
    (decided before migration 0008 and not filled since: ``sealkeeper migrate`` fills it)."""
    if row.category is None:
        raise StoreError(
            f"decisions.category: record {row.record_id} of bundle {row.id} has no stored category; "
            "run `sealkeeper migrate`"
        )
    return str(row.category)


def record_rows(conn: Connection, with_category: bool) -> Iterator[RecordRow]:
    """Every decided record, ordered by person, bundle and record (the order contribution bounding keeps)."""
    columns = [bundles.c.token, bundles.c.id, bundles.c.jurisdiction, decisions.c.record_id, decisions.c.status,
               decisions.c.date]  # fmt: skip
    if with_category:
        columns.append(decisions.c.category)
    query = (
        sa.select(*columns)
        .select_from(decisions.join(bundles, decisions.c.bundle_id == bundles.c.id))
        .order_by(bundles.c.token, bundles.c.id, decisions.c.record_id)
    )
    for row in conn.execute(query).yield_per(_CHUNK):
        category = _category(row) if with_category else "unknown"
        year = row.date.year if row.date is not None else None
        yield RecordRow(row.token, row.jurisdiction, category, row.status, year)


def _day(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def application_rows(conn: Connection) -> Iterator[ApplicationRow]:
    """Every application case: its outcome (seal, refuse, withdrawn, lapsed or pending) and, once decided, the
    days from filing to decision."""
    query = (
        sa.select(cases.c.subject, cases.c.state, cases.c.opened_on, cases.c.body)
        .where(cases.c.procedure == "application")
        .order_by(cases.c.subject, cases.c.opened_on, cases.c.case_id)
    )
    for row in conn.execute(query):
        body = json.loads(row.body)
        outcome = body.get("outcome") or (row.state if row.state in {"withdrawn", "lapsed"} else "pending")
        decided = _day(body.get("decided_on"))
        days = (decided - row.opened_on).days if decided is not None and body.get("outcome") else None
        yield ApplicationRow(row.subject, str(outcome), days)


def coverage_rows(conn: Connection, as_of: dt.date) -> list[CoverageRow]:
    """One row per convicted person (CN): the adult profiles under which one of their records would be sealed
    or scheduled for sealing on ``as_of`` (the CN pack's profile rule deciding it)."""
    owner: dict[str, str] = {}
    population: list[Bundle] = []
    query = sa.select(bundles.c.id, bundles.c.token, bundles.c.facts).where(bundles.c.jurisdiction == "CN")
    for row in conn.execute(query.order_by(bundles.c.token, bundles.c.id)).yield_per(_CHUNK):
        bundle = parse_bundle(json.loads(row.facts))
        owner[bundle.id] = row.token
        population.append(bundle)
    convicted = {owner[b.id] for b in population if any(e.type == EventType.CONVICTION for e in b.events)}
    covered: dict[str, set[str]] = defaultdict(set)
    for profile in PROFILES:
        result = evaluation.scan(population, evaluation.pack_for("CN", profile), as_of, time.perf_counter)
        hits = result.decisions.filter(
            (result.decisions["rule"] == COVERING_RULE) & result.decisions["status"].is_in(list(COVERING_STATUS))
        )
        for pid in hits["pid"].unique().to_list():
            covered[owner[pid]].add(profile)
    return [CoverageRow(person, frozenset(covered.get(person, ()))) for person in sorted(convicted)]


_GROUPS = """
WITH heavy AS (
  SELECT b.token FROM bundles b CROSS JOIN decisions d WHERE d.bundle_id = b.id
  GROUP BY b.token HAVING count(*) > :bound
)
SELECT {columns}, count(*) AS k FROM (
  SELECT {picked} FROM bundles b CROSS JOIN decisions d
  WHERE d.bundle_id = b.id AND b.token NOT IN (SELECT token FROM heavy)
  UNION ALL
  SELECT {columns} FROM (
    SELECT {picked}, row_number() OVER (PARTITION BY b.token ORDER BY b.id, d.record_id) AS n
    FROM bundles b CROSS JOIN decisions d WHERE d.bundle_id = b.id AND b.token IN (SELECT token FROM heavy)
  ) ranked WHERE n <= :bound
) kept GROUP BY {columns}
"""


def _groups_query(with_category: bool) -> sa.TextualSelect:
    """``_GROUPS`` over (status, jurisdiction, date), with the stored category before the date if asked."""
    names = ["status", "jurisdiction", *(["category"] if with_category else []), "date"]
    picked = ", ".join(f"b.{n}" if n == "jurisdiction" else f"d.{n}" for n in names)
    text = _GROUPS.format(columns=", ".join(names), picked=picked)  # names: this function's constants
    return sa.text(text).columns(
        *(sa.column(n, sa.Date if n == "date" else sa.String) for n in names), sa.column("k", sa.Integer)
    )


def record_groups(conn: Connection, bound: int, with_category: bool = False) -> Iterator[tuple[RecordRow, int]]:
    """The decided records grouped by (status, region, year), and by stored category if asked, after keeping
    each person's first ``bound`` (the order of ``record_rows``), counted by the database, no row in Python.

    Few people have more than ``bound`` decided records: only theirs are ranked (``row_number``, the costly
    part); everyone else's are counted as they are. The join runs from the bundles' side (``CROSS JOIN`` keeps
    that order in SQLite, and is an ordinary join to PostgreSQL) on the covering indexes of migrations 0007
    and 0008 (the category is the last column of the decisions'), never reading a bundle's wide row; grouping
    by date and taking its year here spares a date function per record. 1,002,155 records on SQLite: 7.4 s
    of CPU before the indexes, 2.5 s with them, 1.6 s so."""
    by_year: Counter[tuple[str, str, str | None, int | None]] = Counter()
    for row in conn.execute(_groups_query(with_category), {"bound": bound}):
        category = row.category if with_category else "unknown"
        year = row.date.year if row.date is not None else None
        by_year[(row.status, row.jurisdiction, category, year)] += int(row.k)
    if missing := sum(k for key, k in by_year.items() if key[2] is None):
        raise StoreError(
            f"decisions.category: {missing} decided record(s) have no stored category; run `sealkeeper migrate`"
        )
    for (status, region, category, year), k in by_year.items():
        yield RecordRow("", region, str(category), status, year), k


def rows_for(conn: Connection, query: QuerySpec, as_of: dt.date) -> Iterator[Row]:
    if query.name == "policy-coverage":
        yield from coverage_rows(conn, as_of)
    elif query.dataset == CASES:
        yield from application_rows(conn)
    else:
        yield from record_rows(conn, with_category="category" in query.name)


def counts_for(conn: Connection, query: QuerySpec, as_of: dt.date) -> tuple[tuple[str, ...], list[int]]:
    """The exact counts of a release: by the database for the decided records (outcome, region, year and the
    category stored with each decision); row by row for applications and the policy simulation (it re-decides
    the facts).

    Before migration 0008 the category release parsed every record's facts and counted them with polars. Read
    from the stored column, polars over the rows took 1.6 s of CPU at 200,000 records and the database's
    grouping 0.4 s, so the category is grouped by the database like the others. The whole release at
    1,002,155 records (bench/bench_dp_store.py, SQLite): 18.3 s of CPU before, 2.1 s now."""
    if query.dataset == RECORDS and query.name != "policy-coverage":
        groups = record_groups(conn, query.bound, with_category="category" in query.name)
        return weighted_counts(query, groups, as_of.year)
    return counts(query, rows_for(conn, query, as_of), as_of.year)
