"""Group commit over a real store (SQLite and PostgreSQL): concurrent units share write transactions, keep
their entries together in arrival order, a failing unit is rolled back alone, the log still verifies; and
certificates issued concurrently are each logged once, right after their access decision, and verify."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import person_bundle, write_jsonl
from sqlalchemy.engine import Connection

from sealkeeper.access import AccessRole, Account
from sealkeeper.config import Settings
from sealkeeper.ledger.errors import EntryRejectedError
from sealkeeper.services import certificates, ledger_queries, sealing_runs
from sealkeeper.services.group_commit import GroupCommit
from sealkeeper.services.importing import import_file
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.store_access import open_store
from sealkeeper.store import ledger_repository as ledger_rows
from sealkeeper.store import repository as repo
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.synth.identity import id_number

AT = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
OFFICER = Account("acct-officer", frozenset({AccessRole.CERTIFICATE_OFFICER}), "", frozenset({"CN"}))


def entries(settings: Settings, indexes: range) -> list[dict[str, Any]]:
    with open_store(settings).connect() as conn:
        return [json.loads(ledger_rows.entry(conn, i) or b"null") for i in indexes]


def head_size(settings: Settings) -> int:
    with open_store(settings).connect() as conn:
        return ledger_rows.head(conn).size


def pair(n: int) -> Callable[[Connection], list[dict[str, Any]]]:
    """A unit that stores a setting and logs two events."""

    def work(conn: Connection) -> list[dict[str, Any]]:
        repo.put_setting(conn, f"test.unit.{n}", str(n))
        return [{"type": "test.unit", "n": n, "part": 0}, {"type": "test.unit", "n": n, "part": 1}]

    return work


def gated(
    committer: GroupCommit, waiting: int, leading: threading.Event
) -> Callable[[Connection], list[dict[str, Any]]]:
    """A unit that says it leads its batch (``leading``), then holds the batch open until ``waiting`` more units
    queued (so they form the next batch)."""

    def work(conn: Connection) -> list[dict[str, Any]]:
        leading.set()
        deadline = time.monotonic() + 30
        while committer.queued < waiting and time.monotonic() < deadline:
            time.sleep(0.005)
        return [{"type": "test.gate"}]

    return work


class CountingCommit(GroupCommit):
    """A group commit that notes how many units each of its transactions held."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(open_store(settings), open_ledger(settings))
        self.batches: list[int] = []

    def _write(self, batch: list[Any]) -> None:
        self.batches.append(len(batch))
        super()._write(batch)


def test_concurrent_units_keep_their_entries_together_in_one_verifiable_log(home: Settings) -> None:
    committer = CountingCommit(home)
    before = head_size(home)
    with ThreadPoolExecutor(16) as pool:
        leading = threading.Event()
        gate = pool.submit(committer.run, gated(committer, 15, leading))
        assert leading.wait(timeout=30)  # the gate leads its own batch first
        futures = {n: pool.submit(committer.run, pair(n)) for n in range(60)}
        ranges = {n: f.result(timeout=60) for n, f in futures.items()}
    assert gate.result() == range(before, before + 1)
    assert sorted(i for r in ranges.values() for i in r) == list(range(before + 1, before + 1 + 120))
    for n, indexes in ranges.items():
        assert len(indexes) == 2
        assert entries(home, indexes) == [{"type": "test.unit", "n": n, "part": p} for p in (0, 1)]
    with open_store(home).connect() as conn:
        assert all(repo.get_setting(conn, f"test.unit.{n}") == str(n) for n in range(60))
    report = ledger_queries.verify(home)
    assert report["entries"] == head_size(home) == before + 121
    # They shared transactions: the gate alone, then at least the 15 units queued behind it in one batch.
    assert committer.batches[0] == 1
    assert max(committer.batches[1:]) >= 15
    assert sum(committer.batches) == 61
    assert len(committer.batches) <= 61 - 14


def test_a_failing_unit_is_rolled_back_alone_and_its_batch_commits(home: Settings) -> None:
    committer = GroupCommit(open_store(home), open_ledger(home))
    before = head_size(home)

    def broken(conn: Connection) -> list[dict[str, Any]]:
        repo.put_setting(conn, "test.unit.broken", "written, then rolled back")
        raise ValueError("the unit's own failure")

    def personal(conn: Connection) -> list[dict[str, Any]]:
        repo.put_setting(conn, "test.unit.personal", "written, then rolled back")
        return [{"type": "test.unit", "subject_commitment": "set by the caller"}]

    with ThreadPoolExecutor(8) as pool:
        leading = threading.Event()
        gate = pool.submit(committer.run, gated(committer, 4, leading))
        assert leading.wait(timeout=30)
        good = [pool.submit(committer.run, pair(n)) for n in (1, 2)]
        bad = pool.submit(committer.run, broken)
        refused = pool.submit(committer.run, personal)
        with pytest.raises(ValueError, match="own failure"):
            bad.result(timeout=60)
        with pytest.raises(EntryRejectedError):
            refused.result(timeout=60)
        done = [f.result(timeout=60) for f in good]
    assert gate.result() == range(before, before + 1)
    assert sorted(i for r in done for i in r) == list(range(before + 1, before + 5))
    with open_store(home).connect() as conn:
        assert repo.get_setting(conn, "test.unit.broken") is None
        assert repo.get_setting(conn, "test.unit.personal") is None
        assert repo.get_setting(conn, "test.unit.1") == "1"
    assert ledger_queries.verify(home)["entries"] == before + 5


def test_a_unit_alone_in_its_batch_is_written_or_rolled_back_whole(home: Settings) -> None:
    """A batch of one runs without a savepoint: its failure rolls back the transaction, which held only it."""
    committer = CountingCommit(home)
    before = head_size(home)

    def broken(conn: Connection) -> list[dict[str, Any]]:
        repo.put_setting(conn, "test.unit.alone", "written, then rolled back")
        raise ValueError("the lone unit's failure")

    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement)

    sa.event.listen(committer.engine, "before_cursor_execute", seen)
    try:
        with pytest.raises(ValueError, match="lone unit"):
            committer.run(broken)
        assert committer.run(pair(7)) == range(before, before + 2)
    finally:
        sa.event.remove(committer.engine, "before_cursor_execute", seen)
    assert committer.batches == [1, 1]
    assert statements, "the units' statements were seen"
    assert not [s for s in statements if "SAVEPOINT" in s.upper()]
    with open_store(home).connect() as conn:
        assert repo.get_setting(conn, "test.unit.alone") is None
        assert repo.get_setting(conn, "test.unit.7") == "7"
    assert ledger_queries.verify(home)["entries"] == before + 2


@pytest.fixture
def people(home: Settings, tmp_path: Path) -> list[str]:
    bundles = [person_bundle(n, name=f"测试{n}") for n in range(1, 7)]
    import_file(home, write_jsonl(tmp_path / "p.jsonl", bundles), dt.date(2026, 6, 30), AT.date())
    sealing_runs.run(home, AT.date(), AT)
    return [id_number(n, dt.date(1990, 1, 1)) for n in range(1, 7)]


def test_concurrent_certificates_are_each_logged_after_their_decision_and_verify(
    home: Settings, people: list[str]
) -> None:
    before = head_size(home)
    start = threading.Barrier(12)

    def issue(i: int) -> str:
        start.wait(timeout=30)
        number = people[i % len(people)]
        return certificates.issue_certificate(home, OFFICER, purpose="general", at=AT, id_number=number).code

    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(issue, range(36)))
    assert len(set(codes)) == len(people)  # the code follows from the content: one document per person and day
    logged = entries(home, range(before, head_size(home)))
    assert len(logged) == 72
    for decision, issued in zip(logged[::2], logged[1::2], strict=True):
        assert decision["type"] == "access.decision"
        assert decision["outcome"] == "allow"
        assert issued["type"] == "document.issued"
        assert issued["subject_commitment"] == decision["subject_commitment"]
    for code in codes:
        assert certificates.verify_certificate(home, code)["valid"] is True
    assert ledger_queries.verify(home)["entries"] == head_size(home)
    with open_store(home).connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(ledger_entries)).scalar_one()
    assert count == head_size(home)
