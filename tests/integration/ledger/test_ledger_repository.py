"""The ledger's bulk writes on SQLite and PostgreSQL: every entry's bytes come back exactly as given; node
strips are filled and continued in place, and refused when out of step with the head; an append writes its
entries, strips and head together or not at all."""

from __future__ import annotations

import random

import pytest
from ledger_helpers import ready

from sealkeeper.config import Settings
from sealkeeper.errors import StoreError
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


def _hashes(level: int, first: int, count: int) -> bytes:
    return b"".join(bytes([level, (first + i) % 251]) * 16 for i in range(count))  # 32 bytes each


def test_node_strips_fill_and_continue_across_strip_boundaries(home: Settings) -> None:
    """Runs that start mid-strip, fill it, and go on for several strips (PostgreSQL appends in the database,
    SQLite reads and rewrites): the stored strips hold every hash at its place."""
    _, engine = ready(home)
    runs = [(0, 0, 10), (0, 10, 54), (0, 64, 1), (0, 65, 200), (3, 0, 5), (3, 5, 130)]
    with transaction(engine) as conn:
        for level, first, count in runs:
            repo.write_nodes(conn, [(level, first, _hashes(level, first, count))])
    with transaction(engine) as conn:
        level0 = b"".join(repo.strips(conn, 0, 0, 4)[n] for n in range(5))
        level3 = b"".join(repo.strips(conn, 3, 0, 2)[n] for n in range(3))
        fetched = repo.fetch_nodes(conn, [(0, 200), (3, 134)])
    assert level0 == _hashes(0, 0, 265)
    assert level3 == _hashes(3, 0, 135)
    assert fetched == {(0, 200): _hashes(0, 200, 1), (3, 134): _hashes(3, 134, 1)}


def test_nodes_out_of_step_with_the_head_are_refused_and_nothing_is_written(home: Settings) -> None:
    _, engine = ready(home)
    with transaction(engine) as conn:
        repo.write_nodes(conn, [(0, 0, _hashes(0, 0, 3))])
    for wrong in (2, 4, 70):  # the strip holds 3 hashes; 70: a strip that does not exist yet
        with pytest.raises(StoreError, match="out of step"), transaction(engine) as conn:
            repo.write_nodes(conn, [(0, wrong, _hashes(0, wrong, 5))])
    with transaction(engine) as conn:
        assert repo.strips(conn, 0, 0, 2) == {0: _hashes(0, 0, 3)}


def test_an_append_writes_its_entries_strips_and_head_together(home: Settings) -> None:
    """``append`` is the three writes of ``Ledger.append_prepared`` (on PostgreSQL one statement): entries at
    their indexes, strips continued in place, and the head; a second append continues the first."""
    _, engine = ready(home)
    first = [b"a" * 40, "封存".encode(), b"\x00" * 7]
    with transaction(engine) as conn:
        repo.append(conn, 0, first, [(0, 0, _hashes(0, 0, 3)), (1, 0, _hashes(1, 0, 1))], 3, b"F" * 64)
    with transaction(engine) as conn:
        repo.append(conn, 3, [b"d"], [(0, 3, _hashes(0, 3, 1)), (1, 1, _hashes(1, 1, 1))], 4, b"G" * 32)
    with transaction(engine) as conn:
        assert repo.entries_from(conn, 0, 10) == list(enumerate([*first, b"d"]))
        assert repo.strips(conn, 0, 0, 1) == {0: _hashes(0, 0, 4)}
        assert repo.strips(conn, 1, 0, 1) == {0: _hashes(1, 0, 2)}
        assert repo.head(conn)[:2] == (4, b"G" * 32)


def test_an_append_out_of_step_writes_no_entry_strip_or_head(home: Settings) -> None:
    _, engine = ready(home)
    with transaction(engine) as conn:
        repo.append(conn, 0, [b"a", b"b", b"c"], [(0, 0, _hashes(0, 0, 3))], 3, b"F" * 32)
    with pytest.raises(StoreError, match="out of step"), transaction(engine) as conn:
        repo.append(conn, 3, [b"d"], [(0, 4, _hashes(0, 4, 1))], 4, b"G" * 32)  # the strip holds 3, not 4
    with transaction(engine) as conn:
        assert repo.entries_from(conn, 0, 10) == list(enumerate([b"a", b"b", b"c"]))
        assert repo.strips(conn, 0, 0, 1) == {0: _hashes(0, 0, 3)}
        assert repo.head(conn)[:2] == (3, b"F" * 32)


def test_a_bulk_append_and_a_small_one_write_the_same(home: Settings) -> None:
    """Over ``_ONE_STATEMENT`` entries PostgreSQL takes the three statements; the result is the same."""
    _, engine = ready(home)
    n = repo._ONE_STATEMENT + 1
    datas = [i.to_bytes(2, "big") for i in range(n + 1)]
    with transaction(engine) as conn:
        repo.append(conn, 0, datas[:n], [(0, 0, _hashes(0, 0, n))], n, b"F" * 32)  # bulk
        repo.append(conn, n, datas[n:], [(0, n, _hashes(0, n, 1))], n + 1, b"G" * 32)  # one statement
    with transaction(engine) as conn:
        assert repo.entries_from(conn, 0, n + 5) == list(enumerate(datas))
        strips = repo.strips(conn, 0, 0, 9)
        assert b"".join(strips[k] for k in sorted(strips)) == _hashes(0, 0, n + 1)
        assert repo.head(conn)[:2] == (n + 1, b"G" * 32)
