"""The `sealkeeper stats` commands as outside checks run them (issue 8, "Command line"): secure-sum's JSON keys
and agreeing totals; release's and budget's JSON keys on a demo home; a release over the budget exits non-zero
saying so and spends nothing; CSV and charts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

SEALKEEPER = Path(sys.executable).parent / "sealkeeper"


def run(home: Path, *args: str, token: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SEALKEEPER_HOME": str(home)}
    env.pop("SEALKEEPER_DATABASE_URL", None)
    env.pop("SEALKEEPER_TOKEN", None)
    if token:
        env["SEALKEEPER_TOKEN"] = token
    return subprocess.run([str(SEALKEEPER), *args], env=env, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603 - our own console script


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("stats") / "home"
    done = run(home, "demo", "--people", "100", "--format", "json")
    assert done.returncode == 0, done.stderr
    (home / "demo-accounts.json").write_text(done.stdout, encoding="utf-8")
    return home


def administrator_token(home: Path) -> str:
    """An API token of the demo home's administrator (`stats budget --set` acts as it)."""
    made = json.loads((home / "demo-accounts.json").read_text(encoding="utf-8"))
    username = next(a["username"] for a in made if a["role"] == "administrator")
    done = run(home, "accounts", "token", "--username", username, "--name", "e2e")
    assert done.returncode == 0, done.stderr
    return next(line.split()[-1] for line in done.stdout.splitlines() if line.startswith("token:"))


def budget(home: Path) -> dict[str, float]:
    done = run(home, "stats", "budget", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"budgets"}
    assert all(set(b) == {"dataset", "period", "epsilon_total", "epsilon_spent"} for b in data["budgets"])
    return {b["dataset"]: b["epsilon_spent"] for b in data["budgets"]}


def test_secure_sum_prints_the_named_keys_and_the_totals_agree(tmp_path: Path) -> None:
    done = run(tmp_path, "stats", "secure-sum", "--agencies", "3", "--cells", "24", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"agencies", "cells", "decrypted_total", "plaintext_total", "seconds"}
    assert (data["agencies"], data["cells"]) == (3, 24)
    assert data["decrypted_total"] == data["plaintext_total"]
    assert len(data["decrypted_total"]) == 24
    assert data["seconds"] > 0


def test_queries_lists_the_names_the_issue_requires(demo_home: Path) -> None:
    done = run(demo_home, "stats", "queries", "--format", "json")
    names = {q["query"] for q in json.loads(done.stdout)["queries"]}
    assert {"sealed-by-year", "outcomes-by-category", "policy-coverage"} <= names


def test_release_json_budget_and_refusal_over_the_budget(demo_home: Path) -> None:
    before = budget(demo_home)["records"]
    done = run(demo_home, "stats", "release", "--query", "outcomes-by-category", "--epsilon", "1", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"query", "epsilon", "mechanism", "cells"}
    assert (data["query"], data["epsilon"]) == ("outcomes-by-category", 1.0)
    assert all(set(c) == {"key", "value", "ci95"} and len(c["ci95"]) == 2 for c in data["cells"])
    assert budget(demo_home)["records"] == before + 1.0
    over = run(demo_home, "stats", "release", "--query", "sealed-by-year", "--epsilon", "100", "--format", "json")
    assert over.returncode != 0
    assert "privacy budget exceeded" in over.stderr
    assert "nothing spent" in over.stderr
    assert over.stdout == ""
    assert "Traceback" not in over.stderr
    assert budget(demo_home)["records"] == before + 1.0


def test_application_outcomes_agree_with_the_cases_and_come_as_csv_and_charts(demo_home: Path, tmp_path: Path) -> None:
    assert run(demo_home, "stats", "budget", "--set", "1000", "--dataset", "cases").returncode == 2  # no account
    token = administrator_token(demo_home)
    assert run(demo_home, "stats", "budget", "--set", "1000", "--dataset", "cases", token=token).returncode == 0
    png, svg = tmp_path / "a.png", tmp_path / "d.svg"
    done = run(demo_home, "stats", "release", "--query", "applications-by-outcome", "--epsilon", "500",
               "--format", "csv", "--chart", str(png))  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "query,epsilon,mechanism,key,value,ci95_low,ci95_high"
    released = {row.split(",")[-4]: int(row.split(",")[-3]) for row in lines[1:]}
    engine = sa.create_engine(f"sqlite:///{demo_home / 'sealkeeper.db'}")
    try:
        with engine.connect() as conn:
            states = conn.execute(sa.text("SELECT state, body FROM cases WHERE procedure = 'application'")).all()
    finally:
        engine.dispose()
    decided = [json.loads(body)["outcome"] for state, body in states if json.loads(body)["outcome"]]
    assert released["seal"] == decided.count("seal")  # scale 0.004: the noise is 0 but with odds of e^-250
    assert released["refuse"] == decided.count("refuse")
    assert sum(released.values()) == len(states)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    done = run(demo_home, "stats", "release", "--query", "application-durations", "--epsilon", "1",
               "--chart", str(svg))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert b"<svg" in svg.read_bytes()
