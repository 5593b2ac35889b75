"""The lockout state machine: failures counted in a window, a lock for a fixed period, a reset on success.

``Failures`` is the state stored with the account. Every transition takes the time as a parameter:

- ``locked_at(state, at)``: the end of the lock in force at ``at``, or None. A lock ends at ``locked_until``
  exactly (the first instant not locked).
- ``after_failure(state, at, policy)``: one more failure. Failures while locked are not counted and do not
  extend the lock. A failure more than ``window`` after the window's first failure starts a new window. The
  ``max_failures``-th failure in a window locks the account until ``at + lock_for`` and empties the count.
- ``after_success(state)``: the empty state (the count resets on a successful sign-in).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sealkeeper.auth.policy import LockoutPolicy


def _aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (with a time zone)")


@dataclass(frozen=True, slots=True)
class Failures:
    count: int = 0
    window_start: dt.datetime | None = None
    locked_until: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("a failure count is not negative")
        if (self.count == 0) != (self.window_start is None):
            raise ValueError("a failure window starts with the first failure, and only then")
        for name in ("window_start", "locked_until"):
            value = getattr(self, name)
            if value is not None:
                _aware(value, name)


CLEAR = Failures()


def locked_at(state: Failures, at: dt.datetime) -> dt.datetime | None:
    """The end of the lock in force at ``at`` (exclusive), or None when the account is not locked then."""
    _aware(at, "at")
    if state.locked_until is not None and at < state.locked_until:
        return state.locked_until
    return None


def after_failure(state: Failures, at: dt.datetime, policy: LockoutPolicy) -> Failures:
    """The state after a failed sign-in at ``at``."""
    if locked_at(state, at) is not None:
        return state
    in_window = state.window_start is not None and at - state.window_start < policy.window
    count = state.count + 1 if in_window else 1
    start = state.window_start if in_window else at
    if count >= policy.max_failures:
        return Failures(0, None, at + policy.lock_for)
    return Failures(count, start, state.locked_until)


def after_success(state: Failures) -> Failures:
    """The state after a successful sign-in: nothing counted, nothing locked."""
    del state  # the success clears whatever was there
    return CLEAR


def unlocked(state: Failures) -> Failures:
    """The state after an administrator unlocks the account."""
    del state
    return CLEAR
