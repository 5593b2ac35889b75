"""The HTTP service (FastAPI): ``create_app(settings, clock)``; `sealkeeper serve` runs it with uvicorn.

Versioned under ``/api/v1``; OpenAPI at ``/openapi.json``; health at ``/healthz``. Routes are thin: they
authenticate, call a service, and map its values to JSON. Every access decision is taken by the one policy
decision point (``sealkeeper.access``) inside the services and logged in the ledger.
"""

from sealkeeper.api.app import create_app

__all__ = ["create_app"]
