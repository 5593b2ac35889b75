"""The application made from the environment (each `sealkeeper serve --workers N` process makes its own)
serves the home the environment names."""

from __future__ import annotations

import gc

import pytest
from fastapi.testclient import TestClient

from sealkeeper.access import certificate_rules
from sealkeeper.adapters.packfiles import available, load_pack
from sealkeeper.api.app import app_from_environment
from sealkeeper.config import Settings
from sealkeeper.formats import bundle


def test_the_app_from_the_environment_serves_that_home(home: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEALKEEPER_HOME", str(home.home))
    monkeypatch.setenv("SEALKEEPER_DATABASE_URL", home.database_url)
    load_pack.cache_clear()
    certificate_rules.cache_clear()
    bundle._fast_validators.cache_clear()  # what the server builds before it listens
    try:
        app = app_from_environment()
        # prepared before its first request: the caches built, and what they hold out of the collector's way
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this test process keeps collecting all it has
    assert load_pack.cache_info().currsize == len(available())
    assert certificate_rules.cache_info().currsize >= 1
    assert bundle._fast_validators.cache_info().currsize == 1
    assert app.state.settings.home == home.home
    assert app.state.settings.database_url == home.database_url
    with TestClient(app) as client:
        assert client.get("/healthz").json()["status"] == "ok"
