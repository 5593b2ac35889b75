"""What the person sees of an access to their record, with and without a delayed notice."""

from __future__ import annotations

import dataclasses
import datetime as dt

from access_helpers import CASE, T, account, grant, resource

from sealkeeper.access import AccessNotice, AccessRequest, AccessRole, Action, Context, NoticeDelay, decide, notice_view

UNTIL = dt.date(2026, 6, 1)


def logged(delay: NoticeDelay | None) -> AccessNotice:
    g = dataclasses.replace(grant(), notice_delay=delay)
    request = AccessRequest(
        account(AccessRole.JUDICIAL), Action.READ_SEALED_RECORD, resource(sealed=True), Context(T, "trial", CASE, g)
    )
    decision = decide(request)
    assert decision.allowed
    return AccessNotice.from_ledger("entry-42", decision.ledger_entry())


def test_an_access_without_delay_is_shown_at_once() -> None:
    view = notice_view(logged(None), T.date())
    assert view.shown
    assert view.access is not None
    assert view.text == "on 2026-03-02, account acct-1 (judicial_requester) did read_sealed_record for trial"
    assert view.delayed_until is None


def test_while_delayed_only_the_day_the_delay_and_its_reason_are_shown() -> None:
    view = notice_view(logged(NoticeDelay("impedes_duty", UNTIL)), UNTIL - dt.timedelta(days=1))
    assert not view.shown
    assert view.access is None
    assert view.text == (
        "an access took place on 2026-03-02; notice delayed until 2026-06-01 because notice would impede the "
        "judicial organ in performing its statutory duties (个人信息保护法第35条 [M])"
    )
    assert "acct-1" not in view.text
    assert "trial" not in view.text
    assert (view.delayed_until, view.delay_reason) == (UNTIL, "impedes_duty")


def test_on_the_day_the_delay_ends_the_access_is_shown_with_the_delay() -> None:
    view = notice_view(logged(NoticeDelay("statutory_secrecy", UNTIL)), UNTIL)
    assert view.shown
    assert view.access is not None
    assert view.access.account == "acct-1"
    assert view.text.startswith("on 2026-03-02, account acct-1")
    assert "notice delayed until 2026-06-01 because a law or administrative regulation" in view.text


def test_the_view_in_chinese() -> None:
    held = notice_view(logged(NoticeDelay("impedes_duty", UNTIL)), T.date(), lang="zh")
    expected = (
        "2026-03-02有一次查阅；告知延迟至2026-06-01，理由：告知将妨碍国家机关履行法定职责（个人信息保护法第35条 [M]）。"
    )
    assert held.text == expected
    shown = notice_view(logged(None), T.date(), lang="zh")
    assert shown.text.startswith("2026-03-02，账户acct-1（judicial_requester）")


def test_the_notice_carries_no_case_number() -> None:
    notice = logged(NoticeDelay("impedes_duty", UNTIL))
    assert CASE not in repr(notice)
    assert CASE not in repr(notice_view(notice, UNTIL))
