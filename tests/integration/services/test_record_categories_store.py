"""The offence category stored with each decision (SQLite and PostgreSQL): written by the import as the
statistics computed it from the facts before migration 0008, counted the same, filled by `sealkeeper migrate`
in a home decided before it, and never counted as "unknown" when it is missing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection

from sealkeeper.config import Settings
from sealkeeper.errors import StoreError
from sealkeeper.model.record import EventType
from sealkeeper.rules.cn_catalogue import Catalogue
from sealkeeper.rules.cn_statute import StatuteParseError, parse_criminal_law_citation
from sealkeeper.services import evaluation, record_categories, stats, stats_data
from sealkeeper.services.records import migrate_home
from sealkeeper.services.store_access import close_all, open_store
from sealkeeper.stats import queries
from sealkeeper.store.database import _alembic_config, head_revision, make_engine
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.store.tables import bundles, decisions

AT = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


# --- the computation before migration 0008 (services/stats_data.py at 854219f), kept as the oracle ---------
NON_CONVICTION = frozenset(
    {EventType.NON_PROSECUTION, EventType.ACQUITTAL, EventType.DISMISSAL, EventType.CASE_WITHDRAWN}
)


def old_chapters(catalogue: Catalogue) -> Callable[[str], str]:
    @cache
    def chapter_of(statute: str) -> str:
        try:
            ref = parse_criminal_law_citation(statute)
        except StatuteParseError:
            return "unknown"
        entry = catalogue.lookup(ref) if ref is not None else None
        return (
            queries.CHAPTERS.get(entry.chapter, "unknown")
            if entry is not None and entry.part == "special"
            else "unknown"
        )

    return chapter_of


def old_category(facts: dict[str, Any], record_id: str, chapter_of: Callable[[str], str] | None) -> str:
    events = {e.get("id"): e for e in facts.get("events", ())}
    event = events.get(record_id) or {}
    kind = event.get("type")
    if kind == "admin_penalty":
        return "public_security_penalty"
    if kind in NON_CONVICTION:
        return "non_conviction"
    if kind == "conviction" and chapter_of is not None:
        first = next(iter(event.get("offense_ids", ())), None)
        return chapter_of((events.get(first) or {}).get("offense", {}).get("statute", ""))
    return "unknown"


def old_record_rows(conn: Connection) -> Iterator[queries.RecordRow]:
    """``stats_data.record_rows(conn, with_category=True)`` as it was: every bundle's facts parsed."""
    catalogue = evaluation.pack_for("CN").extras["criminal_law"]
    assert isinstance(catalogue, Catalogue)
    chapter_of = old_chapters(catalogue)
    query = (
        sa.select(bundles.c.token, bundles.c.id, bundles.c.jurisdiction, decisions.c.record_id, decisions.c.status,
                  decisions.c.date, bundles.c.facts)
        .select_from(decisions.join(bundles, decisions.c.bundle_id == bundles.c.id))
        .order_by(bundles.c.token, bundles.c.id, decisions.c.record_id)
    )  # fmt: skip
    for row in conn.execute(query):
        category = old_category(json.loads(row.facts), row.record_id, chapter_of)
        year = row.date.year if row.date is not None else None
        yield queries.RecordRow(row.token, row.jurisdiction, category, row.status, year)


# ------------------------------------------------------------------------------------------------------------


def stored_and_old(conn: Connection) -> list[tuple[str | None, str]]:
    """(stored category, the category the facts gave before 0008) of every decision."""
    catalogue = evaluation.pack_for("CN").extras["criminal_law"]
    assert isinstance(catalogue, Catalogue)
    chapter_of = old_chapters(catalogue)
    query = sa.select(decisions.c.record_id, decisions.c.category, bundles.c.facts).select_from(
        decisions.join(bundles, decisions.c.bundle_id == bundles.c.id)
    )
    return [(r.category, old_category(json.loads(r.facts), r.record_id, chapter_of)) for r in conn.execute(query)]


def test_the_import_stores_the_category_the_facts_gave(population: Settings) -> None:
    with open_store(population).connect() as conn:
        pairs = stored_and_old(conn)
    assert [stored for stored, _ in pairs] == [old for _, old in pairs]
    assert {"property", "public_safety", "public_security_penalty", "non_conviction"} <= {s for s, _ in pairs}


def test_category_counts_are_those_of_the_old_computation(population: Settings) -> None:
    spec = queries.spec("outcomes-by-category")
    with open_store(population).connect() as conn:
        old = queries.counts(spec, old_record_rows(conn), AT.year)
        assert stats_data.counts_for(conn, spec, AT.date()) == old
        assert queries.counts(spec, stats_data.record_rows(conn, with_category=True), AT.year) == old
        assert sum(old[1]) > 0
        for bound in (1, 2):  # bounds that cut some people's records: the ranked part of the query counts too
            cut = replace(spec, bound=bound)
            by_database = queries.weighted_counts(cut, stats_data.record_groups(conn, bound, True), AT.year)
            assert by_database == queries.counts(cut, old_record_rows(conn), AT.year), bound


def _null_categories(home: Settings) -> None:
    with make_engine(home.database_url).begin() as conn:
        conn.execute(sa.update(decisions).where(decisions.c.record_id == "e2").values(category=None))


def test_a_release_refuses_records_without_a_category_and_migrate_fills_them(population: Settings) -> None:
    with open_store(population).connect() as conn:
        before = sorted(conn.execute(sa.select(decisions.c.bundle_id, decisions.c.record_id, decisions.c.category)))
    _null_categories(population)
    with pytest.raises(StoreError, match=r"^decisions\.category: .*no stored category; run `sealkeeper migrate`"):
        stats.release(population, "outcomes-by-category", "1", AT)
    with open_store(population).connect() as conn, pytest.raises(StoreError, match=r"record e2 of bundle SY-"):
        list(stats_data.record_rows(conn, with_category=True))
    spent = [v.json()["epsilon_spent"] for v in stats.budgets(population, AT) if v.budget.dataset == "records"]
    assert spent == [0.0], "a refused release spends nothing"
    assert migrate_home(population) == (head_revision(), head_revision())
    with open_store(population).connect() as conn:
        after = sorted(conn.execute(sa.select(decisions.c.bundle_id, decisions.c.record_id, decisions.c.category)))
        assert record_categories.fill_missing(conn) == 0, "nothing left to fill"
    assert after == before
    assert stats.release(population, "outcomes-by-category", "1", AT).cells


def test_migrate_fills_the_categories_of_a_home_decided_before_0008(population: Settings) -> None:
    engine = make_engine(population.database_url)
    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0007")
        assert "category" not in {c["name"] for c in sa.inspect(connection).get_columns("decisions")}
    engine.dispose()
    close_all()
    assert migrate_home(population) == ("0007", head_revision())
    with open_store(population).connect() as conn:
        pairs = stored_and_old(conn)
        last = conn.execute(sa.select(ledger_entries.c.data).order_by(ledger_entries.c.idx.desc())).scalars().first()
    assert pairs
    assert [stored for stored, _ in pairs] == [old for _, old in pairs]
    assert json.loads(bytes(last or b"{}")) == {"type": "store.migrated", "from": "0007", "to": head_revision()}


def test_the_fill_works_in_rounds(population: Settings) -> None:
    _null_categories(population)
    with make_engine(population.database_url).begin() as conn:
        missing = conn.execute(sa.select(sa.func.count()).where(decisions.c.category.is_(None))).scalar_one()
        assert missing > 7
        assert record_categories.fill_missing(conn, chunk=7) == missing
        assert [stored for stored, _ in stored_and_old(conn)] == [old for _, old in stored_and_old(conn)]
