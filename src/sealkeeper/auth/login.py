"""A sign-in decided as a value: the outcome, the reason (a rule id for the ledger), the lock's end, and the
lockout state to store.

The reason is what the ledger records; ``public_outcome`` and ``message`` are what the user may be told. An
unknown username, a wrong password, a disabled account and a locked one all read as ``bad_credentials`` with
the same message, so the answer does not tell which usernames exist (the outcomes and reasons differ, for the
ledger and the administrator only). The order of the checks:

1. unknown username -> bad_credentials (``auth.unknown_user``);
2. locked -> locked(until) (``auth.locked``): neither the password nor the code is evaluated;
3. disabled -> bad_credentials (``auth.disabled``), not counted as a failure;
4. wrong password -> bad_credentials (``auth.bad_password``), counted; locked(until) when it locks;
5. a second factor is required and no code was given -> totp_required (``auth.totp_required``), not counted;
6. wrong or replayed code -> totp_bad (``auth.totp_bad`` / ``auth.totp_replayed``), counted; locked when it locks;
7. otherwise ok (``auth.ok``), and the failure count resets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from sealkeeper.auth.lockout import Failures, after_failure, after_success, locked_at
from sealkeeper.auth.policy import LockoutPolicy


class LoginOutcome(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    TOTP_REQUIRED = "totp_required"
    TOTP_BAD = "totp_bad"


class TotpCheck(StrEnum):
    """What the service found of the code presented (it runs pyotp; the core only decides)."""

    MISSING = "missing"
    VALID = "valid"
    WRONG = "wrong"
    REPLAYED = "replayed"  # a valid code of a time step at or before the last one used


_REFUSED = "wrong username or password, or the account is locked for a while after repeated failed sign-ins"
MESSAGES = {
    LoginOutcome.OK: "signed in",
    LoginOutcome.BAD_CREDENTIALS: _REFUSED,
    LoginOutcome.LOCKED: _REFUSED,
    LoginOutcome.TOTP_REQUIRED: "enter the 6-digit code from your authenticator app",
    LoginOutcome.TOTP_BAD: "the code is wrong or was already used",
}


@dataclass(frozen=True, slots=True)
class LoginResult:
    """``failures``: the lockout state to store (None: leave the stored one as it is). ``session``: the new
    session's token, set by the service on ``ok`` only; never printed by ``repr``."""

    outcome: LoginOutcome
    reason: str
    account: str | None = None
    locked_until: dt.datetime | None = None
    failures: Failures | None = None
    session: str | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.outcome is LoginOutcome.OK

    @property
    def public_outcome(self) -> LoginOutcome:
        """The outcome the user may be shown: ``locked`` reads as ``bad_credentials``. Only existing accounts
        lock, so telling "locked" would tell which usernames exist (try one five times). The lock's end stays
        in ``locked_until`` and the ledger, for the administrator."""
        return LoginOutcome.BAD_CREDENTIALS if self.outcome is LoginOutcome.LOCKED else self.outcome

    @property
    def message(self) -> str:
        """What the user is told: the same for an unknown username, a wrong password, a disabled account and a
        locked one."""
        return MESSAGES[self.outcome]


@dataclass(frozen=True, slots=True)
class Attempt:
    """What the service knows of one sign-in attempt on an existing account."""

    account: str
    state: Failures
    disabled: bool
    password_ok: bool
    totp_required: bool
    totp: TotpCheck


def unknown_user() -> LoginResult:
    return LoginResult(LoginOutcome.BAD_CREDENTIALS, "auth.unknown_user")


def decide_login(attempt: Attempt, at: dt.datetime, policy: LockoutPolicy) -> LoginResult:
    """The sign-in's outcome at ``at`` (see the module docstring for the order of the checks)."""
    account, state = attempt.account, attempt.state
    until = locked_at(state, at)
    if until is not None:
        return LoginResult(LoginOutcome.LOCKED, "auth.locked", account, until)
    if attempt.disabled:
        return LoginResult(LoginOutcome.BAD_CREDENTIALS, "auth.disabled", account)
    if not attempt.password_ok:
        return _failed(LoginOutcome.BAD_CREDENTIALS, "auth.bad_password", attempt, at, policy)
    if attempt.totp_required and attempt.totp is not TotpCheck.VALID:
        if attempt.totp is TotpCheck.MISSING:
            return LoginResult(LoginOutcome.TOTP_REQUIRED, "auth.totp_required", account)
        reason = "auth.totp_replayed" if attempt.totp is TotpCheck.REPLAYED else "auth.totp_bad"
        return _failed(LoginOutcome.TOTP_BAD, reason, attempt, at, policy)
    return LoginResult(LoginOutcome.OK, "auth.ok", account, None, after_success(state))


def _failed(
    outcome: LoginOutcome, reason: str, attempt: Attempt, at: dt.datetime, policy: LockoutPolicy
) -> LoginResult:
    state = after_failure(attempt.state, at, policy)
    until = locked_at(state, at)
    if until is not None:
        return LoginResult(LoginOutcome.LOCKED, f"{reason}.locked_now", attempt.account, until, state)
    return LoginResult(outcome, reason, attempt.account, None, state)


def totp_check(code_given: bool, matched_step: int | None, last_step: int | None) -> TotpCheck:
    """What a presented code is worth: ``matched_step`` is the RFC 6238 time step whose code it equals (None:
    none within the accepted window); ``last_step`` the step of the last code accepted for the account. A code
    of that step or an earlier one is a replay (RFC 6238 §5.2: a verifier must not accept a code twice)."""
    if not code_given:
        return TotpCheck.MISSING
    if matched_step is None:
        return TotpCheck.WRONG
    if last_step is not None and matched_step <= last_step:
        return TotpCheck.REPLAYED
    return TotpCheck.VALID
