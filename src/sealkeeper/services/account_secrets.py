"""The secrets of accounts: argon2id password hashes, TOTP secrets and codes, and bearer tokens.

- Passwords: argon2id through argon2-cffi's ``PasswordHasher`` with the library's defaults (RFC 9106's second
  recommended option: t=3, m=64 MiB, p=4). Tests pass a cheaper hasher. ``check_needs_rehash`` upgrades old
  hashes at the next successful sign-in.
- TOTP (RFC 6238, SHA-1, 6 digits, 30 s, pyotp): a code of the current step or one step either side is accepted
  (pyotp's ``valid_window=1``); the matched step is returned so that a code is never accepted twice.
- The TOTP secret is sealed (AEAD, the deployment's cipher suite) bound to (account id, ``totp_secret``), under a
  key derived from the deployment's blind-index key: HMAC(index key, "account.totp_key") with the suite's hash,
  cut to the suite's key length (an HKDF-Expand of one block with its own label, so it never equals a blind
  index or a digest). No new key is stored: the index key is already wrapped by the KEK, and ``keys rotate``
  re-wraps it, so the secrets stay readable across rotations and retirements.
- Tokens (sessions, API tokens): 32 random bytes (``secrets``), URL-safe; only their SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from functools import cache

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sealkeeper.auth.passwords import normalise
from sealkeeper.services.protection import Protector

DEFAULT_HASHER = PasswordHasher()
TOTP_FIELD = "totp_secret"
TOTP_ISSUER = "sealkeeper"
TOTP_WINDOW = 1  # steps either side of the current one


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(normalise(password))


def verify_password(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, normalise(password))
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def burn_verify(hasher: PasswordHasher, password: str) -> None:
    """Spend the time of one verification for a username that does not exist, so the answer's timing does not
    tell which usernames exist."""
    verify_password(hasher, _dummy_hash(hasher), password)


def new_password() -> str:
    """A generated password: 24 URL-safe characters (144 bits)."""
    return secrets.token_urlsafe(18)


def new_totp_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, RFC 4226's recommended length


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def matched_step(secret: str, code: str, at: dt.datetime) -> int | None:
    """The time step (RFC 6238 counter) within the window around ``at`` whose code is ``code``, or None."""
    code = code.strip()
    if not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at)
    for step in range(now - TOTP_WINDOW, now + TOTP_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def totp_code(secret: str, at: dt.datetime) -> str:
    """The code an authenticator shows at ``at`` (for tests and the demo's outside checks)."""
    return pyotp.TOTP(secret).at(at)


def _totp_key(protector: Protector) -> bytes:
    derived = protector.suite.blind_index(protector.index_key, "account.totp_key")
    return derived[: protector.suite.data_key_bytes]


def seal_totp_secret(protector: Protector, account_id: str, secret: str) -> bytes:
    return protector.seal(_totp_key(protector), account_id, TOTP_FIELD, 0, secret)


def open_totp_secret(protector: Protector, account_id: str, blob: bytes) -> str:
    return protector.unseal(_totp_key(protector), account_id, TOTP_FIELD, 0, blob)


def new_token(prefix: str) -> str:
    """A bearer token: ``prefix`` and 32 random bytes, URL-safe (the prefix tells sessions from API tokens)."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored of a token: SHA-256, hex. A 256-bit random token needs no salt or slow hash."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
