"""The FastAPI application: ``create_app(settings, clock)``.

The clock is a parameter (the `serve` command passes the real one; tests pass a fixed one), so that every
date the services see comes from one place at the edge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from sealkeeper import web
from sealkeeper.api import (
    errors,
    routes_access,
    routes_auth,
    routes_cases,
    routes_documents,
    routes_ledger,
    routes_procedures,
    routes_proposals,
    routes_stats,
)
from sealkeeper.config import Settings, load_settings
from sealkeeper.services.serving import prepare


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def threads_limited(threads: int | None) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan that lets at most ``threads`` requests run their blocking work at once (anyio's thread pool,
    where FastAPI runs every plain ``def`` route and dependency; None: anyio's default, 40).

    A process runs Python one thread at a time: 40 request threads took turns on one core, each waiting for
    the others between its database round trips, so a request that had taken the ledger's lock held it
    longer. With 8, the other requests wait in the event loop instead, which costs nothing; certificates
    at 200 a second on PostgreSQL: p99 15 ms instead of 33, and 3.9 ms of CPU each instead of 4.6
    (``bench/bench_certificates.py``)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if threads is not None:
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    return lifespan


#: Under ``/api/v1``, documents first: FastAPI matches a request against every route of each router before the
#: one that has it (and that one twice), and certificates are the busiest route. The order decides nothing
#: else: no request matches routes of two routers (tests/integration/api/test_app.py).
API_ROUTERS = (
    routes_documents.router,
    routes_auth.router,
    routes_cases.router,
    routes_ledger.router,
    routes_procedures.router,
    routes_access.router,
    routes_stats.router,
    routes_proposals.router,
)


def create_app(
    settings: Settings, clock: Callable[[], dt.datetime] = utc_now, *, threads: int | None = None
) -> FastAPI:
    app = FastAPI(
        lifespan=threads_limited(threads),
        title="sealkeeper",
        version="1",
        summary="Sealing minor criminal records (轻微犯罪记录封存) by law, with privacy computing",
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.clock = clock
    errors.install(app)
    app.include_router(routes_ledger.health)
    for router in API_ROUTERS:
        app.include_router(router, prefix="/api/v1")
    web.install(app)  # the pages (issue 7), on the same services and policy
    return app


def app_from_environment() -> FastAPI:
    """The application for the home named by the environment (``sealkeeper serve --workers N``: each worker
    process makes its own), prepared for its first requests."""
    settings = load_settings()
    prepare(settings)
    return create_app(settings)
