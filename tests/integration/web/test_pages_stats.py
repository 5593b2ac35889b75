"""The statistician's page over a real store (SQLite and PostgreSQL): queries, the budget spent and left, a
release form whose result shows epsilon, every value with its 95% interval and the chart; over the budget the
error stands beside the field and nothing is spent; others are refused; Chinese by default, English on request."""

from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import person_bundle, write_jsonl
from fastapi.testclient import TestClient
from web_session import csrf, signed_in

from sealkeeper.config import Settings
from sealkeeper.services import stats
from sealkeeper.services.importing import import_file

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def sign_in(home: Settings, role: str) -> TestClient:
    return signed_in(home, NOW, f"u-{role}", [role], next_page="/stats", landing=(200, 403))


def spent(home: Settings) -> float:
    return float(next(v.json()["epsilon_spent"] for v in stats.budgets(home, NOW) if v.budget.dataset == "records"))


@pytest.fixture
def populated(home: Settings, tmp_path: Path) -> Settings:
    bundles = [person_bundle(i) for i in range(1, 6)]
    import_file(home, write_jsonl(tmp_path / "a.jsonl", bundles), dt.date(2026, 6, 30), NOW.date())
    return home


def test_the_statistician_releases_from_the_page(populated: Settings) -> None:
    client = sign_in(populated, "statistician")
    page = client.get("/stats")
    assert page.status_code == 200
    assert 'lang="zh-CN"' in page.text
    assert "隐私预算" in page.text
    assert 'href="/stats"' in page.text  # the navigation link
    assert 'value="policy-coverage"' in page.text
    done = client.post("/stats/release", data={"csrf": csrf(page.text), "query": "records-by-outcome",
                                               "epsilon": "0.5"})  # fmt: skip
    assert done.status_code == 200, done.text
    assert "已按ε = 0.5发布" in done.text
    assert spent(populated) == 0.5
    rows = re.findall(r"<tr><td>([a-z_]+)</td><td>(\d+)</td><td>([\d.]+) – ([\d.]+)</td></tr>", done.text)
    assert [r[0] for r in rows] == ["sealed", "eligible", "refused", "unsealed", "needs_review"]
    assert all(float(low) <= int(value) <= float(high) for _, value, low, high in rows)
    chart = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)"', done.text)
    assert chart is not None
    assert b"<svg" in base64.b64decode(chart.group(1))
    assert "<td>0.5</td><td>9.5</td>" in done.text  # the budget table after the release: spent, remaining


def test_over_the_budget_the_error_is_beside_the_field_and_nothing_is_spent(populated: Settings) -> None:
    client = sign_in(populated, "statistician")
    english = client.get("/lang/en", params={"next": "/stats"})
    assert "Privacy budget" in english.text
    over = client.post("/stats/release", data={"csrf": csrf(english.text), "query": "sealed-by-year",
                                               "epsilon": "11"})  # fmt: skip
    assert over.status_code == 409
    assert re.search(r'id="epsilon-error" role="alert">privacy budget exceeded[^<]*nothing spent', over.text)
    assert 'aria-invalid="true"' in over.text
    assert spent(populated) == 0.0
    empty = client.post("/stats/release", data={"csrf": csrf(over.text), "query": "sealed-by-year", "epsilon": ""})
    assert empty.status_code == 422
    assert "This field is required." in empty.text
    forged = client.post("/stats/release", data={"csrf": "0" * 64, "query": "sealed-by-year", "epsilon": "1"})
    assert forged.status_code == 403
    assert spent(populated) == 0.0


def test_a_clerk_is_refused_the_page_and_the_release(populated: Settings) -> None:
    client = sign_in(populated, "clerk")
    page = client.get("/stats")
    assert page.status_code == 403
    assert 'href="/stats"' not in page.text
    refused = client.post("/stats/release", data={"csrf": csrf(page.text), "query": "sealed-by-year", "epsilon": "1"})
    assert refused.status_code == 403
    assert spent(populated) == 0.0
