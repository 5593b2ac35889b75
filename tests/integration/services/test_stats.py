"""DP releases over a real store (SQLite and PostgreSQL): the spend is persisted before the result is
returned, a release over the budget is refused and spends nothing, each release is in the ledger with its
parameters (no personal data), the statistician may and a clerk may not, and the counts agree with the store."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import replace

import pytest
import sqlalchemy as sa
from conftest import ledger_events

from sealkeeper.access import AccessRole, Account
from sealkeeper.auth.errors import NotAllowedError
from sealkeeper.config import Settings
from sealkeeper.services import stats, stats_data
from sealkeeper.services.store_access import open_store
from sealkeeper.stats import queries
from sealkeeper.stats.errors import BudgetExceededError, StatsError
from sealkeeper.store.database import make_engine
from sealkeeper.store.stats_tables import stats_budgets, stats_releases
from sealkeeper.store.tables import bundles, decisions, subjects

AT = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
STATISTICIAN = Account("acct-stat", frozenset({AccessRole.STATISTICIAN}))
CLERK = Account("acct-clerk", frozenset({AccessRole.CLERK}), jurisdictions=frozenset({"CN"}))
ADMINISTRATOR = Account("acct-admin", frozenset({AccessRole.ADMINISTRATOR}))


def spent(home: Settings, dataset: str = "records") -> dict[str, float]:
    return {
        v.json()["period"]: v.json()["epsilon_spent"] for v in stats.budgets(home, AT) if v.budget.dataset == dataset
    }


def test_a_release_is_spent_logged_and_stored_before_it_is_returned(population: Settings) -> None:
    result = stats.release(population, "sealed-by-year", "0.5", AT, account=STATISTICIAN)
    # a fresh engine, not the service's: what it sees is committed
    engine = make_engine(population.database_url)
    try:
        with engine.connect() as conn:
            budget = conn.execute(sa.select(stats_budgets)).one()
            row = conn.execute(sa.select(stats_releases)).one()
    finally:
        engine.dispose()
    assert (budget.dataset, budget.period, budget.epsilon_spent) == ("records", "2026", 500_000)
    assert json.loads(row.output) == result.json()
    entry = ledger_events(population)[row.ledger_index]
    assert entry["type"] == "stats.release"
    assert entry["query"] == "sealed-by-year"
    assert entry["epsilon"] == "0.5"
    assert entry["mechanism"] == "discrete_laplace"
    assert entry["cells"] == len(result.cells)
    assert entry["budget_spent"] == "0.5"
    text = json.dumps(entry)
    with open_store(population).connect() as conn:
        tokens = conn.execute(sa.select(subjects.c.token)).scalars().all()
    assert not any(token in text for token in tokens)  # no person in the ledger entry
    assert "value" not in entry  # parameters only, not the numbers
    decisions_logged = [e for e in ledger_events(population) if e["type"] == "access.decision" and e.get("action") ==
                        "read_statistics"]  # fmt: skip
    assert decisions_logged


def test_a_release_over_the_budget_is_refused_and_spends_nothing_the_exact_remainder_is_allowed(
    population: Settings,
) -> None:
    stats.set_budget(population, "records", "2026", "1", AT, account=ADMINISTRATOR)
    stats.release(population, "records-by-outcome", "0.6", AT)
    entries = len(ledger_events(population))
    with pytest.raises(BudgetExceededError, match=r"asks for epsilon 0.5 but only 0.4 remains; refused, nothing spent"):
        stats.release(population, "records-by-outcome", "0.5", AT)
    assert spent(population)["2026"] == 0.6
    assert len(ledger_events(population)) == entries  # nothing logged for a refused release (no access decision asked)
    with open_store(population).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(stats_releases)).scalar() == 1
    stats.release(population, "records-by-outcome", "0.4", AT)  # exactly what remains
    assert spent(population)["2026"] == 1.0
    with pytest.raises(BudgetExceededError):
        stats.release(population, "records-by-outcome", "0.000001", AT)
    assert spent(population)["2026"] == 1.0
    other = stats.release(population, "applications-by-outcome", "1", AT)  # another dataset, its own budget
    assert other.query == "applications-by-outcome"
    assert spent(population, "cases")["2026"] == 1.0


def test_a_clerk_is_refused_logged_and_spends_nothing(population: Settings) -> None:
    with pytest.raises(NotAllowedError):
        stats.release(population, "sealed-by-year", "1", AT, account=CLERK)
    assert spent(population)["2026"] == 0.0
    denied = [e for e in ledger_events(population) if e["type"] == "access.decision" and e.get("account") == CLERK.id]
    assert denied
    assert denied[-1]["outcome"] == "deny"


def test_the_administrator_sets_a_budget_in_the_ledger_and_a_statistician_may_not(population: Settings) -> None:
    with pytest.raises(NotAllowedError):
        stats.set_budget(population, "records", "2026", "50", AT, account=STATISTICIAN)  # not their own budget
    assert [v.json()["epsilon_total"] for v in stats.budgets(population, AT) if v.budget.dataset == "records"] == [10.0]
    denied = [
        e for e in ledger_events(population) if e["type"] == "access.decision" and e.get("account") == STATISTICIAN.id
    ]
    assert denied[-1]["outcome"] == "deny"
    assert not ledger_events(population, "stats.budget_set")
    view = stats.set_budget(population, "records", "2026", "2.5", AT, account=ADMINISTRATOR)
    assert view.json() == {"dataset": "records", "period": "2026", "epsilon_total": 2.5, "epsilon_spent": 0.0}
    changes = ledger_events(population, "stats.budget_set")
    assert [(e["account"], e["epsilon_total"], e["dataset"], e["period"]) for e in changes] == [
        (ADMINISTRATOR.id, "2.5", "records", "2026")
    ]


def test_a_failure_before_commit_spends_nothing_and_shows_nothing(population: Settings) -> None:
    with open_store(population).begin() as conn:
        conn.execute(sa.text("DROP TABLE stats_releases"))  # the release's last write will fail
    entries = len(ledger_events(population))
    with pytest.raises(Exception, match="database error"):
        stats.release(population, "sealed-by-year", "1", AT)
    assert len(ledger_events(population)) == entries
    with open_store(population).connect() as conn:
        assert conn.execute(sa.select(sa.func.coalesce(sa.func.sum(stats_budgets.c.epsilon_spent), 0))).scalar() == 0


def test_counts_agree_with_the_store_at_a_large_epsilon(population: Settings) -> None:
    stats.set_budget(population, "records", "2026", "1000", AT, account=ADMINISTRATOR)
    result = stats.release(population, "records-by-outcome", "1000", AT)  # scale 0.004: P(noise != 0) ~ e^-250
    with open_store(population).connect() as conn:
        rows = conn.execute(sa.select(bundles.c.token, decisions.c.status).select_from(
            decisions.join(bundles, decisions.c.bundle_id == bundles.c.id))).all()  # fmt: skip
    per_person = Counter(token for token, _ in rows)
    assert max(per_person.values()) <= 4  # the synthetic people stay within the contribution bound
    exact = Counter({"sealed": 0, "eligible_on": 0, "not_sealed": 0, "unsealed": 0, "needs_review": 0})
    exact.update(status for _, status in rows)
    names = {"sealed": "sealed", "eligible_on": "eligible", "not_sealed": "refused", "unsealed": "unsealed",
             "needs_review": "needs_review"}  # fmt: skip
    assert {c.key: c.value for c in result.cells} == {names[k]: v for k, v in exact.items()}


def test_the_policy_simulation_covers_nested_profiles_of_the_convicted(population: Settings) -> None:
    stats.set_budget(population, "records", "2026", "1000", AT, account=ADMINISTRATOR)
    result = stats.release(population, "policy-coverage", "1000", AT)
    cells = {c.key: c.value for c in result.cells}
    with open_store(population).connect() as conn:
        facts = conn.execute(sa.select(bundles.c.token, bundles.c.facts)).all()
    convicted = {t for t, f in facts if any(e["type"] == "conviction" for e in json.loads(f)["events"])}
    assert cells["convicted"] == len(convicted)
    assert 0 < cells["adult_p3"] <= cells["adult_p2"] <= cells["adult_p1"] <= cells["convicted"]
    assert cells["adult_p1|share"] == pytest.approx(cells["adult_p1"] / cells["convicted"], abs=1e-6)


def test_unknown_query_and_bad_epsilon_name_the_field(population: Settings) -> None:
    with pytest.raises(StatsError, match=r"^query: no release called 'nope'"):
        stats.release(population, "nope", "1", AT)
    with pytest.raises(StatsError, match=r"^epsilon: "):
        stats.release(population, "sealed-by-year", "-1", AT)
    assert spent(population)["2026"] == 0.0


def test_the_database_counts_agree_with_counting_row_by_row(population: Settings) -> None:
    as_of = AT.date()
    with open_store(population).connect() as conn:
        for name in ("sealed-by-year", "records-by-outcome", "outcomes-by-region"):
            spec = queries.spec(name)
            by_database = stats_data.counts_for(conn, spec, as_of)
            row_by_row = queries.counts(spec, stats_data.record_rows(conn, with_category=False), as_of.year)
            assert by_database == row_by_row, name
            assert sum(by_database[1]) > 0, name
        per_person = Counter(r.person for r in stats_data.record_rows(conn, with_category=False))
        assert max(per_person.values()) > 1 == min(per_person.values())
        for bound in (1, 2):  # bounds that cut some people's records, not everyone's: both ways the query counts
            spec = replace(queries.spec("outcomes-by-region"), bound=bound)
            by_database = queries.weighted_counts(spec, stats_data.record_groups(conn, bound), as_of.year)
            row_by_row = queries.counts(spec, stats_data.record_rows(conn, with_category=False), as_of.year)
            assert by_database == row_by_row, bound


def test_categories_counted_by_the_database_agree_with_counting_row_by_row(population: Settings) -> None:
    spec = queries.spec("outcomes-by-category")
    with open_store(population).connect() as conn:
        by_database = stats_data.counts_for(conn, spec, AT.date())
        row_by_row = queries.counts(spec, stats_data.record_rows(conn, with_category=True), AT.year)
    assert by_database == row_by_row
    assert sum(by_database[1]) > 0
