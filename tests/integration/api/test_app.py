"""The application made from the environment (each `sealkeeper serve --workers N` process makes its own)
serves the home the environment names, prepared for its first requests; its request threads; and the order of
its routers, which decides nothing but how soon the busiest route is found."""

from __future__ import annotations

import gc
import re

import anyio.to_thread
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from sealkeeper.api.app import API_ROUTERS, app_from_environment, create_app
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


def _template(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    return re.compile("".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts) + "$")


def test_no_request_matches_routes_of_two_routers_so_their_order_decides_nothing() -> None:
    """``API_ROUTERS`` puts the busiest router first; that is safe while no request (a path with each parameter
    filled in, and its method) could match a route of another router. Within a router the order is its own."""
    routes = [
        (n, r.path, set(r.methods or ()))
        for n, router in enumerate(API_ROUTERS)
        for r in router.routes
        if isinstance(r, APIRoute)
    ]
    assert len(routes) == sum(len(router.routes) for router in API_ROUTERS)
    assert ("/certificates", {"POST"}) in [(path, methods) for _, path, methods in routes]
    for n, path, methods in routes:
        request = re.sub(r"\{[^}]+\}", "x1", path)
        others = [p for m, p, ms in routes if m != n and ms & methods and _template(p).match(request)]
        assert others == [], (methods, path, others)
