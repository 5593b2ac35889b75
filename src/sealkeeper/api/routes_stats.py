"""Statistics (issue 8): the releases that can be asked for, the privacy budget, and differentially private
releases. The statistician's: the policy decision point decides and logs each call (``read_statistics``);
setting a budget is the administrator's (``configure``). Every release is spent and in the ledger before its
numbers are answered, as on the command line."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from sealkeeper.access import Action
from sealkeeper.api.deps import AccountDep, NowDep, SettingsDep
from sealkeeper.api.errors import ApiError
from sealkeeper.services import stats
from sealkeeper.services.authorization import require
from sealkeeper.stats.errors import BudgetExceededError
from sealkeeper.stats.queries import QUERIES

router = APIRouter(prefix="/stats", tags=["statistics"])
Epsilon = Field(min_length=1, max_length=16, pattern=r"^[0-9.]+$", description="e.g. 1 or 0.25")
Period = Field(default=None, pattern=r"^[0-9]{4}$", description="a year; default: this year")


class ReleaseRequest(BaseModel):
    query: str = Field(min_length=1, max_length=64)
    epsilon: str = Epsilon
    period: str | None = Period


class BudgetRequest(BaseModel):
    dataset: str = Field(min_length=1, max_length=16)
    epsilon_total: str = Epsilon
    period: str | None = Period


@router.get("/queries")
def list_queries(account: AccountDep, settings: SettingsDep, now: NowDep) -> dict[str, Any]:
    """The names a release may ask for, each with its dataset and what it counts."""
    require(settings, account, Action.READ_STATISTICS, now)
    return {"queries": [{"query": q.name, "dataset": q.dataset, "title": q.title} for q in QUERIES.values()]}


@router.get("/budget")
def budget(account: AccountDep, settings: SettingsDep, now: NowDep) -> dict[str, Any]:
    """Total and spent epsilon per dataset and period (as ``sealkeeper stats budget --format json``)."""
    return {"budgets": [view.json() for view in stats.budgets_for(settings, account, now)]}


@router.put("/budget")
def set_budget(body: BudgetRequest, account: AccountDep, settings: SettingsDep, now: NowDep) -> dict[str, Any]:
    """The administrator sets a dataset's total for a period (never below what is spent); in the ledger."""
    return stats.set_budget(settings, body.dataset, body.period, body.epsilon_total, now, account=account).json()


@router.post("/releases", responses={409: {"description": "the release would exceed the privacy budget"}})
def release(body: ReleaseRequest, account: AccountDep, settings: SettingsDep, now: NowDep) -> dict[str, Any]:
    """A differentially private release: {"query", "epsilon", "mechanism", "cells": [{"key", "value", "ci95"}]}.
    Over the budget: 409, nothing spent."""
    try:
        result = stats.release(settings, body.query, body.epsilon, now, account=account, period=body.period)
    except BudgetExceededError as exc:
        raise ApiError(409, str(exc)) from None
    return result.json()
