"""Session and API-token admission on both sides of each boundary, and the policy's choices."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.access import AccessRole
from sealkeeper.auth import DEFAULT_POLICY, TOTP_REQUIRED, Admission, SessionPolicy, check_api_token, check_session

T0 = dt.datetime(2026, 6, 30, 9, 0, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)
SESSION = DEFAULT_POLICY.session


def test_the_chosen_numbers() -> None:
    assert (SESSION.idle, SESSION.absolute) == (dt.timedelta(minutes=15), dt.timedelta(hours=12))
    lockout = DEFAULT_POLICY.lockout
    assert (lockout.max_failures, lockout.window, lockout.lock_for) == (
        5,
        dt.timedelta(minutes=15),
        dt.timedelta(minutes=15),
    )
    assert DEFAULT_POLICY.password.min_length == 12


def test_every_role_that_sees_records_or_approves_needs_a_second_factor() -> None:
    readers = {"clerk", "approver", "reviewer", "judicial_requester", "certificate_officer", "data_subject",
               "supervisor", "auditor"}  # fmt: skip
    assert readers <= {str(r) for r in TOTP_REQUIRED}
    assert AccessRole.ADMINISTRATOR in TOTP_REQUIRED
    assert all(DEFAULT_POLICY.totp_required(frozenset({role})) for role in AccessRole)
    assert DEFAULT_POLICY.totp_required(frozenset())


@given(st.integers(0, 15 * 60 * 10**6 * 2))
def test_idle_timeout_is_exclusive(micros: int) -> None:
    at = T0 + dt.timedelta(microseconds=micros)
    check = check_session("a", T0, T0, False, at, SESSION)
    assert check.ok == (at < T0 + SESSION.idle)
    if not check.ok:
        assert check.admission is Admission.IDLE


def test_absolute_lifetime_wins_over_activity() -> None:
    created, seen = T0, T0 + dt.timedelta(hours=12) - dt.timedelta(minutes=1)
    assert check_session("a", created, seen, False, created + SESSION.absolute - TICK, SESSION).ok
    assert check_session("a", created, seen, False, created + SESSION.absolute, SESSION).admission is Admission.EXPIRED


def test_last_seen_is_written_only_when_old_enough() -> None:
    assert not check_session("a", T0, T0, False, T0 + SESSION.refresh_after - TICK, SESSION).touch
    assert check_session("a", T0, T0, False, T0 + SESSION.refresh_after, SESSION).touch


def test_a_disabled_account_has_no_session() -> None:
    assert check_session("a", T0, T0, True, T0, SESSION).admission is Admission.DISABLED


def test_api_tokens_end_at_expiry_or_revocation() -> None:
    ends = T0 + dt.timedelta(days=30)
    assert check_api_token("a", ends, None, False, ends - TICK).ok
    assert check_api_token("a", ends, None, False, ends).admission is Admission.EXPIRED
    assert check_api_token("a", ends, T0, False, T0).admission is Admission.REVOKED
    assert check_api_token("a", ends, T0 + TICK, False, T0).ok
    assert check_api_token("a", ends, None, True, T0).admission is Admission.DISABLED


def test_an_inconsistent_session_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="refresh_after < idle <= absolute"):
        SessionPolicy(idle=dt.timedelta(hours=13))
