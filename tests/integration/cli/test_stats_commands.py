"""`sealkeeper stats budget --set` acts as the account of SEALKEEPER_TOKEN: none is a usage error, a
statistician is refused (they spend the budget, they do not set it), an administrator sets it, in the ledger."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from sealkeeper.cli.main import cli
from sealkeeper.config import Settings
from sealkeeper.services import accounts
from sealkeeper.services.store_access import open_store
from sealkeeper.store.ledger_tables import ledger_entries


def token_for(home: Settings, role: str) -> str:
    now = dt.datetime.now(dt.UTC)
    accounts.create_account(home, accounts.LOCAL_OPERATOR, role, [role], now)
    return accounts.issue_api_token(home, accounts.LOCAL_OPERATOR, role, "cli", now, dt.timedelta(days=1)).token


def totals(cli_runner: CliRunner) -> dict[str, float]:
    shown = cli_runner.invoke(cli, ["stats", "budget", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    return {b["dataset"]: b["epsilon_total"] for b in json.loads(shown.output)["budgets"]}


def budget_changes(home: Settings) -> list[dict[str, object]]:
    with open_store(home).connect() as conn:
        entries = [json.loads(bytes(d)) for d in conn.execute(sa.select(ledger_entries.c.data)).scalars()]
    return [e for e in entries if e["type"] == "stats.budget_set"]


def test_setting_the_budget_needs_an_administrators_token(
    cli_runner: CliRunner, home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEALKEEPER_TOKEN", raising=False)
    missing = cli_runner.invoke(cli, ["stats", "budget", "--set", "3", "--dataset", "cases"])
    assert missing.exit_code == 2
    assert "SEALKEEPER_TOKEN" in missing.output
    monkeypatch.setenv("SEALKEEPER_TOKEN", token_for(home, "statistician"))
    denied = cli_runner.invoke(cli, ["stats", "budget", "--set", "3", "--dataset", "cases"])
    assert denied.exit_code != 0
    assert "may not configure" in str(denied.exception)
    assert totals(cli_runner)["cases"] == 10.0  # unchanged
    assert budget_changes(home) == []
    monkeypatch.setenv("SEALKEEPER_TOKEN", "not-a-token")
    assert cli_runner.invoke(cli, ["stats", "budget", "--set", "3"]).exit_code == 2
    monkeypatch.setenv("SEALKEEPER_TOKEN", token_for(home, "administrator"))
    done = cli_runner.invoke(cli, ["stats", "budget", "--set", "3", "--dataset", "cases", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert totals(cli_runner)["cases"] == 3.0
    [change] = budget_changes(home)
    assert (change["dataset"], change["epsilon_total"]) == ("cases", "3")
    assert str(change["account"]).startswith("acct")  # the administrator's account id, not the local operator
    assert change["account"] != "local-operator"
