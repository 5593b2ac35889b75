"""Hypothesis: the lockout state machine never unlocks early, always unlocks when the period ends, locks exactly
when the max-th failure falls within the window, and a success resets the count."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.auth import CLEAR, Failures, LockoutPolicy, after_failure, after_success, locked_at

T0 = dt.datetime(2026, 6, 30, 9, 0, tzinfo=dt.UTC)
POLICY = LockoutPolicy()
Steps = list[tuple[int, int, bool]]

policies = st.builds(
    LockoutPolicy,
    max_failures=st.integers(1, 8),
    window=st.integers(1, 3600).map(lambda s: dt.timedelta(seconds=s)),
    lock_for=st.integers(1, 3600).map(lambda s: dt.timedelta(seconds=s)),
)
# (seconds since the previous event, microseconds, is it a failure?) — a success is tried only when not locked,
# as the sign-in decision does.
events = st.lists(st.tuples(st.integers(0, 1200), st.integers(0, 999_999), st.booleans()), max_size=60)


def run(policy: LockoutPolicy, steps: Steps) -> list[tuple[dt.datetime, bool, Failures]]:
    """Each event's time, whether it was a failure, and the state after it."""
    state, at, out = CLEAR, T0, []
    for seconds, micros, failure in steps:
        at += dt.timedelta(seconds=seconds, microseconds=micros)
        if failure:
            state = after_failure(state, at, policy)
        elif locked_at(state, at) is None:
            state = after_success(state)
        out.append((at, failure, state))
    return out


@given(policies, events)
def test_a_lock_holds_to_its_end_and_not_one_microsecond_longer(policy: LockoutPolicy, steps: Steps) -> None:
    trace = run(policy, steps)
    for i, (at, _, state) in enumerate(trace):
        until = locked_at(state, at)
        if until is None:
            continue
        assert locked_at(state, until - dt.timedelta(microseconds=1)) == until
        assert locked_at(state, until) is None
        for later, _, later_state in trace[i + 1 :]:
            if later < until:
                assert locked_at(later_state, later) == until, "nothing shortens or extends a lock in force"


@given(policies, events)
def test_locked_exactly_when_the_max_th_failure_falls_within_the_window(policy: LockoutPolicy, steps: Steps) -> None:
    trace = run(policy, steps)
    counted: list[dt.datetime] = []  # failures since the last success or lock, outside any lock
    lock_end: dt.datetime | None = None
    for at, failure, state in trace:
        if lock_end is not None and at < lock_end:
            assert locked_at(state, at) == lock_end
            continue
        if not failure:
            counted = []
            assert state == CLEAR, "a success resets the count"
            continue
        counted = [t for t in counted if at - t < policy.window] + [at]
        if len(counted) >= policy.max_failures:
            lock_end, counted = at + policy.lock_for, []
            assert locked_at(state, at) == lock_end
        else:
            assert locked_at(state, at) is None
            assert state.count == len(counted)


@given(st.integers(0, 4), st.integers(1, 10_000))
def test_a_success_resets_the_count(failures: int, gap: int) -> None:
    state = CLEAR
    for i in range(failures):
        state = after_failure(state, T0 + dt.timedelta(seconds=i), POLICY)
    at = T0 + dt.timedelta(seconds=failures + gap)
    assert after_success(state) == CLEAR
    again = after_failure(after_success(state), at, POLICY)
    assert again.count == 1


def test_the_fifth_failure_within_fifteen_minutes_locks_for_fifteen_minutes() -> None:
    state = CLEAR
    times = [T0 + dt.timedelta(minutes=m) for m in (0, 3, 6, 9, 15)]  # the first is 15 min before the last
    for at in times:
        state = after_failure(state, at, POLICY)
    assert locked_at(state, times[-1]) is None, "a failure exactly 15 minutes old is outside the window"
    sixth = times[-1] + dt.timedelta(seconds=1)  # 5 failures within 15 minutes: 3, 6, 9, 15 and this one
    state = after_failure(state, sixth, POLICY)
    assert locked_at(state, sixth) == sixth + dt.timedelta(minutes=15)


def test_failures_while_locked_neither_count_nor_extend() -> None:
    state = CLEAR
    for i in range(5):
        state = after_failure(state, T0 + dt.timedelta(seconds=i), POLICY)
    locked = state
    assert after_failure(locked, T0 + dt.timedelta(minutes=10), POLICY) == locked
