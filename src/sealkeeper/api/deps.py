"""What every route may depend on: the settings, the clock, and the signed-in account.

Credentials come as ``Authorization: Bearer <token>``: a session token (from ``POST /api/v1/session``) or an
API token for system-to-system calls. Anything else is a 401 that says what is missing, never why a token
failed in detail beyond idle/expired/unknown.

The dependencies that do no I/O are ``async``: FastAPI runs a plain ``def`` dependency in its thread pool, a
hand-over to a thread and back for each (four per request here before), which cost more than their work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sealkeeper.access import Account
from sealkeeper.api.errors import ApiError
from sealkeeper.config import Settings
from sealkeeper.services import sign_in

bearer = HTTPBearer(auto_error=False, description="a session token or an API token")


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_now(request: Request) -> dt.datetime:
    clock: Callable[[], dt.datetime] = request.app.state.clock
    return clock()


SettingsDep = Annotated[Settings, Depends(get_settings)]
NowDep = Annotated[dt.datetime, Depends(get_now)]


async def bearer_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    if credentials is None or not credentials.credentials:
        raise ApiError(401, "sign in first: send Authorization: Bearer <token>")
    return credentials.credentials


def current_account(settings: SettingsDep, now: NowDep, token: Annotated[str, Depends(bearer_token)]) -> Account:
    if token.startswith(sign_in.SESSION_PREFIX):
        found = sign_in.authenticate_session(settings, token, now)
    else:
        found = sign_in.authenticate_api_token(settings, token, now)
    if not found.ok or found.account is None:
        raise ApiError(401, f"not signed in: the token is {found.check.admission}")
    return found.account


AccountDep = Annotated[Account, Depends(current_account)]
TokenDep = Annotated[str, Depends(bearer_token)]
