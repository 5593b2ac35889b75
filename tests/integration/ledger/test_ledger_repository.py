"""The ledger's bulk writes on SQLite and PostgreSQL: every entry's bytes come back exactly as given."""

from __future__ import annotations

import random

from ledger_helpers import ready

from sealkeeper.config import Settings
from sealkeeper.store import ledger_repository as repo
from sealkeeper.store.database import transaction


def test_entries_come_back_byte_for_byte(home: Settings) -> None:
    _, engine = ready(home)
    rng = random.Random(5)  # noqa: S311 - test data
    datas = [rng.randbytes(rng.choice([1, 2, 31, 190, 4_000])) for _ in range(300)]
    datas += ["封存 \x00 ☃".encode() * 3, rng.randbytes(60_000), rng.randbytes(65_536)]
    big = [rng.randbytes(60_000) for _ in range(160)]  # 9.6 MB: more than one sliced statement on SQLite
    huge = [rng.randbytes(200_000), b""]  # longer than a slice code can say, or empty: row by row
    with transaction(engine) as conn:
        repo.insert_entries(conn, 0, datas)
        repo.insert_entries(conn, len(datas), big)
        repo.insert_entries(conn, len(datas) + len(big), huge)
    expected = datas + big + huge
    with transaction(engine) as conn:
        rows = repo.entries_from(conn, 0, len(expected) + 1)
        assert repo.entry(conn, len(datas) - 1) == datas[-1]
    assert [index for index, _ in rows] == list(range(len(expected)))
    assert [data for _, data in rows] == expected
