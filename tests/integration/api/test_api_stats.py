"""Statistics over HTTP (SQLite and PostgreSQL): the statistician lists the queries, reads the budget and makes
a release that is spent and in the ledger; a clerk is refused (403, logged); a release over the budget is a 409
that spends nothing; the administrator sets the budget and the statistician may not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import ledger_events, person_bundle, write_jsonl
from fastapi.testclient import TestClient

from sealkeeper.api import create_app
from sealkeeper.config import Settings
from sealkeeper.services import accounts
from sealkeeper.services.importing import import_file

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def headers(home: Settings, role: str) -> dict[str, str]:
    accounts.create_account(home, accounts.LOCAL_OPERATOR, f"u-{role}", [role], NOW, jurisdictions=["CN"])
    issued = accounts.issue_api_token(home, accounts.LOCAL_OPERATOR, f"u-{role}", "t", NOW, dt.timedelta(days=1))
    return {"Authorization": f"Bearer {issued.token}"}


@pytest.fixture
def client(home: Settings, tmp_path: Path) -> TestClient:
    bundles = [person_bundle(i) for i in range(1, 6)]
    import_file(home, write_jsonl(tmp_path / "a.jsonl", bundles), dt.date(2026, 6, 30), NOW.date())
    return TestClient(create_app(home, clock=lambda: NOW), raise_server_exceptions=False)


def spent(client: TestClient, who: dict[str, str], dataset: str = "records") -> float:
    answer = client.get("/api/v1/stats/budget", headers=who)
    assert answer.status_code == 200, answer.text
    return float(next(b["epsilon_spent"] for b in answer.json()["budgets"] if b["dataset"] == dataset))


def test_the_statistician_lists_reads_the_budget_and_releases(client: TestClient, home: Settings) -> None:
    statistician = headers(home, "statistician")
    names = {q["query"] for q in client.get("/api/v1/stats/queries", headers=statistician).json()["queries"]}
    assert {"sealed-by-year", "outcomes-by-category", "policy-coverage"} <= names
    assert spent(client, statistician) == 0.0
    answer = client.post("/api/v1/stats/releases", headers=statistician,
                         json={"query": "records-by-outcome", "epsilon": "0.5"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (set(body), body["query"], body["epsilon"]) == ({"query", "epsilon", "mechanism", "cells"},
                                                           "records-by-outcome", 0.5)  # fmt: skip
    assert all(c["ci95"][0] <= c["value"] <= c["ci95"][1] for c in body["cells"])
    assert spent(client, statistician) == 0.5
    [logged] = ledger_events(home, "stats.release")
    assert (logged["query"], logged["epsilon"]) == ("records-by-outcome", "0.5")
    over = client.post("/api/v1/stats/releases", headers=statistician,
                       json={"query": "sealed-by-year", "epsilon": "9.6"})  # fmt: skip
    assert over.status_code == 409
    assert "nothing spent" in over.json()["error"]
    assert spent(client, statistician) == 0.5
    unknown = client.post("/api/v1/stats/releases", headers=statistician, json={"query": "nope", "epsilon": "1"})
    assert unknown.status_code == 400
    assert "query: no release called 'nope'" in unknown.json()["error"]


def test_others_are_refused_and_only_the_administrator_sets_the_budget(client: TestClient, home: Settings) -> None:
    clerk, statistician = headers(home, "clerk"), headers(home, "statistician")
    administrator = headers(home, "administrator")
    for path in ("/api/v1/stats/queries", "/api/v1/stats/budget"):
        assert client.get(path, headers=clerk).status_code == 403
    refused = client.post("/api/v1/stats/releases", headers=clerk, json={"query": "sealed-by-year", "epsilon": "1"})
    assert refused.status_code == 403
    assert client.get("/api/v1/stats/budget").status_code == 401
    assert spent(client, statistician) == 0.0
    denied = [e for e in ledger_events(home) if e["type"] == "access.decision" and e.get("outcome") == "deny"]
    assert len(denied) == 3
    raise_own = {"dataset": "records", "epsilon_total": "100"}
    assert client.put("/api/v1/stats/budget", headers=statistician, json=raise_own).status_code == 403
    done = client.put("/api/v1/stats/budget", headers=administrator, json={**raise_own, "period": "2026"})
    assert done.status_code == 200, done.text
    assert done.json()["epsilon_total"] == 100.0
    bad = client.put("/api/v1/stats/budget", headers=administrator, json={"dataset": "x", "epsilon_total": "1"})
    assert bad.status_code == 400
    assert "dataset" in bad.json()["error"]
