"""The application made from the environment (each `sealkeeper serve --workers N` process makes its own)
serves the home the environment names, prepared for its first requests."""

from __future__ import annotations

import gc

import pytest
from fastapi.testclient import TestClient

from sealkeeper.api.app import app_from_environment
from sealkeeper.config import Settings


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
