"""Monitoring on a real home (SQLite and PostgreSQL): repeated denials and sealed reads outside the requester's
confirmed cases are flagged from the ledger, once (a re-run adds nothing), with the ledger entries behind each
flag; the supervisor's queue, closing with a note, and the policy on every step."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from judicial_setup import CASE, Story, T, sealed_story

from sealkeeper.access import AccessLogEntry, Thresholds
from sealkeeper.auth import NotAllowedError
from sealkeeper.config import Settings
from sealkeeper.services import judicial_access as ja
from sealkeeper.services import monitoring
from sealkeeper.services.store_access import open_store
from sealkeeper.store.ledger_tables import ledger_entries

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def story(home: Settings, tmp_path: Path) -> Story:
    return sealed_story(home, tmp_path, people=1)


def entry(home: Settings, index: int) -> dict[str, Any]:
    with open_store(home).connect() as conn:
        data = conn.execute(sa.select(ledger_entries.c.data).where(ledger_entries.c.idx == index)).scalar_one()
    parsed: dict[str, Any] = json.loads(bytes(data))
    return parsed


def denials(story: Story, count: int, start: dt.datetime = T) -> str:
    """``count`` reads by the judge, a minute apart, under a request nobody approved: each one denied."""
    request_id = ja.request_access(story.home, story.accounts["judge"], story.records[0], "trial", CASE, start)
    for n in range(count):
        with pytest.raises(NotAllowedError):
            ja.read_sealed(story.home, story.accounts["judge"], request_id, start + n * MINUTE)
    return request_id


def test_repeated_denials_are_flagged_once_with_the_entries_behind_them(story: Story) -> None:
    home, supervisor, judge = story.home, story.accounts["supervisor"], story.accounts["judge"]
    denials(story, 5)
    now = T + 10 * MINUTE
    raised = monitoring.scan(home, supervisor, now)
    kinds = {(f["kind"], f["account"]) for f in raised}
    assert ("repeated_denials", judge.id) in kinds
    assert ("sealed_outside_own_cases", judge.id) in kinds  # reads under an unapproved request
    flag = next(f for f in raised if f["kind"] == "repeated_denials")
    assert flag["count"] == 5
    behind = [entry(home, index) for index in flag["entries"]]
    assert [(e["type"], e["action"], e["outcome"], e["account"]) for e in behind] == \
        [("access.decision", "read_sealed_record", "deny", judge.id)] * 5  # fmt: skip

    assert monitoring.scan(home, supervisor, now + MINUTE) == []  # the same entries: no new flag
    queue = monitoring.queue(home, supervisor, now)
    assert [(f["kind"], f["account"]) for f in queue].count(("repeated_denials", judge.id)) == 1
    raised_entries = [e for e in (entry(home, i) for i in range(_size(home))) if e["type"] == "flag.raised"]
    assert len(raised_entries) == len(raised)

    closed = monitoring.close(home, supervisor, flag["id"], "checked with the court: a misconfigured client", now)
    assert (closed["state"], closed["closed_by"]) == ("closed", supervisor.id)
    assert flag["id"] not in [f["id"] for f in monitoring.queue(home, supervisor, now)]
    assert [f["id"] for f in monitoring.queue(home, supervisor, now, "closed")] == [flag["id"]]
    with pytest.raises(monitoring.FlagError):
        monitoring.close(home, supervisor, flag["id"], "again", now)
    with pytest.raises(monitoring.UnknownFlagError):
        monitoring.close(home, supervisor, 10**6, "no such flag", now)
    assert "misconfigured" not in json.dumps([entry(home, i) for i in range(_size(home))])  # notes stay off the log


def test_four_denials_are_not_repeated_denials_and_an_approved_read_is_not_outside(story: Story) -> None:
    home, a = story.home, story.accounts
    denials(story, 4)
    request_id = ja.request_access(home, a["judge"], story.records[0], "trial", CASE, T)
    ja.approve(home, a["approver"], request_id, dt.timedelta(hours=2), T)
    ja.read_sealed(home, a["judge"], request_id, T + 5 * MINUTE)
    raised = monitoring.scan(home, a["supervisor"], T + 10 * MINUTE)
    assert "repeated_denials" not in {f["kind"] for f in raised}
    [outside] = [f for f in raised if f["kind"] == "sealed_outside_own_cases"]
    assert outside["count"] == 4  # the denied reads; the approved one is for a confirmed case


def test_a_scan_looks_at_its_window_only(story: Story) -> None:
    denials(story, 5)
    later = T + Thresholds().window + 10 * MINUTE  # the denials have left the window
    assert monitoring.scan(story.home, story.accounts["supervisor"], later) == []


def test_only_supervisors_and_auditors_scan_list_and_close(story: Story) -> None:
    home, judge = story.home, story.accounts["judge"]
    for call in (
        lambda: monitoring.scan(home, judge, T),
        lambda: monitoring.queue(home, judge, T),
        lambda: monitoring.close(home, judge, 1, "note", T),
    ):
        with pytest.raises(NotAllowedError):
            call()
    with pytest.raises(monitoring.FlagError, match="note"):
        monitoring.close(home, story.accounts["supervisor"], 1, " ", T)


def test_history_counts_earlier_windows() -> None:
    """Half-open windows: an entry exactly one window back belongs to the window before the current one."""
    day = dt.timedelta(days=1)
    entries = [AccessLogEntry(str(i), T - day - i * dt.timedelta(hours=12), "a", "read_record", True) for i in range(4)]
    entries.append(AccessLogEntry("now", T, "a", "read_record", True))  # the current window: not history
    assert monitoring.history(entries, T, day) == {"a": [2, 2, 0, 0, 0, 0, 0]}


def _size(home: Settings) -> int:
    with open_store(home).connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(ledger_entries)).scalar_one())
