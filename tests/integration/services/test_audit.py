"""The auditor's ledger page reads one bounded page of access decisions, newest first, and pages back through
the ledger without gaps or repeats; a page never reads more than its scan budget."""

from __future__ import annotations

import datetime as dt

from sealkeeper.access import Action
from sealkeeper.config import Settings
from sealkeeper.services import accounts, audit
from sealkeeper.services.authorization import require

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)


def test_pages_go_back_through_the_ledger_without_gaps_or_repeats(home: Settings) -> None:
    actor = accounts.create_account(home, accounts.LOCAL_OPERATOR, "u-auditor", ["auditor"], NOW).account
    for _ in range(7):
        require(home, actor, Action.READ_LEDGER, NOW)  # each a logged access decision
    first = audit.overview(home, actor, NOW, limit=3)
    assert len(first["entries"]) == 3
    seen = [e["index"] for e in first["entries"]]
    older = first["older"]
    while older is not None:
        page = audit.overview(home, actor, NOW, limit=3, before=older)
        assert all(e["index"] < older for e in page["entries"])
        seen += [e["index"] for e in page["entries"]]
        older = page["older"]
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(set(seen))
    everything = audit.overview(home, actor, NOW, limit=1000, before=first["read_to"])
    assert [e["index"] for e in everything["entries"]] == seen
    assert len(seen) >= 8  # the seven decisions and the first page's own


def test_a_page_reads_no_more_than_its_budget(home: Settings) -> None:
    actor = accounts.create_account(home, accounts.LOCAL_OPERATOR, "u-auditor", ["auditor"], NOW).account
    for _ in range(5):
        require(home, actor, Action.READ_LEDGER, NOW)
    page = audit.overview(home, actor, NOW, limit=100, scan=2, account="u-auditor", purpose="")
    assert page["read_to"] - page["read_from"] == 2
    assert page["older"] == page["read_from"]
    assert sum(page["stats"].values()) == len(page["entries"]) <= 2
