"""Signing in and out, and who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from sealkeeper.api.deps import AccountDep, NowDep, SettingsDep, TokenDep
from sealkeeper.services import sign_in

router = APIRouter(tags=["session"])


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    totp: str = Field(default="", max_length=10, description="the 6-digit code of the authenticator app")


class Me(BaseModel):
    account: str
    roles: list[str]
    subject: str
    jurisdictions: list[str]


@router.post("/session", responses={401: {"description": "refused: bad credentials, locked, code needed"}})
def open_session(body: Credentials, settings: SettingsDep, now: NowDep) -> Any:
    """Sign in with username, password and (for every role that sees records or approves) the TOTP code."""
    result = sign_in.login(settings, body.username, body.password, body.totp, now)
    if not result.ok or result.session is None:
        # the same answer for an unknown user, a wrong password, a disabled or a locked account (no enumeration)
        return JSONResponse({"error": result.message, "outcome": str(result.public_outcome)}, status_code=401)
    return {"token": result.session, "account": result.account}


@router.delete("/session")
def close_session(settings: SettingsDep, now: NowDep, token: TokenDep) -> dict[str, bool]:
    return {"closed": sign_in.logout(settings, token, now)}


@router.get("/me", response_model=Me)
def me(account: AccountDep) -> Me:
    return Me(account=account.id, roles=sorted(str(r) for r in account.roles), subject=account.subject,
              jurisdictions=sorted(account.jurisdictions))  # fmt: skip
