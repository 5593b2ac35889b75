"""Logged-in PKCS#11 sessions, shared per token within the process. Used by ``pkcs11``.

PKCS#11 v2.40 (base specification, C_Login and C_Logout) makes the login state belong to
the application, not the session: a second C_Login fails with CKR_USER_ALREADY_LOGGED_IN, and C_Logout on
any session logs out all of them. So two providers for one token in one process share one session,
counted; the last :func:`release` logs out. Messages never contain the PIN.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from contextlib import suppress
from dataclasses import dataclass

import pkcs11
from pkcs11 import exceptions as p11e
from pkcs11.types import Session

from sealkeeper.errors import KeyUnavailableError

_REASONS: dict[type[p11e.PKCS11Error], str] = {
    p11e.PinIncorrect: "wrong PIN",
    p11e.PinLocked: "the PIN is locked (too many wrong PINs); the security officer must reset it",
    p11e.PinExpired: "the PIN has expired",
    p11e.PinInvalid: "the PIN has characters the token does not accept",
    p11e.PinLenRange: "the PIN is too long or too short for this token",
    p11e.UserPinNotInitialized: "the token's user PIN is not initialised",
    p11e.TokenNotPresent: "the token is not present",
    p11e.TokenNotRecognised: "the token is not recognised",
    p11e.DeviceRemoved: "the token was removed",
    p11e.DeviceError: "the device reported an error",
    p11e.SessionCount: "the token has no free sessions",
    p11e.UserTooManyTypes: "another user type is logged in to this token",
}


def reason(exc: p11e.PKCS11Error) -> str:
    """A short, PIN-free description of a PKCS#11 error (the CKR_ name's class for unlisted ones)."""
    return _REASONS.get(type(exc), type(exc).__name__)


@dataclass
class _Login:
    session: Session
    pin_digest: bytes
    users: int


_LOGINS: dict[tuple[str, str], _Login] = {}
_LOCK = threading.Lock()


def _key(module_path: str, token_label: str) -> tuple[str, str]:
    return os.path.realpath(module_path), token_label


def acquire(module_path: str, token_label: str, pin: str) -> Session:
    """A read/write session on the token, logged in as the user; :class:`KeyUnavailableError` if the module
    cannot be loaded, the token is missing, or the login fails."""
    where = f"PKCS#11 token {token_label!r} (module {module_path})"
    digest = hashlib.sha256(pin.encode("utf-8")).digest()
    with _LOCK:
        shared = _LOGINS.get(_key(module_path, token_label))
        if shared is not None:
            if not hmac.compare_digest(shared.pin_digest, digest):
                raise KeyUnavailableError(f"{where}: login failed: wrong PIN (not the PIN this process logged in with)")
            shared.users += 1
            return shared.session
        if not os.path.isfile(module_path):
            raise KeyUnavailableError(f"PKCS#11 module {module_path} not found (is the HSM client library installed?)")
        try:
            lib = pkcs11.lib(module_path)
        except p11e.PKCS11Error:
            raise KeyUnavailableError(f"PKCS#11 module {module_path} cannot be loaded") from None
        try:
            token = lib.get_token(token_label=token_label)
        except p11e.NoSuchToken:
            raise KeyUnavailableError(f"no PKCS#11 token labelled {token_label!r} in module {module_path}") from None
        except p11e.MultipleTokensReturned:
            raise KeyUnavailableError(
                f"more than one PKCS#11 token labelled {token_label!r} in {module_path}"
            ) from None
        except p11e.PKCS11Error as exc:
            raise KeyUnavailableError(f"{where}: {reason(exc)}") from None
        try:
            session = token.open(rw=True, user_pin=pin)
        except p11e.PKCS11Error as exc:
            raise KeyUnavailableError(f"{where}: login failed: {reason(exc)}") from None
        _LOGINS[_key(module_path, token_label)] = _Login(session, digest, 1)
        return session


def release(module_path: str, token_label: str) -> None:
    """Give back a session from :func:`acquire`; the last user logs out and closes it."""
    with _LOCK:
        key = _key(module_path, token_label)
        shared = _LOGINS.get(key)
        if shared is None:
            return
        shared.users -= 1
        if shared.users > 0:
            return
        del _LOGINS[key]
        with suppress(p11e.PKCS11Error):  # the token went away: nothing left to log out of
            shared.session.close()
