"""The SQLite connections' settings: WAL, and commits that return only once the log is on disk (FULL), so a
logged change is durable before it is answered; a pool that keeps a connection for each request thread; and
writers that queue for their turn instead of polling."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import event

from sealkeeper.store.database import make_engine, transaction


def test_sqlite_commits_are_durable_before_they_return(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL
    finally:
        engine.dispose()


def test_a_served_api_s_request_threads_keep_their_sqlite_connections(tmp_path: Path) -> None:
    """40 threads at once (as many as the server runs), twice: 40 connections opened, then kept. SQLAlchemy's
    default pool for a SQLite file keeps 5 (and opens 10 more, closed again after each use): requests beyond
    those waited, and each over 5 opened a connection with its pragmas."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    opened: list[object] = []
    event.listen(engine, "connect", lambda dbapi, record: opened.append(dbapi))
    threads = 40
    together = threading.Barrier(threads, timeout=10)
    broken: list[BaseException] = []

    def hold() -> None:
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
                together.wait()
        except BaseException as exc:  # reported by the assertion below
            broken.append(exc)

    try:
        for _ in range(2):
            workers = [threading.Thread(target=hold) for _ in range(threads)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        assert not broken, broken
        assert len(opened) == threads
    finally:
        engine.dispose()


def test_a_writer_waits_its_turn_behind_another_process_s_writer(tmp_path: Path) -> None:
    """Writers queue on the lock file beside the database (``flock``), so one starts as soon as the one before
    it ends, instead of polling SQLite's lock with sleeps of up to 100 ms. Here the test holds the turn as
    another process would (its own open file), and a unit of work waits until it lets go."""
    db = tmp_path / "x.db"
    engine = make_engine(f"sqlite:///{db}")
    with transaction(engine) as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    began, done = threading.Event(), threading.Event()

    def write() -> None:
        with transaction(engine) as conn:
            began.set()
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        done.set()

    other = os.open(f"{db}-writer", os.O_RDWR)
    try:
        fcntl.flock(other, fcntl.LOCK_EX)
        writer = threading.Thread(target=write)
        writer.start()
        assert not began.wait(0.3), "the unit of work began while another process held the turn"
        fcntl.flock(other, fcntl.LOCK_UN)
        assert done.wait(10)
        writer.join()
        # while a unit of work runs, the turn is taken: another process cannot have it
        with transaction(engine), pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # and free again after it
    finally:
        os.close(other)
        engine.dispose()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == 1
    assert f"{db}-writer" not in _open_files()  # the lock file is open only during a turn


def _open_files() -> set[str]:
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # a descriptor closed meanwhile (the listing's own)
            found.add(os.readlink(f"/proc/self/fd/{fd}"))
    return found
