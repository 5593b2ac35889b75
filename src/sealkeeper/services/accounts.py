"""Accounts: create, list, unlock, API tokens, and the access-policy ``Account`` an account stands for.

Every account-management call names the acting account; the access policy decides (``MANAGE_ACCOUNTS``: the
administrator), and the decision, allow or deny, goes into the ledger in the same transaction as the change
(a denial is logged and committed, then ``NotAllowedError`` is raised). Sign-in, sessions and API-token
authentication are in ``services.sign_in``.

Bootstrapping: whoever holds the home (its key file and database) is trusted to make the first administrator
from the command line, as ``LOCAL_OPERATOR``: local file access is the root of trust, since it reads every key.

The ledger gets account ids, roles and jurisdictions; a staff account's username (a staff id) too, a data
subject's never (their subject token goes in only as the ledger's commitment). Never a password, a TOTP secret
or code, or a token.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy.engine import Connection

from sealkeeper.access import AccessDecision, AccessRole, Account, Action
from sealkeeper.auth import (
    DEFAULT_POLICY,
    AccountError,
    AuthPolicy,
    NotAllowedError,
    PasswordRejectedError,
    UnknownAccountError,
    check_password,
)
from sealkeeper.config import Settings
from sealkeeper.services import account_secrets as secret
from sealkeeper.services.authorization import decide_on
from sealkeeper.services.ledger import Ledger, open_ledger
from sealkeeper.services.protection import open_protector
from sealkeeper.services.store_access import open_store
from sealkeeper.store import account_repository as rows
from sealkeeper.store import repository as repo
from sealkeeper.store.database import transaction

#: The holder of the home, acting from the command line on this machine (see the module docstring).
LOCAL_OPERATOR = Account("local-operator", frozenset({AccessRole.ADMINISTRATOR}))
API_TOKEN_PREFIX = "skt_"  # noqa: S105 - a prefix telling API tokens from session tokens, not a secret
_USERNAME = re.compile(r"[\w.@-]{1,64}")
_JURISDICTION = re.compile(r"[A-Za-z0-9_-]{1,16}")


@dataclass(frozen=True)
class NewAccount:
    """A created account, with its one-time secrets (shown once, never stored in the clear)."""

    account: Account
    username: str
    password: str = field(repr=False)
    totp_secret: str = field(repr=False)
    totp_uri: str = field(repr=False)


@dataclass(frozen=True)
class AccountInfo:
    id: str
    username: str
    roles: tuple[str, ...]
    subject: str
    jurisdictions: tuple[str, ...]
    disabled: bool
    locked_until: dt.datetime | None
    created: dt.datetime


@dataclass(frozen=True)
class IssuedToken:
    id: str
    name: str
    account: str
    expires: dt.datetime
    token: str = field(repr=False)


def _split(text: str) -> frozenset[str]:
    return frozenset(part for part in text.split(",") if part)


def account_value(row: Any) -> Account:
    """The access-policy ``Account`` of a stored account row."""
    return Account(
        row.id, frozenset(AccessRole(r) for r in _split(row.roles)), row.subject or "", _split(row.jurisdictions)
    )


def authorise(conn: Connection, ledger: Ledger, actor: Account, at: dt.datetime) -> AccessDecision:
    """The policy's decision on ``actor`` managing accounts, logged in the caller's transaction."""
    return decide_on(conn, ledger, actor, Action.MANAGE_ACCOUNTS, at)


def _refused(decision: AccessDecision) -> NotAllowedError:
    return NotAllowedError(decision.account, str(decision.action), decision.rules)


def _checked_roles(roles: Iterable[str], subject: str) -> frozenset[AccessRole]:
    try:
        chosen = frozenset(AccessRole(r) for r in roles)
    except ValueError:
        raise AccountError(f"role: one of {', '.join(AccessRole)}") from None
    if not chosen:
        raise AccountError("role: an account has at least one role")
    if AccessRole.SUBJECT in chosen and (len(chosen) > 1 or not subject):
        raise AccountError("role: a data-subject account has that role only, and names its subject token")
    if AccessRole.REPRESENTATIVE in chosen and len(chosen) > 1:
        raise AccountError("role: a guardian's or counsel's account has that role only (it acts for others)")
    if subject and AccessRole.SUBJECT not in chosen:
        raise AccountError("subject: only a data-subject account names a subject token")
    return chosen


def create_account(
    settings: Settings,
    actor: Account,
    username: str,
    roles: Iterable[str],
    at: dt.datetime,
    *,
    subject: str = "",
    jurisdictions: Iterable[str] = (),
    password: str | None = None,
    hasher: PasswordHasher = secret.DEFAULT_HASHER,
    policy: AuthPolicy = DEFAULT_POLICY,
) -> NewAccount:
    """Create an account (``actor`` must be allowed to manage accounts). Without ``password`` one is generated.
    Every account gets a TOTP secret (every role needs the second factor: ``auth.policy``)."""
    if not _USERNAME.fullmatch(username):
        raise AccountError("username: 1 to 64 letters, digits or . _ @ -")
    chosen = _checked_roles(roles, subject)
    places = frozenset(jurisdictions)
    if bad := sorted(p for p in places if not _JURISDICTION.fullmatch(p)):
        raise AccountError(f"jurisdiction: {bad[0]!r} is not a jurisdiction code")
    password = secret.new_password() if password is None else password
    check = check_password(password, username, policy.password)
    if not check.ok:
        raise PasswordRejectedError(check.problems)
    totp_secret = secret.new_totp_secret()
    account = Account(f"acct-{secrets.token_hex(8)}", chosen, subject, places)
    password_hash = secret.hash_password(hasher, password)  # slow: outside the transaction
    engine, ledger = open_store(settings), open_ledger(settings)
    with transaction(engine) as conn:
        decision = authorise(conn, ledger, actor, at)
        if decision.allowed:
            _insert(conn, settings, account, username, password_hash, totp_secret, at)
            ledger.append(conn, _created_event(account, username, actor, at))
    if not decision.allowed:
        raise _refused(decision)
    uri = secret.provisioning_uri(totp_secret, username)
    return NewAccount(account, username, password, totp_secret, uri)


def _insert(  # noqa: PLR0917 - the parts of a new row
    conn: Connection,
    settings: Settings,
    account: Account,
    username: str,
    password_hash: str,
    totp: str,
    at: dt.datetime,
) -> None:
    if rows.account_by_username(conn, username) is not None:
        raise AccountError(f"username: {username!r} is taken")
    if account.subject:
        person = repo.subject(conn, account.subject)
        if person is None or person.deleted_on is not None:
            raise AccountError(f"subject: no person with token {account.subject}")
    sealed = secret.seal_totp_secret(open_protector(conn, settings), account.id, totp)
    rows.insert_account(conn, {
        "id": account.id, "username": username, "password_hash": password_hash,
        "roles": ",".join(sorted(account.roles)), "subject": account.subject or None,
        "jurisdictions": ",".join(sorted(account.jurisdictions)), "totp_secret": sealed, "totp_step": None,
        "failures": "", "locked_until": None, "disabled": False,
        "created": rows.utc(at),
    })  # fmt: skip


def _created_event(account: Account, username: str, actor: Account, at: dt.datetime) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "account.created", "at": at.isoformat(), "account": account.id, "by": actor.id,
        "roles": sorted(account.roles), "jurisdictions": sorted(account.jurisdictions),
    }  # fmt: skip
    if account.subject:
        event["subject"] = account.subject  # committed by the ledger; the username is left out
    else:
        event["username"] = username  # a staff id
    return event


def list_accounts(settings: Settings, actor: Account, at: dt.datetime) -> list[AccountInfo]:
    engine, ledger = open_store(settings), open_ledger(settings)
    with transaction(engine) as conn:
        decision = authorise(conn, ledger, actor, at)
        found = rows.all_accounts(conn) if decision.allowed else []
    if not decision.allowed:
        raise _refused(decision)
    return [
        AccountInfo(
            r.id, r.username, tuple(sorted(_split(r.roles))), r.subject or "", tuple(sorted(_split(r.jurisdictions))),
            bool(r.disabled), rows.read_utc(r.locked_until), rows.stamp(r, "created"),
        )
        for r in found
    ]  # fmt: skip


def _change(settings: Settings, actor: Account, username: str, at: dt.datetime, kind: str, **values: Any) -> str:
    engine, ledger = open_store(settings), open_ledger(settings)
    with transaction(engine) as conn:
        decision = authorise(conn, ledger, actor, at)
        row = rows.account_by_username(conn, username) if decision.allowed else None
        if row is not None:
            rows.update_account(conn, row.id, **values)
            if values.get("disabled"):
                rows.delete_sessions_of(conn, row.id)
            ledger.append(conn, {"type": kind, "at": at.isoformat(), "account": row.id, "by": actor.id})
    if not decision.allowed:
        raise _refused(decision)
    if row is None:
        raise UnknownAccountError(f"no account with username {username!r}")
    return str(row.id)


def unlock(settings: Settings, actor: Account, username: str, at: dt.datetime) -> str:
    """Clear the account's failures and lock; returns its id."""
    return _change(settings, actor, username, at, "account.unlocked", failures="", locked_until=None)


def set_disabled(settings: Settings, actor: Account, username: str, disabled: bool, at: dt.datetime) -> str:
    """Disable (ending its sessions) or enable an account; returns its id."""
    kind = "account.disabled" if disabled else "account.enabled"
    return _change(settings, actor, username, at, kind, disabled=disabled)


def issue_api_token(  # noqa: PLR0917 - who, for whom, which, when, how long
    settings: Settings, actor: Account, username: str, name: str, at: dt.datetime, valid_for: dt.timedelta
) -> IssuedToken:
    """A new API token named ``name`` for the account ``username`` (for system-to-system calls), valid from
    ``at`` for ``valid_for``. The token is returned once; only its SHA-256 is stored."""
    if not _USERNAME.fullmatch(name):
        raise AccountError("name: 1 to 64 letters, digits or . _ @ -")
    if valid_for <= dt.timedelta(0):
        raise AccountError("valid_for: an API token is valid for a positive time")
    token, token_id = secret.new_token(API_TOKEN_PREFIX), f"tok-{secrets.token_hex(8)}"
    engine, ledger = open_store(settings), open_ledger(settings)
    with transaction(engine) as conn:
        decision = authorise(conn, ledger, actor, at)
        row = rows.account_by_username(conn, username) if decision.allowed else None
        if row is not None:
            rows.insert_api_token(conn, {
                "id": token_id, "token_hash": secret.token_hash(token), "account": row.id, "name": name,
                "created": at, "expires": at + valid_for,
            })  # fmt: skip
            ledger.append(conn, {
                "type": "api_token.issued", "at": at.isoformat(), "token": token_id, "token_name": name,
                "account": row.id, "by": actor.id, "expires": (at + valid_for).isoformat(),
            })  # fmt: skip
    if not decision.allowed:
        raise _refused(decision)
    if row is None:
        raise UnknownAccountError(f"no account with username {username!r}")
    return IssuedToken(token_id, name, str(row.id), at + valid_for, token)


def revoke_api_token(settings: Settings, actor: Account, token_id: str, at: dt.datetime) -> None:
    engine, ledger = open_store(settings), open_ledger(settings)
    with transaction(engine) as conn:
        decision = authorise(conn, ledger, actor, at)
        row = rows.api_token(conn, token_id) if decision.allowed else None
        if row is not None:
            rows.revoke_api_token(conn, token_id, at)
            ledger.append(conn, {
                "type": "api_token.revoked", "at": at.isoformat(), "token": token_id, "account": row.account,
                "by": actor.id,
            })  # fmt: skip
    if not decision.allowed:
        raise _refused(decision)
    if row is None:
        raise UnknownAccountError(f"no API token {token_id}")


def account_for(settings: Settings, account_id: str) -> Account:
    """The access-policy ``Account`` of a stored account (``UnknownAccountError`` when there is none)."""
    with transaction(open_store(settings)) as conn:
        row = rows.account_by_id(conn, account_id)
    if row is None:
        raise UnknownAccountError(f"no account {account_id}")
    return account_value(row)
