"""The lockout state machine: failures counted over a sliding window, a lock for a fixed period, a reset on
success.

``Failures`` is the state stored with the account: the times of the recent failures and the end of the lock.
Every transition takes the time as a parameter:

- ``locked_at(state, at)``: the end of the lock in force at ``at``, or None. A lock ends at ``locked_until``
  exactly (the first instant not locked).
- ``after_failure(state, at, policy)``: one more failure. Failures while locked are not counted and do not
  extend the lock. Failures older than ``window`` (``at - time >= window``) are forgotten. The
  ``max_failures``-th failure within the window locks the account until ``at + lock_for`` and empties the list,
  so "5 failures within 15 minutes" means exactly that, wherever the 15 minutes start.
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
    times: tuple[dt.datetime, ...] = ()
    locked_until: dt.datetime | None = None

    def __post_init__(self) -> None:
        for value in self.times:
            _aware(value, "a failure's time")
        if self.locked_until is not None:
            _aware(self.locked_until, "locked_until")

    @property
    def count(self) -> int:
        return len(self.times)


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
    recent = (*(t for t in state.times if at - t < policy.window), at)
    if len(recent) >= policy.max_failures:
        return Failures((), at + policy.lock_for)
    return Failures(recent, state.locked_until)


def after_success(state: Failures) -> Failures:
    """The state after a successful sign-in: nothing counted, nothing locked."""
    del state  # the success clears whatever was there
    return CLEAR


def unlocked(state: Failures) -> Failures:
    """The state after an administrator unlocks the account."""
    del state
    return CLEAR
