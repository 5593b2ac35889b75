"""The application made from the environment (each `sealkeeper serve --workers N` process makes its own)
serves the home the environment names, prepared for its first requests."""

from __future__ import annotations

import gc

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from sealkeeper.api.app import app_from_environment, create_app
from sealkeeper.config import Settings
from sealkeeper.store.database import head_revision


def test_the_app_from_the_environment_serves_that_home(home: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEALKEEPER_HOME", str(home.home))
    monkeypatch.setenv("SEALKEEPER_DATABASE_URL", home.database_url)
    try:
        app = app_from_environment()
        assert gc.get_freeze_count() > 0  # prepared before its first request (tests/integration/services/test_serving)
    finally:
        gc.unfreeze()  # this test process keeps collecting all it has
    assert app.state.settings.home == home.home
    assert app.state.settings.database_url == home.database_url
    with TestClient(app) as client:
        assert client.get("/healthz").json()["status"] == "ok"


def _request_threads() -> int:
    return int(anyio.to_thread.current_default_thread_limiter().total_tokens)


@pytest.mark.parametrize("threads", [1, 8])
def test_served_with_threads_at_most_that_many_requests_work_at_once(home: Settings, threads: int) -> None:
    """`sealkeeper serve --threads N`: the event loop's thread pool, where every blocking route runs, holds N."""
    with TestClient(create_app(home, threads=threads)) as client:
        assert client.portal is not None
        assert client.portal.call(_request_threads) == threads
        assert client.get("/healthz").json()["status"] == "ok"


def test_without_threads_the_pool_is_anyio_default(home: Settings) -> None:
    with TestClient(create_app(home)) as client:
        assert client.portal is not None
        assert client.portal.call(_request_threads) == 40  # anyio's documented default


def test_healthz_names_the_schema_the_store_is_at(home: Settings) -> None:
    with TestClient(create_app(home)) as client:
        assert client.get("/healthz").json() == {"status": "ok", "schema": head_revision()}
