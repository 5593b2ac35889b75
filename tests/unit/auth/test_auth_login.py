"""Sign-in decisions: the order of the checks, one message for unknown users and wrong passwords, the lock
counted by wrong passwords and wrong codes but not by a missing code."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.auth import (
    CLEAR,
    DEFAULT_POLICY,
    Attempt,
    Failures,
    LoginOutcome,
    TotpCheck,
    after_failure,
    decide_login,
    totp_check,
    unknown_user,
)

T0 = dt.datetime(2026, 6, 30, 9, 0, tzinfo=dt.UTC)
LOCKOUT = DEFAULT_POLICY.lockout


def attempt(
    *, state: Failures = CLEAR, disabled: bool = False, password_ok: bool = True, totp: TotpCheck = TotpCheck.VALID
) -> Attempt:
    return Attempt("acct-1", state, disabled, password_ok, True, totp)


def locked_state() -> Failures:
    state = CLEAR
    for i in range(LOCKOUT.max_failures):
        state = after_failure(state, T0 + dt.timedelta(seconds=i), LOCKOUT)
    return state


@pytest.mark.parametrize(
    ("case", "outcome", "reason", "counted"),
    [
        (attempt(), LoginOutcome.OK, "auth.ok", False),
        (attempt(password_ok=False), LoginOutcome.BAD_CREDENTIALS, "auth.bad_password", True),
        (attempt(disabled=True), LoginOutcome.BAD_CREDENTIALS, "auth.disabled", False),
        (attempt(totp=TotpCheck.MISSING), LoginOutcome.TOTP_REQUIRED, "auth.totp_required", False),
        (attempt(totp=TotpCheck.WRONG), LoginOutcome.TOTP_BAD, "auth.totp_bad", True),
        (attempt(totp=TotpCheck.REPLAYED), LoginOutcome.TOTP_BAD, "auth.totp_replayed", True),
        (attempt(password_ok=False, totp=TotpCheck.MISSING), LoginOutcome.BAD_CREDENTIALS, "auth.bad_password", True),
    ],
)
def test_each_outcome_has_its_reason(case: Attempt, outcome: LoginOutcome, reason: str, counted: bool) -> None:
    result = decide_login(case, T0, LOCKOUT)
    assert (result.outcome, result.reason, result.account) == (outcome, reason, "acct-1")
    assert (result.failures is not None and result.failures.count == 1) == counted


def test_an_unknown_user_and_a_wrong_password_read_the_same() -> None:
    wrong = decide_login(attempt(password_ok=False), T0, LOCKOUT)
    disabled = decide_login(attempt(disabled=True), T0, LOCKOUT)
    assert unknown_user().outcome == wrong.outcome == disabled.outcome
    assert unknown_user().message == wrong.message == disabled.message
    assert wrong.message.startswith("wrong username or password")
    assert unknown_user().public_outcome == wrong.public_outcome == disabled.public_outcome


@given(st.sampled_from(TotpCheck), st.booleans(), st.booleans())
def test_nothing_gets_in_while_locked(totp: TotpCheck, password_ok: bool, disabled: bool) -> None:
    state = locked_state()
    assert state.locked_until is not None
    at = state.locked_until - dt.timedelta(microseconds=1)
    result = decide_login(attempt(state=state, password_ok=password_ok, totp=totp, disabled=disabled), at, LOCKOUT)
    assert (result.outcome, result.locked_until, result.failures) == (LoginOutcome.LOCKED, state.locked_until, None)
    assert (result.public_outcome, result.message) == (LoginOutcome.BAD_CREDENTIALS, unknown_user().message)


def test_the_failure_that_locks_says_so() -> None:
    state = CLEAR
    for i in range(LOCKOUT.max_failures - 1):
        state = after_failure(state, T0 + dt.timedelta(seconds=i), LOCKOUT)
    result = decide_login(attempt(state=state, totp=TotpCheck.WRONG), T0 + dt.timedelta(minutes=1), LOCKOUT)
    assert (result.outcome, result.reason) == (LoginOutcome.LOCKED, "auth.totp_bad.locked_now")
    assert result.locked_until == T0 + dt.timedelta(minutes=16)


def test_success_resets_the_failures() -> None:
    state = after_failure(CLEAR, T0, LOCKOUT)
    assert decide_login(attempt(state=state), T0 + dt.timedelta(seconds=1), LOCKOUT).failures == CLEAR


def test_a_session_token_never_prints() -> None:
    import dataclasses  # noqa: PLC0415 - only here

    result = dataclasses.replace(decide_login(attempt(), T0, LOCKOUT), session="sks_secret-token")
    assert "secret-token" not in repr(result)


@pytest.mark.parametrize(
    ("given_code", "matched", "last", "expected"),
    [
        (False, None, None, TotpCheck.MISSING),
        (True, None, None, TotpCheck.WRONG),
        (True, 100, None, TotpCheck.VALID),
        (True, 101, 100, TotpCheck.VALID),
        (True, 100, 100, TotpCheck.REPLAYED),
        (True, 99, 100, TotpCheck.REPLAYED),
    ],
)
def test_a_code_of_a_used_step_is_a_replay(
    given_code: bool, matched: int | None, last: int | None, expected: TotpCheck
) -> None:
    assert totp_check(given_code, matched, last) is expected
