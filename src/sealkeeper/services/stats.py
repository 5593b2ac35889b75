"""Differentially private releases with a persisted privacy budget (issue 8; founding paper §3.1, §3.3).

    release(settings, "sealed-by-year", "1", at, account)

One transaction: (the access decision, when an account asks,) the store's writer lock, the budget of the
query's dataset for the period, the exact counts, OpenDP's noise, the ledger entry with the release's
parameters (never its values or anyone's data), the new spend and the release row. The result is returned
only after that transaction has committed: the spend is on disk before anyone sees the numbers, and a crash
before the commit shows nothing. A release that does not fit the remaining budget is refused with
BudgetExceededError and spends nothing (the access decision stays logged).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.access import AccessDecision, Account, Action
from sealkeeper.config import Settings
from sealkeeper.services.authorization import decide_on, refused, require
from sealkeeper.services.ledger import Ledger, open_ledger
from sealkeeper.services.store_access import open_store, writer_lock
from sealkeeper.stats import queries
from sealkeeper.stats.budget import Budget, as_float, parse_epsilon, show
from sealkeeper.stats.errors import BudgetExceededError, StatsError, StatsRefusal
from sealkeeper.store.database import transaction
from sealkeeper.store.stats_tables import stats_budgets, stats_releases

if TYPE_CHECKING:
    from sealkeeper.stats.release import Release

DEFAULT_TOTAL = parse_epsilon("10")  # per dataset and period until an administrator sets another (`budget --set`)
DATASETS = (queries.RECORDS, queries.CASES)
LOCAL_OPERATOR = "local-operator"  # the command line without SEALKEEPER_TOKEN: whoever holds the home's keys


@dataclass(frozen=True, slots=True)
class BudgetView:
    budget: Budget

    def json(self) -> dict[str, Any]:
        b = self.budget
        return {
            "dataset": b.dataset,
            "period": b.period,
            "epsilon_total": as_float(b.total),
            "epsilon_spent": as_float(b.spent),
        }


def period_of(at: dt.datetime, period: str | None) -> str:
    if period is None:
        return f"{at.year:04d}"
    if len(period) != 4 or not period.isdigit():
        raise StatsError.of(StatsRefusal.PERIOD_YEAR)
    return period


def _budget(conn: Connection, dataset: str, period: str) -> Budget:
    row = conn.execute(
        sa.select(stats_budgets).where(stats_budgets.c.dataset == dataset, stats_budgets.c.period == period)
    ).first()
    if row is None:
        conn.execute(
            stats_budgets.insert().values(dataset=dataset, period=period, epsilon_total=DEFAULT_TOTAL, epsilon_spent=0)
        )
        return Budget(dataset, period, DEFAULT_TOTAL, 0)
    return Budget(dataset, period, int(row.epsilon_total), int(row.epsilon_spent))


def _save(conn: Connection, before: Budget, after: Budget) -> None:
    done = conn.execute(
        stats_budgets.update()
        .where(
            stats_budgets.c.dataset == before.dataset,
            stats_budgets.c.period == before.period,
            stats_budgets.c.epsilon_spent == before.spent,
            stats_budgets.c.epsilon_total == before.total,
        )
        .values(epsilon_total=after.total, epsilon_spent=after.spent)
    )
    if done.rowcount != 1:  # cannot happen under the writer lock; refuse rather than overspend
        raise StatsError.of(StatsRefusal.BUDGET_CHANGED, dataset=before.dataset, period=before.period)


def _authorise(conn: Connection, ledger: Ledger, account: Account | None, at: dt.datetime) -> AccessDecision | None:
    if account is None:
        return None
    return decide_on(conn, ledger, account, Action.READ_STATISTICS, at)


def _compute(conn: Connection, query: queries.QuerySpec, cost: int, at: dt.datetime) -> Release:
    from sealkeeper.services import stats_data  # noqa: PLC0415 - the rules engine only for a release, not `budget`
    from sealkeeper.stats.release import release_counts, with_shares  # noqa: PLC0415 - OpenDP likewise

    keys, counts = stats_data.counts_for(conn, query, at.date())
    result = release_counts(query.name, keys, counts, query.sensitivity(at.year), cost)
    return with_shares(result, queries.CONVICTED) if query.name == "policy-coverage" else result


def _release(conn: Connection, ledger: Ledger, query: queries.QuerySpec, cost: int, *, period: str,
             at: dt.datetime, actor: str) -> Release | BudgetExceededError:  # fmt: skip
    writer_lock(conn)
    before = _budget(conn, query.dataset, period)
    try:
        after = before.charge(cost)
    except BudgetExceededError as exc:  # refused before anything is computed or written: nothing is spent
        return exc
    result = _compute(conn, query, cost, at)
    release_id = f"SR-{secrets.token_hex(8)}"
    index = ledger.append(
        conn,
        {
            "type": "stats.release", "release": release_id, "dataset": query.dataset, "period": period,
            "account": actor, "at": at.isoformat(), **result.parameters(),
            "budget_spent": show(after.spent), "budget_total": show(after.total),
        },
    )  # fmt: skip
    _save(conn, before, after)
    conn.execute(
        stats_releases.insert().values(
            id=release_id, dataset=query.dataset, period=period, query=query.name, epsilon=cost, account=actor,
            released_at=at, ledger_index=index, output=json.dumps(result.json(), ensure_ascii=False),
        )
    )  # fmt: skip
    return result


def release(settings: Settings, query_name: str, epsilon: str, at: dt.datetime, *,
            account: Account | None = None, period: str | None = None) -> Release:  # fmt: skip
    """Release ``query_name`` at ``epsilon``; returned only once its spend and ledger entry are committed."""
    query = queries.spec(query_name)
    cost = parse_epsilon(epsilon)
    when = period_of(at, period)
    engine, ledger = open_store(settings), open_ledger(settings)
    result: Release | BudgetExceededError | None = None
    with transaction(engine) as conn:
        decision = _authorise(conn, ledger, account, at)
        if decision is None or decision.allowed:
            actor = account.id if account else LOCAL_OPERATOR
            result = _release(conn, ledger, query, cost, period=when, at=at, actor=actor)
    if decision is not None and not decision.allowed:
        raise refused(decision)
    if result is None or isinstance(result, BudgetExceededError):
        raise result or StatsError.of(StatsRefusal.NOT_RELEASED)
    return result


def budgets(settings: Settings, at: dt.datetime) -> list[BudgetView]:
    """Every budget row, and this period's default for datasets that have none yet (spent 0)."""
    with open_store(settings).connect() as conn:
        rows = conn.execute(sa.select(stats_budgets).order_by(stats_budgets.c.period, stats_budgets.c.dataset))
        found = {(r.dataset, r.period): Budget(r.dataset, r.period, int(r.epsilon_total), int(r.epsilon_spent))
                 for r in rows}  # fmt: skip
    for dataset in DATASETS:
        found.setdefault((dataset, period_of(at, None)), Budget(dataset, period_of(at, None), DEFAULT_TOTAL, 0))
    return [BudgetView(found[key]) for key in sorted(found, key=lambda k: (k[1], k[0]))]


def budgets_for(settings: Settings, account: Account, at: dt.datetime) -> list[BudgetView]:
    """``budgets`` for a signed-in account: the statistician's (the policy decides and logs the reading)."""
    require(settings, account, Action.READ_STATISTICS, at)
    return budgets(settings, at)


def set_budget(settings: Settings, dataset: str, period: str | None, total: str, at: dt.datetime, *,
               account: Account) -> BudgetView:  # fmt: skip
    """Set a dataset's total for a period (never below what it has spent), as ``account``; logged in the ledger.

    The policy's ``configure`` action decides (the administrator's): the budget bounds what the statisticians
    may spend, so those who spend it do not set it (separation of duties, as for accounts). A refusal is logged
    and changes nothing."""
    if dataset not in DATASETS:
        raise StatsError(f"dataset: {dataset!r} is not one of {', '.join(DATASETS)}")
    when = period_of(at, period)
    amount = parse_epsilon(total, "epsilon_total")
    engine, ledger = open_store(settings), open_ledger(settings)
    after: Budget | None = None
    with transaction(engine) as conn:
        decision = decide_on(conn, ledger, account, Action.CONFIGURE, at)
        if decision.allowed:
            writer_lock(conn)
            before = _budget(conn, dataset, when)
            after = before.with_total(amount)
            ledger.append(
                conn,
                {"type": "stats.budget_set", "dataset": dataset, "period": when, "account": account.id,
                 "at": at.isoformat(), "epsilon_total": show(after.total), "epsilon_spent": show(after.spent)},
            )  # fmt: skip
            _save(conn, before, after)
    if after is None:
        raise refused(decision)
    return BudgetView(after)
