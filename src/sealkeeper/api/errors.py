"""Errors as HTTP answers: every error names what was wrong and never carries a stack trace or the input.

Request validation errors name each field (``body.password``) and what was expected, but not the value sent
(it may be a password or an ID number). sealkeeper's own errors map to 4xx by kind; anything else is a 500
with a fixed message (and the state unchanged: every service runs in one transaction).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from sealkeeper.auth.errors import AccountError, AuthError, NotAllowedError, PasswordRejectedError
from sealkeeper.errors import ConfigError, KeyDestroyedError, SealkeeperError, StoreError, VaultError
from sealkeeper.procedures.errors import CommandRefusedError, OpeningRefusedError
from sealkeeper.services.procedure_service import InputError

log = logging.getLogger("sealkeeper.api")


class ApiError(SealkeeperError):
    """An error of the API layer with its HTTP status (401 not signed in, 403 refused, 404 not found…)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


STATUS: tuple[tuple[type[Exception], int], ...] = (
    (NotAllowedError, 403),
    (InputError, 422),
    (OpeningRefusedError, 422),
    (PasswordRejectedError, 422),
    (AccountError, 422),
    (AuthError, 401),
    (CommandRefusedError, 409),
    (KeyDestroyedError, 410),  # the person's data was erased (deletion): gone for good, not unavailable
    (VaultError, 503),
    (ConfigError, 503),
    (StoreError, 409),
    (SealkeeperError, 400),
)


def status_of(exc: Exception) -> int:
    if isinstance(exc, ApiError):
        return exc.status
    return next((status for kind, status in STATUS if isinstance(exc, kind)), 500)


def _answer(status: int, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


async def on_sealkeeper_error(_request: Request, exc: Exception) -> JSONResponse:
    """The English message, and the refusal's stable code and values when it has them (what pages translate)."""
    assert isinstance(exc, SealkeeperError)  # noqa: S101 - registered for this type only
    coded = {"code": exc.code, "params": dict(exc.params)} if exc.code else {}
    return _answer(status_of(exc), str(exc), **coded)


async def on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this type only
    fields = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ()))
        fields.append({"field": where, "problem": str(error.get("msg", "invalid"))})
    names = ", ".join(f["field"] for f in fields) or "request"
    return _answer(422, f"invalid input: {names}", fields=fields)


async def on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for this type only
    return _answer(exc.status_code, str(exc.detail))


async def on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected %s in a request (details withheld: they may hold personal data)", type(exc).__name__)
    return _answer(500, "internal error: nothing was changed")


def install(app: FastAPI) -> None:
    app.add_exception_handler(SealkeeperError, on_sealkeeper_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
