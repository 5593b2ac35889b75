"""The SQLite connections' settings: WAL, and commits that return only once the log is on disk (FULL), so a
logged change is durable before it is answered."""

from __future__ import annotations

from pathlib import Path

from sealkeeper.store.database import make_engine


def test_sqlite_commits_are_durable_before_they_return(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL
    finally:
        engine.dispose()
