"""Monitoring of access (pure): ``flags(entries, history, now)`` finds unusual access for the supervisor's queue.

Four kinds of flag, each carrying the ids of the log entries behind it:

- ``volume``: an account made at least ``volume_minimum`` accesses in the window and more than
  ``volume_factor`` times its own mean over earlier windows of the same length (``history``);
- ``sealed_outside_own_cases``: an access (allowed or not) to a sealed record that is not shown to be for one of
  the requester's own cases (unknown counts as outside);
- ``repeated_denials``: at least ``denial_count`` denials to one account within ``denial_span``;
- ``off_hours_burst``: at least ``burst_count`` accesses by one account outside office hours within
  ``burst_span``. Office hours are ``office_start`` to ``office_end`` (exclusive) in ``office_tz``, Monday to
  Friday; the statutory make-up working days (调休) are not known here and count as weekends.

Spans are half-open: entries exactly ``span`` apart are not in one span. Only entries in ``(now - window, now]``
are looked at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any

CST = dt.timezone(dt.timedelta(hours=8), "CST")
SATURDAY = 5


@dataclass(frozen=True, slots=True)
class AccessLogEntry:
    entry_id: str
    at: dt.datetime
    account: str
    action: str
    allowed: bool
    sealed: bool = False
    own_case: bool | None = None  # the access named one of the requester's own cases; None: not known

    @classmethod
    def from_ledger(cls, entry_id: str, entry: Mapping[str, Any]) -> AccessLogEntry:
        """From an access decision's ledger entry (``AccessDecision.ledger_entry()``)."""
        return cls(
            entry_id,
            dt.datetime.fromisoformat(entry["at"]),
            entry["account"],
            entry["action"],
            entry["outcome"] == "allow",
            bool(entry["sealed"]),
            entry.get("own_case"),
        )


@dataclass(frozen=True, slots=True)
class Thresholds:
    window: dt.timedelta = dt.timedelta(hours=24)
    volume_factor: float = 3.0
    volume_minimum: int = 20
    denial_count: int = 5
    denial_span: dt.timedelta = dt.timedelta(hours=1)
    burst_count: int = 10
    burst_span: dt.timedelta = dt.timedelta(hours=1)
    office_start: dt.time = dt.time(8, 0)
    office_end: dt.time = dt.time(20, 0)
    office_tz: dt.tzinfo = CST


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str
    account: str
    entry_ids: tuple[str, ...]
    count: int
    threshold: float


def flags(
    access_log_entries: Sequence[AccessLogEntry],
    history: Mapping[str, Sequence[int]],
    now: dt.datetime,
    thresholds: Thresholds | None = None,
) -> list[Flag]:
    """The flags raised by the entries in ``(now - window, now]``; ``history[account]`` holds the account's
    access counts in earlier windows of the same length. Ordered by kind, then account."""
    limits = thresholds or Thresholds()
    recent = sorted(
        (e for e in access_log_entries if now - limits.window < e.at <= now), key=lambda e: (e.at, e.entry_id)
    )
    by_account: dict[str, list[AccessLogEntry]] = {}
    for entry in recent:
        by_account.setdefault(entry.account, []).append(entry)
    out: list[Flag] = []
    for account, entries in sorted(by_account.items()):
        baseline = fmean(history[account]) if history.get(account) else 0.0
        bar = max(float(limits.volume_minimum), limits.volume_factor * baseline)
        if len(entries) >= limits.volume_minimum and len(entries) > limits.volume_factor * baseline:
            out.append(Flag("volume", account, _ids(entries), len(entries), bar))
        outside = [e for e in entries if e.sealed and e.own_case is not True]
        if outside:
            out.append(Flag("sealed_outside_own_cases", account, _ids(outside), len(outside), 1))
        denied = _dense([e for e in entries if not e.allowed], limits.denial_count, limits.denial_span)
        if denied:
            out.append(Flag("repeated_denials", account, _ids(denied), len(denied), limits.denial_count))
        burst = _dense([e for e in entries if _off_hours(e.at, limits)], limits.burst_count, limits.burst_span)
        if burst:
            out.append(Flag("off_hours_burst", account, _ids(burst), len(burst), limits.burst_count))
    order = ("volume", "sealed_outside_own_cases", "repeated_denials", "off_hours_burst")
    return sorted(out, key=lambda f: (order.index(f.kind), f.account))


def _ids(entries: Sequence[AccessLogEntry]) -> tuple[str, ...]:
    return tuple(e.entry_id for e in entries)


def _dense(entries: Sequence[AccessLogEntry], count: int, span: dt.timedelta) -> list[AccessLogEntry]:
    """The entries (in time order) that lie in some half-open span holding at least ``count`` of them."""
    marked: set[int] = set()
    start = 0
    for end, entry in enumerate(entries):
        while entry.at - entries[start].at >= span:
            start += 1
        if end - start + 1 >= count:
            marked.update(range(start, end + 1))
    return [entries[i] for i in sorted(marked)]


def _off_hours(at: dt.datetime, limits: Thresholds) -> bool:
    local = at.astimezone(limits.office_tz)
    if local.weekday() >= SATURDAY:
        return True
    return not limits.office_start <= local.time() < limits.office_end
