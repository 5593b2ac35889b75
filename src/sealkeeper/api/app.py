"""The FastAPI application: ``create_app(settings, clock)``.

The clock is a parameter (the `serve` command passes the real one; tests pass a fixed one), so that every
date the services see comes from one place at the edge.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable

from fastapi import FastAPI

from sealkeeper import web
from sealkeeper.access import CertificateError, certificate_rules
from sealkeeper.access.policy import load_policy
from sealkeeper.adapters.packfiles import load_all
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
from sealkeeper.formats.bundle import compile_validators
from sealkeeper.rules.engine import resolver_for
from sealkeeper.services.store_access import open_store


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_app(settings: Settings, clock: Callable[[], dt.datetime] = utc_now) -> FastAPI:
    app = FastAPI(
        title="sealkeeper",
        version="1",
        summary="Sealing minor criminal records (轻微犯罪记录封存) by law, with privacy computing",
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.clock = clock
    errors.install(app)
    app.include_router(routes_ledger.health)
    for router in (routes_auth.router, routes_cases.router, routes_ledger.router, routes_procedures.router,
                   routes_access.router, routes_documents.router, routes_stats.router,
                   routes_proposals.router):  # fmt: skip
        app.include_router(router, prefix="/api/v1")
    web.install(app)  # the pages (issue 7), on the same services and policy
    return app


def prepare(settings: Settings) -> None:
    """Make a server process ready for its first requests, before it listens.

    First it builds what requests build once and then cache: the store's engine, the packs with their
    statute resolvers, the certificate rules, the access policy, the bundle validators. Without this, the
    first burst of concurrent requests built each of them in every request thread at once. A profile of the
    certificate benchmark's first seconds showed 2.4 s of schema compiling.

    Then it moves what it built out of the garbage collector's sight (``gc.freeze``). Every full collection
    walked all of it: a pause of 100 to 180 ms in each 5 s under load, which set the p99 of even
    ``/healthz`` (``bench/bench_certificates.py``). Tests that make an application skip this: their
    requests come one at a time."""
    open_store(settings)
    for pack_id, pack in load_all().items():
        resolver_for(pack)
        with contextlib.suppress(CertificateError):  # a pack without certificate rules: refused at request
            certificate_rules(pack_id)
    load_policy()
    compile_validators()
    gc.collect()
    gc.freeze()


def app_from_environment() -> FastAPI:
    """The application for the home named by the environment (``sealkeeper serve --workers N``: each worker
    process makes its own), prepared for its first requests."""
    settings = load_settings()
    prepare(settings)
    return create_app(settings)
