"""What the person sees of an access to their record (pure): the access itself, or, while its notice is delayed
for a stated legal reason, only that an access took place, until when notice is delayed, and why. Once the delay
ends the access is shown together with the delay it was under.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sealkeeper.access.decision import NOTIFY_DELAY
from sealkeeper.access.policy import Policy, load_policy
from sealkeeper.access.request import NoticeDelay


@dataclass(frozen=True, slots=True)
class AccessNotice:
    """One access to the person's record, as logged."""

    entry_id: str
    at: dt.datetime
    account: str
    role: str
    action: str
    purpose: str
    delay: NoticeDelay | None = None

    @classmethod
    def from_ledger(cls, entry_id: str, entry: Mapping[str, Any]) -> AccessNotice:
        """From an access decision's ledger entry (``AccessDecision.ledger_entry()``)."""
        delay = None
        for code in entry["obligations"]:
            kind, _, reason = str(code).partition(":")
            if kind == NOTIFY_DELAY and entry.get("notice_delayed_until"):
                delay = NoticeDelay(reason, dt.date.fromisoformat(entry["notice_delayed_until"]))
        at = dt.datetime.fromisoformat(entry["at"])
        return cls(entry_id, at, entry["account"], entry["role"] or "", entry["action"], entry["purpose"], delay)


@dataclass(frozen=True, slots=True)
class NoticeView:
    entry_id: str
    day: dt.date  # the day the access took place (in the time zone it was logged in)
    shown: bool  # the access's details are shown
    text: str
    access: AccessNotice | None  # None while notice is delayed
    delayed_until: dt.date | None
    delay_reason: str | None
    citation: str | None


def notice_view(notice: AccessNotice, on: dt.date, lang: str = "en", policy: Policy | None = None) -> NoticeView:
    """What the person sees on day ``on`` (``lang``: en or zh)."""
    day = notice.at.date()
    delay = notice.delay
    if delay is None:
        return NoticeView(notice.entry_id, day, True, _access_text(notice, lang), notice, None, None, None)
    reason = (policy or load_policy()).delay_reasons.get(delay.reason)
    because = delay.reason if reason is None else (reason.text_zh if lang == "zh" else reason.text)
    citation = None if reason is None else reason.citation
    held = on < delay.until
    if lang == "zh":
        delayed = f"告知延迟至{delay.until.isoformat()}，理由：{because}（{citation}）"
        text = f"{day.isoformat()}有一次查阅；{delayed}。" if held else f"{_access_text(notice, lang)}{delayed}。"
    else:
        delayed = f"notice delayed until {delay.until.isoformat()} because {because} ({citation})"
        shown = f"{_access_text(notice, lang)} ({delayed})"
        text = f"an access took place on {day.isoformat()}; {delayed}" if held else shown
    return NoticeView(
        notice.entry_id, day, not held, text, None if held else notice, delay.until, delay.reason, citation
    )


def _access_text(notice: AccessNotice, lang: str) -> str:
    day, who, purpose = notice.at.date().isoformat(), notice.account, notice.purpose or "-"
    if lang == "zh":
        return f"{day}，账户{who}（{notice.role}）进行{notice.action}，用途：{purpose}。"
    return f"on {day}, account {who} ({notice.role}) did {notice.action} for {purpose}"
