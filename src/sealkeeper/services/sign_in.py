"""Signing in, sessions and API tokens: ``login``, ``authenticate_session``, ``logout``,
``authenticate_api_token``.

The decisions are the pure core's (``sealkeeper.auth``); this module hashes, checks codes, stores the state and
logs. Every sign-in attempt, whatever its outcome, goes into the ledger in the transaction that stores the
lockout state: the account id (none for an unknown username), the outcome and the reason; never the username,
the password or the code. Sessions and API tokens are looked up by the SHA-256 of the token.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy.engine import Connection

from sealkeeper.access import Account
from sealkeeper.auth import (
    DEFAULT_POLICY,
    Admission,
    Attempt,
    AuthPolicy,
    Failures,
    LoginResult,
    SessionCheck,
    TotpCheck,
    check_api_token,
    check_session,
    decide_login,
    locked_at,
    totp_check,
    unknown_user,
)
from sealkeeper.config import Settings
from sealkeeper.services import account_secrets as secret
from sealkeeper.services.accounts import account_value
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.protection import open_protector
from sealkeeper.services.store_access import open_store
from sealkeeper.store import account_repository as rows
from sealkeeper.store.database import transaction

SESSION_PREFIX = "sks_"


@dataclass(frozen=True)
class Authenticated:
    """The admission of a session or API token, and the access-policy account when admitted."""

    check: SessionCheck
    account: Account | None = None

    @property
    def ok(self) -> bool:
        return self.check.ok


def login(
    settings: Settings,
    username: str,
    password: str,
    totp_code: str,
    at: dt.datetime,
    *,
    hasher: PasswordHasher = secret.DEFAULT_HASHER,
    policy: AuthPolicy = DEFAULT_POLICY,
) -> LoginResult:
    """One sign-in attempt at ``at``. On ``ok`` the result carries a new session token (``result.session``);
    ``totp_code`` may be "" (then an account that needs a code gets ``totp_required``).

    The password is hashed (about a quarter of a second with the default parameters) between two short
    transactions, so no lock is held meanwhile; the second one decides on the lockout state as it is then."""
    engine, ledger = open_store(settings), open_ledger(settings)
    with rows.reading(engine) as conn:
        found = rows.account_by_username(conn, username)
    checked = _Password(hasher, password, None if found is None else str(found.password_hash))
    if found is None or locked_at(Failures(*rows.failures_of(found)), at) is not None:
        secret.burn_verify(hasher, password)  # the same time as a real check: the timing tells nothing either
    else:
        checked.verify()  # outside any transaction
    with transaction(engine) as conn:
        row = None if found is None else rows.lock_account(conn, found.id)
        result = unknown_user() if row is None else _attempt(conn, settings, row, checked, totp_code, at, policy)
        ledger.append(conn, _login_event(result, at))
    return result


@dataclass
class _Password:
    """The password of one attempt, verified at most once against the hash it was verified against."""

    hasher: PasswordHasher
    password: str
    against: str | None
    ok: bool | None = None
    rehashed: str | None = None

    def verify(self) -> None:
        if self.against is None:
            return
        self.ok = secret.verify_password(self.hasher, self.against, self.password)
        if self.ok and self.hasher.check_needs_rehash(self.against):
            self.rehashed = secret.hash_password(self.hasher, self.password)

    def ok_for(self, stored: str) -> bool:
        """Whether the password matches ``stored`` (verified again only if the hash changed meanwhile, or it was
        not verified because the account looked locked)."""
        if self.ok is None or stored != self.against:
            self.against = stored
            self.verify()
        return bool(self.ok)


def _attempt(  # noqa: PLR0917 - one attempt's parts
    conn: Connection,
    settings: Settings,
    row: Any,
    password: _Password,
    code: str,
    at: dt.datetime,
    policy: AuthPolicy,
) -> LoginResult:
    state = Failures(*rows.failures_of(row))
    password_ok = locked_at(state, at) is None and password.ok_for(str(row.password_hash))
    account = account_value(row)
    required = policy.totp_required(account.roles)
    step: int | None = None
    totp = TotpCheck.MISSING
    if password_ok and required and code:
        stored = secret.open_totp_secret(open_protector(conn, settings), row.id, bytes(row.totp_secret))
        step = secret.matched_step(stored, code, at)
        totp = totp_check(True, step, row.totp_step)
    attempt = Attempt(row.id, state, bool(row.disabled), password_ok, required, totp)
    result = decide_login(attempt, at, policy.lockout)
    if (after := result.failures) is not None:
        rows.put_failures(conn, row.id, after.times, after.locked_until)
    if not result.ok:
        return result
    if totp is TotpCheck.VALID:
        rows.update_account(conn, row.id, totp_step=step)
    if password.rehashed is not None:
        rows.update_account(conn, row.id, password_hash=password.rehashed)
    token = secret.new_token(SESSION_PREFIX)
    rows.insert_session(conn, secret.token_hash(token), row.id, at, at + policy.session.absolute)
    return dataclasses.replace(result, session=token)


def _login_event(result: LoginResult, at: dt.datetime) -> dict[str, Any]:
    until = result.locked_until
    return {
        "type": "auth.login", "at": at.isoformat(), "account": result.account, "outcome": str(result.outcome),
        "reason": result.reason, "locked_until": None if until is None else until.isoformat(),
    }  # fmt: skip


def authenticate_session(
    settings: Settings, token: str, at: dt.datetime, *, policy: AuthPolicy = DEFAULT_POLICY
) -> Authenticated:
    """Whether the session ``token`` admits its holder at ``at``; refreshes its last-seen time (at most every
    ``policy.session.refresh_after``). A session found idle or expired is deleted."""
    digest = secret.token_hash(token)
    engine = open_store(settings)
    with rows.reading(engine) as conn:
        found = rows.session_with_account(conn, digest)
    if found is None:
        return Authenticated(SessionCheck(Admission.UNKNOWN))
    session, row = found
    check = check_session(
        row.id, rows.stamp(session, "created"), rows.stamp(session, "last_seen"), bool(row.disabled), at,
        policy.session,
    )  # fmt: skip
    if check.touch or not check.ok:
        with transaction(engine) as conn:
            if check.ok:
                rows.touch_session(conn, digest, at)
            else:
                rows.delete_session(conn, digest)
    return Authenticated(check, account_value(row) if check.ok else None)


def logout(settings: Settings, token: str, at: dt.datetime) -> bool:
    """End the session ``token``; False when there was none (already ended)."""
    engine, ledger = open_store(settings), open_ledger(settings)
    with transaction(engine) as conn:
        account = rows.delete_session(conn, secret.token_hash(token))
        if account is not None:
            ledger.append(conn, {"type": "auth.logout", "at": at.isoformat(), "account": account})
    return account is not None


def authenticate_api_token(settings: Settings, token: str, at: dt.datetime) -> Authenticated:
    """Whether the API token admits its holder at ``at`` (not expired, not revoked, account not disabled)."""
    with rows.reading_per_statement(open_store(settings)) as conn:
        found = rows.api_token_with_account(conn, secret.token_hash(token))
    if found is None:
        return Authenticated(SessionCheck(Admission.UNKNOWN))
    row, account = found
    check = check_api_token(
        account.id, rows.stamp(row, "expires"), rows.read_utc(row.revoked), bool(account.disabled), at
    )
    return Authenticated(check, account_value(account) if check.ok else None)
