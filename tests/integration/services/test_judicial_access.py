"""Judicial access to a sealed record on a real home (SQLite and PostgreSQL): request, approval by another
approver, a read within the window and none outside it (both sides of each bound), self-approval refused, every
step logged, and the person's view of the access with a proof that verifies, a delayed notice showing only the
delay until its day."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from conftest import ledger_events
from judicial_setup import CASE, CST, Story, T, check_proof, sealed_story

from sealkeeper.access import NoticeDelay, SelfApprovalError
from sealkeeper.auth import NotAllowedError
from sealkeeper.config import Settings
from sealkeeper.errors import StoreError
from sealkeeper.services import judicial_access as ja
from sealkeeper.services import sealing_runs
from sealkeeper.services.access_history import my_access_history

HOUR = dt.timedelta(hours=1)
TICK = dt.timedelta(microseconds=1)


@pytest.fixture
def story(home: Settings, tmp_path: Path) -> Story:
    return sealed_story(home, tmp_path)


events = ledger_events


def approved(story: Story, at: dt.datetime = T, delay: NoticeDelay | None = None, record: int = 0) -> str:
    a = story.accounts
    request_id = ja.request_access(story.home, a["judge"], story.records[record], "trial", CASE, at)
    ja.approve(story.home, a["approver"], request_id, 2 * HOUR, at + HOUR, delay)
    return request_id


def test_request_approve_read_within_the_window_and_not_after(story: Story) -> None:
    home, a = story.home, story.accounts
    request_id = ja.request_access(home, a["judge"], story.records[0], "trial", CASE, T)
    assert [r["id"] for r in ja.inbox(home, a["approver"], T)] == [request_id]
    assert ja.inbox(home, a["approver"], T)[0]["purpose"] == "trial"
    with pytest.raises(NotAllowedError) as early:  # not approved yet: the case is not confirmed as the judge's
        ja.read_sealed(home, a["judge"], request_id, T + HOUR)
    assert "judicial.case_not_own" in early.value.rules

    approve_at = T + HOUR
    ja.approve(home, a["approver"], request_id, 2 * HOUR, approve_at)
    assert ja.inbox(home, a["approver"], T) == []
    [mine] = ja.my_requests(home, a["judge"])
    assert (mine["state"], mine["approver"], mine["valid_until"]) == ("approved", a["approver"].id,
                                                                      approve_at + 2 * HOUR)  # fmt: skip

    facts = ja.read_sealed(home, a["judge"], request_id, approve_at)  # valid_from is inclusive
    assert {e["id"] for e in facts["events"]} == {"e1", "e2"}
    assert facts["person"] == {"birth_date": "2004-01-01"}
    text = json.dumps(facts, ensure_ascii=False, default=str)
    assert "IT-0001" not in text  # the source bundle id
    assert "张三" not in text  # no identity
    ja.read_sealed(home, a["judge"], request_id, approve_at + 2 * HOUR - TICK)
    for when, rule in ((approve_at - TICK, "grant.not_yet_valid"), (approve_at + 2 * HOUR, "grant.expired")):
        with pytest.raises(NotAllowedError) as refused:
            ja.read_sealed(home, a["judge"], request_id, when)
        assert refused.value.rules[0] == rule

    reads = [e for e in events(home, "access.decision") if e["action"] == "read_sealed_record"]
    assert [e["outcome"] for e in reads] == ["deny", "allow", "allow", "deny", "deny"]
    assert all(e["record"] == story.records[0] and e["case_commitment"] for e in reads)
    assert CASE not in json.dumps(events(home), ensure_ascii=False)  # case numbers only as commitments
    assert [e["type"] for e in events(home) if e["type"].startswith("access.") and e["type"] != "access.decision"] \
        == ["access.requested", "access.approved"]  # fmt: skip


def test_only_another_approver_approves_and_only_the_requester_reads(story: Story) -> None:
    home, a = story.home, story.accounts
    own = ja.request_access(home, a["dual"], story.records[0], "prosecution", CASE, T)
    with pytest.raises(SelfApprovalError):
        ja.approve(home, a["dual"], own, HOUR, T)
    with pytest.raises(SelfApprovalError):
        ja.deny(home, a["dual"], own, T)
    assert [e["reason"] for e in events(home, "access.approval_refused")] == ["self_approval", "self_approval"]
    assert ja.inbox(home, a["approver"], T)[0]["state"] == "pending"  # nothing changed

    with pytest.raises(NotAllowedError):  # a judicial requester is no approver
        ja.approve(home, a["judge"], own, HOUR, T)
    ja.approve(home, a["approver2"], own, HOUR, T)
    with pytest.raises(ja.RequestStateError):
        ja.deny(home, a["approver"], own, T)
    with pytest.raises(NotAllowedError):  # another requester cannot use the grant
        ja.read_sealed(home, a["judge"], own, T)
    assert ja.read_sealed(home, a["dual"], own, T)["record"] == story.records[0]


def test_a_denied_request_is_never_read_and_the_guards_hold_at_request_time(story: Story) -> None:
    home, a = story.home, story.accounts
    request_id = ja.request_access(home, a["judge"], story.records[0], "trial", CASE, T)
    ja.deny(home, a["approver"], request_id, T)
    assert ja.my_requests(home, a["judge"])[0]["state"] == "denied"
    with pytest.raises(NotAllowedError):
        ja.read_sealed(home, a["judge"], request_id, T)
    with pytest.raises(NotAllowedError) as unlisted:
        ja.request_access(home, a["judge"], story.records[0], "curiosity", CASE, T)
    assert unlisted.value.rules == ("judicial.purpose_not_listed",)
    with pytest.raises(NotAllowedError):  # an approver is no judicial requester
        ja.request_access(home, a["approver"], story.records[0], "trial", CASE, T)
    with pytest.raises(ja.UnknownRecordError) as unknown:
        ja.request_access(home, a["judge"], "SE-王五", "trial", CASE, T)
    assert "王五" not in str(unknown.value)
    assert "王五" not in json.dumps(events(home), ensure_ascii=False)  # an unknown id's text is not logged
    for bad in ("", "(2026)\x00号", "x" * 65):
        with pytest.raises(ja.AccessRequestError, match="case_number"):
            ja.request_access(home, a["judge"], story.records[0], "trial", bad, T)
    outcomes = [e["outcome"] for e in events(home, "access.requested")]
    assert outcomes == ["accepted", "refused", "refused", "refused"]
    assert len(ja.my_requests(home, a["judge"])) == 1  # refused requests are in the ledger only


def test_the_person_sees_the_access_with_a_proof_that_verifies(story: Story) -> None:
    home, a = story.home, story.accounts
    request_id = approved(story)
    ja.read_sealed(home, a["judge"], request_id, T + 2 * HOUR)
    history = my_access_history(home, a["person0"], T + 3 * HOUR)
    [access] = history["accesses"]
    assert access["shown"] is True
    assert (access["account"], access["action"], access["purpose"]) == (a["judge"].id, "read_sealed_record", "trial")
    assert access["record"] == story.records[0]
    check_proof(history, access)
    assert my_access_history(home, a["person1"], T + 3 * HOUR)["accesses"] == []  # not their record
    with pytest.raises(NotAllowedError):
        my_access_history(home, a["judge"], T)


def test_a_delayed_notice_shows_nothing_until_its_day_then_the_access_and_the_delay(story: Story) -> None:
    home, a = story.home, story.accounts
    until = dt.date(2026, 7, 20)
    request_id = approved(story, delay=NoticeDelay("impedes_duty", until))
    ja.read_sealed(home, a["judge"], request_id, T + 2 * HOUR)
    held = my_access_history(home, a["person0"], dt.datetime.combine(until - dt.timedelta(days=1), dt.time(23),
                                                                      tzinfo=CST))  # fmt: skip
    assert held["accesses"] == []
    request_entries = [e for e in events(home) if e.get("request") == request_id]
    assert len(request_entries) >= 4  # requested, the approver's decision, approved, the read
    assert all(e.get("record") is None and "subject_commitment" not in e for e in request_entries)

    told = my_access_history(home, a["person0"], dt.datetime.combine(until, dt.time(0), tzinfo=CST))
    [access] = told["accesses"]
    assert access["shown"] is True
    assert (access["account"], access["delayed_until"], access["delay_reason"]) == (a["judge"].id, until,
                                                                                     "impedes_duty")  # fmt: skip
    check_proof(told, access)


def test_bad_windows_and_delays_are_refused_before_anything_is_written(story: Story) -> None:
    home, a = story.home, story.accounts
    request_id = ja.request_access(home, a["judge"], story.records[0], "trial", CASE, T)
    before = len(events(home))
    with pytest.raises(ja.AccessRequestError, match="valid_for"):
        ja.approve(home, a["approver"], request_id, dt.timedelta(0), T)
    with pytest.raises(ja.AccessRequestError, match=r"notice_delay\.until"):
        ja.approve(home, a["approver"], request_id, HOUR, T, NoticeDelay("impedes_duty", T.date()))
    assert len(events(home)) == before
    with pytest.raises(ja.UnknownAccessRequestError):
        ja.approve(home, a["approver"], "AR-0000000000000000", HOUR, T)


def test_two_approvers_at_once_decide_a_request_once(story: Story) -> None:
    home, a = story.home, story.accounts
    request_id = ja.request_access(home, a["judge"], story.records[0], "trial", CASE, T)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(name: str) -> None:
        start.wait()
        try:
            ja.approve(home, a[name], request_id, HOUR, T)
            outcomes[name] = "approved"
        except (ja.RequestStateError, StoreError) as exc:
            outcomes[name] = type(exc).__name__

    threads = [threading.Thread(target=decide, args=(name,)) for name in ("approver", "approver2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()).count("approved") == 1, outcomes
    [winner] = [name for name, outcome in outcomes.items() if outcome == "approved"]
    assert ja.my_requests(home, a["judge"])[0]["approver"] == a[winner].id
    assert len(events(home, "access.approved")) == 1


def test_the_daily_run_logs_the_notice_once_the_delay_has_ended(story: Story) -> None:
    home, a = story.home, story.accounts
    until = dt.date(2026, 7, 20)
    request_id = approved(story, delay=NoticeDelay("impedes_duty", until))
    ja.read_sealed(home, a["judge"], request_id, T + 2 * HOUR)
    day_before = until - dt.timedelta(days=1)
    sealing_runs.run(home, day_before, dt.datetime.combine(day_before, dt.time(1), tzinfo=CST))
    assert events(home, "access.notice_released") == []
    summary = sealing_runs.run(home, until, dt.datetime.combine(until, dt.time(1), tzinfo=CST))
    assert summary.effects["access_notices_released"] == 1
    [notice] = events(home, "access.notice_released")
    assert (notice["request"], notice["notice_delayed_until"], notice["account"]) == (request_id, "2026-07-20",
                                                                                       a["judge"].id)  # fmt: skip
    told = my_access_history(home, a["person0"], dt.datetime.combine(until, dt.time(9), tzinfo=CST))
    assert [x["delay_reason"] for x in told["accesses"]] == ["impedes_duty"]
    assert len(events(home, "access.notice_released")) == 1  # not logged twice
