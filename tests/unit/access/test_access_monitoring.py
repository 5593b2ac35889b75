"""Monitoring flags with their thresholds, on both sides of each."""

from __future__ import annotations

import datetime as dt

from access_helpers import CST, HOUR, TICK, T

from sealkeeper.access import AccessLogEntry, Flag, Thresholds, flags

NIGHT = dt.datetime(2026, 3, 2, 23, 0, tzinfo=CST)  # Monday 23:00 local
MINUTE = dt.timedelta(minutes=1)


def entries(
    n: int, *, start: dt.datetime = T, step: dt.timedelta = MINUTE, account: str = "acct-1", **kw: object
) -> list[AccessLogEntry]:
    return [
        AccessLogEntry(f"{account}-{start.isoformat()}-{i}", start + i * step, account, "read_record", **kw)  # type: ignore[arg-type]
        for i in range(n)
    ]


def kinds(found: list[Flag]) -> list[str]:
    return [f.kind for f in found]


def allowed(n: int, *, start: dt.datetime = T, step: dt.timedelta = MINUTE) -> list[AccessLogEntry]:
    return entries(n, start=start, step=step, allowed=True)


def test_volume_against_the_minimum_without_history() -> None:
    now = T + dt.timedelta(hours=2)
    assert kinds(flags(allowed(19), {}, now)) == []
    [flag] = flags(allowed(20), {}, now)
    assert (flag.kind, flag.count, len(flag.entry_ids)) == ("volume", 20, 20)


def test_volume_against_the_accounts_own_history() -> None:
    now = T + dt.timedelta(hours=2)
    history = {"acct-1": [10, 10, 10]}  # mean 10: more than 30 is unusual
    assert kinds(flags(allowed(30), history, now)) == []
    [flag] = flags(allowed(31), history, now)
    assert flag.kind == "volume"
    assert flag.threshold == 30.0


def test_only_entries_within_the_window_count() -> None:
    many = allowed(20, start=T, step=TICK)
    assert kinds(flags(many, {}, T + dt.timedelta(hours=24) - TICK)) == ["volume"]
    assert kinds(flags(many, {}, T + dt.timedelta(hours=24))) == []  # the first falls out: 19 left
    assert kinds(flags(many, {}, T)) == []  # only the first is at or before now
    assert kinds(flags(many, {}, T + 19 * TICK)) == ["volume"]


def test_sealed_records_outside_the_requesters_own_cases() -> None:
    own = entries(1, allowed=True, sealed=True, own_case=True)
    outside = entries(1, start=T + MINUTE, allowed=False, sealed=True, own_case=False)
    unknown = entries(1, start=T + 2 * MINUTE, allowed=True, sealed=True)
    unsealed = entries(1, start=T + 3 * MINUTE, allowed=True, sealed=False, own_case=False)
    [flag] = flags(own + outside + unknown + unsealed, {}, T + HOUR)
    assert flag.kind == "sealed_outside_own_cases"
    assert flag.entry_ids == (outside[0].entry_id, unknown[0].entry_id)


def test_repeated_denials_within_an_hour() -> None:
    now = T + 2 * HOUR
    assert kinds(flags(entries(4, allowed=False), {}, now)) == []
    [flag] = flags(entries(5, allowed=False), {}, now)
    assert (flag.kind, flag.count) == ("repeated_denials", 5)
    spread = entries(5, allowed=False, step=HOUR / 4)  # first and fifth exactly one hour apart
    assert kinds(flags(spread, {}, now)) == []
    tighter = entries(5, allowed=False, step=HOUR / 4 - TICK)
    assert kinds(flags(tighter, {}, now)) == ["repeated_denials"]


def test_denials_are_counted_per_account() -> None:
    mixed = entries(3, allowed=False) + entries(2, allowed=False, account="acct-2")
    assert flags(mixed, {}, T + HOUR) == []


def test_an_off_hours_burst() -> None:
    now = NIGHT + 2 * HOUR
    assert kinds(flags(allowed(9, start=NIGHT), {}, now)) == []
    [flag] = flags(allowed(10, start=NIGHT), {}, now)
    assert (flag.kind, flag.count) == ("off_hours_burst", 10)
    assert kinds(flags(allowed(10, start=T), {}, T + HOUR)) == []  # office hours


def test_office_hours_boundaries_and_weekends() -> None:
    eight = dt.datetime(2026, 3, 2, 8, 0, tzinfo=CST)
    before = allowed(10, start=eight - 10 * TICK, step=TICK)  # 07:59:59.99999x: off hours
    at_eight = allowed(10, start=eight, step=TICK)
    assert kinds(flags(before, {}, eight)) == ["off_hours_burst"]
    assert kinds(flags(at_eight, {}, eight + HOUR)) == []
    twenty = dt.datetime(2026, 3, 2, 20, 0, tzinfo=CST)
    assert kinds(flags(allowed(10, start=twenty, step=TICK), {}, twenty + HOUR)) == ["off_hours_burst"]
    saturday_noon = dt.datetime(2026, 3, 7, 12, 0, tzinfo=CST)
    assert kinds(flags(allowed(10, start=saturday_noon), {}, saturday_noon + HOUR)) == ["off_hours_burst"]


def test_office_hours_are_read_in_the_office_time_zone() -> None:
    utc_morning = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)  # 11:00 in Beijing
    assert flags(allowed(10, start=utc_morning), {}, utc_morning + HOUR) == []
    limits = Thresholds(office_tz=dt.UTC)
    assert kinds(flags(allowed(10, start=utc_morning), {}, utc_morning + HOUR, limits)) == ["off_hours_burst"]


def test_several_flags_are_ordered_by_kind_then_account() -> None:
    log = entries(20, start=NIGHT, allowed=False, account="acct-b") + entries(
        1, start=NIGHT, allowed=True, sealed=True, account="acct-a"
    )
    found = flags(log, {}, NIGHT + HOUR)
    assert [(f.kind, f.account) for f in found] == [
        ("volume", "acct-b"),
        ("sealed_outside_own_cases", "acct-a"),
        ("repeated_denials", "acct-b"),
        ("off_hours_burst", "acct-b"),
    ]


def test_entries_from_the_ledger() -> None:
    entry = {
        "at": T.isoformat(),
        "account": "acct-1",
        "action": "read_sealed_record",
        "outcome": "deny",
        "sealed": True,
        "own_case": False,
    }
    parsed = AccessLogEntry.from_ledger("e-9", entry)
    assert parsed == AccessLogEntry("e-9", T, "acct-1", "read_sealed_record", False, True, False)
