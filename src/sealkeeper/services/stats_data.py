"""The rows the statistics count, read from the store: decided records (facts under tokens, no identity),
application cases, and the policy simulation (the stored facts re-decided under each adult profile).

Only what a release needs is read: the person key is the subject token (used to bound each person's
contribution, never released), the region is the bundle's jurisdiction (bundle format 1 holds no court or
region below it), the category is the Criminal Law chapter of the first offence a conviction names.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import orjson
import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.record import Bundle, EventType
from sealkeeper.rules.cn_catalogue import Catalogue
from sealkeeper.rules.cn_statute import StatuteParseError, parse_criminal_law_citation
from sealkeeper.services import evaluation
from sealkeeper.stats.queries import (
    CASES,
    CHAPTERS,
    PROFILES,
    RECORD_COLUMNS,
    RECORDS,
    ApplicationRow,
    CoverageRow,
    QuerySpec,
    RecordRow,
    Row,
    counts,
    frame_counts,
    weighted_counts,
)
from sealkeeper.store.procedure_tables import cases
from sealkeeper.store.tables import bundles, decisions

COVERING_RULE = "cn.adult.minor_crime_profile"  # the CN pack's rule that seals under an adult profile
COVERING_STATUS = frozenset({"sealed", "eligible_on"})
NON_CONVICTION = frozenset(
    {EventType.NON_PROSECUTION, EventType.ACQUITTAL, EventType.DISMISSAL, EventType.CASE_WITHDRAWN}
)
_CHUNK = 50_000


def _catalogue() -> Catalogue | None:
    found = evaluation.pack_for("CN").extras.get("criminal_law")
    return found if isinstance(found, Catalogue) else None


def _chapter(events: dict[Any, dict[str, Any]], conviction: dict[str, Any], chapter_of: Callable[[str], str]) -> str:
    """The special-part chapter of the first offence a conviction names ("unknown" if none can be read)."""
    first = next(iter(conviction.get("offense_ids", ())), None)
    return chapter_of((events.get(first) or {}).get("offense", {}).get("statute", ""))


def chapters(catalogue: Catalogue) -> Callable[[str], str]:
    """Statute citation -> Criminal Law chapter name, remembered per citation (a population repeats a few
    hundred citations)."""

    @cache
    def chapter_of(statute: str) -> str:
        try:
            ref = parse_criminal_law_citation(statute)
        except StatuteParseError:
            return "unknown"
        entry = catalogue.lookup(ref) if ref is not None else None
        return CHAPTERS.get(entry.chapter, "unknown") if entry is not None and entry.part == "special" else "unknown"

    return chapter_of


def _category(facts: dict[str, Any], record_id: str, chapter_of: Callable[[str], str] | None) -> str:
    events = {e.get("id"): e for e in facts.get("events", ())}
    event = events.get(record_id) or {}
    kind = event.get("type")
    if kind == "admin_penalty":
        return "public_security_penalty"
    if kind in NON_CONVICTION:
        return "non_conviction"
    if kind == "conviction" and chapter_of is not None:
        return _chapter(events, event, chapter_of)
    return "unknown"


def record_rows(conn: Connection, with_category: bool) -> Iterator[RecordRow]:
    """Every decided record, ordered by person, bundle and record (the order contribution bounding keeps)."""
    catalogue = _catalogue() if with_category else None
    chapter_of = chapters(catalogue) if catalogue is not None else None
    columns = [bundles.c.token, bundles.c.id, bundles.c.jurisdiction, decisions.c.record_id, decisions.c.status,
               decisions.c.date]  # fmt: skip
    if with_category:
        columns.append(bundles.c.facts)
    query = (
        sa.select(*columns)
        .select_from(decisions.join(bundles, decisions.c.bundle_id == bundles.c.id))
        .order_by(bundles.c.token, bundles.c.id, decisions.c.record_id)
    )
    facts_of: tuple[str, dict[str, Any]] = ("", {})
    for row in conn.execute(query).yield_per(_CHUNK):
        category = "unknown"
        if with_category:
            if facts_of[0] != row.id:
                facts_of = (row.id, orjson.loads(row.facts))
            category = _category(facts_of[1], row.record_id, chapter_of)
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
SELECT status, jurisdiction, date, count(*) AS k FROM (
  SELECT d.status, b.jurisdiction, d.date FROM bundles b CROSS JOIN decisions d
  WHERE d.bundle_id = b.id AND b.token NOT IN (SELECT token FROM heavy)
  UNION ALL
  SELECT status, jurisdiction, date FROM (
    SELECT d.status, b.jurisdiction, d.date,
           row_number() OVER (PARTITION BY b.token ORDER BY b.id, d.record_id) AS n
    FROM bundles b CROSS JOIN decisions d WHERE d.bundle_id = b.id AND b.token IN (SELECT token FROM heavy)
  ) ranked WHERE n <= :bound
) kept GROUP BY status, jurisdiction, date
"""


def record_groups(conn: Connection, bound: int) -> Iterator[tuple[RecordRow, int]]:
    """The decided records grouped by (status, region, year) after keeping each person's first ``bound`` (the
    order of ``record_rows``), counted by the database, no row in Python.

    Few people have more than ``bound`` decided records: only theirs are ranked (``row_number``, the costly
    part); everyone else's are counted as they are. The join runs from the bundles' side (``CROSS JOIN`` keeps
    that order in SQLite, and is an ordinary join to PostgreSQL) on the covering indexes of migration 0007,
    never reading a bundle's wide row; grouping by date and taking its year here spares a date function per
    record. 1,002,155 records on SQLite: 7.4 s of CPU before the indexes, 2.5 s with them, 1.6 s so."""
    query = sa.text(_GROUPS).columns(
        sa.column("status", sa.String), sa.column("jurisdiction", sa.String), sa.column("date", sa.Date),
        sa.column("k", sa.Integer),
    )  # fmt: skip
    by_year: Counter[tuple[str, str, int | None]] = Counter()
    for row in conn.execute(query, {"bound": bound}):
        by_year[(row.status, row.jurisdiction, row.date.year if row.date is not None else None)] += int(row.k)
    for (status, region, year), k in by_year.items():
        yield RecordRow("", region, "unknown", status, year), k


def rows_for(conn: Connection, query: QuerySpec, as_of: dt.date) -> Iterator[Row]:
    if query.name == "policy-coverage":
        yield from coverage_rows(conn, as_of)
    elif query.dataset == CASES:
        yield from application_rows(conn)
    else:
        yield from record_rows(conn, with_category="category" in query.name)


def record_frame(conn: Connection) -> pl.DataFrame:
    """``record_rows`` with categories, as columns (``RECORD_COLUMNS``) for ``frame_counts``."""
    columns: tuple[list[Any], ...] = ([], [], [], [], [])
    for row in record_rows(conn, with_category=True):
        for values, value in zip(columns, (row.person, row.region, row.category, row.outcome, row.year), strict=True):
            values.append(value)
    schema = dict(zip(RECORD_COLUMNS, (pl.String, pl.String, pl.String, pl.String, pl.Int64), strict=True))
    return pl.DataFrame(dict(zip(RECORD_COLUMNS, columns, strict=True)), schema=schema)


def counts_for(conn: Connection, query: QuerySpec, as_of: dt.date) -> tuple[tuple[str, ...], list[int]]:
    """The exact counts of a release: by the database where the cells need no facts (outcome, region, year);
    with polars over the records' columns where each record's category is read from its facts; row by row
    for applications and the policy simulation (it re-decides the facts)."""
    if query.dataset == RECORDS and query.name != "policy-coverage":
        if "category" in query.name:
            return frame_counts(query, record_frame(conn), as_of.year)
        return weighted_counts(query, record_groups(conn, query.bound), as_of.year)
    return counts(query, rows_for(conn, query, as_of), as_of.year)
