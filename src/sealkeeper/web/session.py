"""The page session: the cookie that carries the sign-in token, the language cookie and the CSRF token."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request

from sealkeeper.access import Account
from sealkeeper.services import sign_in

SESSION_COOKIE = "sk_session"
LANG_COOKIE = "sk_lang"


def session_token(request: Request) -> str:
    return request.cookies.get(SESSION_COOKIE, "")


def signed_in(request: Request) -> Account | None:
    token = session_token(request)
    if not token:
        return None
    found = sign_in.authenticate_session(request.app.state.settings, token, request.app.state.clock())
    return found.account if found.ok else None


def csrf_token(request: Request) -> str:
    """A token bound to the session (HMAC of the session token), for every form of a signed-in page."""
    token = session_token(request)
    return hmac.new(token.encode(), b"sealkeeper-csrf", hashlib.sha256).hexdigest() if token else ""


def csrf_ok(request: Request, sent: str) -> bool:
    expected = csrf_token(request)
    return bool(expected) and hmac.compare_digest(expected, sent)
