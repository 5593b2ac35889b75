"""Reads and writes of the ledger's tables, always on the caller's connection (its transaction).

Appends are bulk statements through the driver, and every write lands at the end of its table (no random
index inserts). On SQLite the entries of a batch go in as one statement per few megabytes: their bytes
concatenated into one blob and a JSON array of (offset, length) codes that SQLite cuts it by (``substr`` on
a BLOB counts bytes and returns a BLOB), because binding one row per entry (``executemany``) costs more
than the insert itself. On PostgreSQL they are one ``executemany`` (psycopg pipelines it), and node strips are
appended in place by one statement. An append of a few entries (``append``: a request's, or a group commit's
batch) is on PostgreSQL one statement with its strips and the new head.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate, repeat
from operator import lshift, or_
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.errors import StoreError
from sealkeeper.store.ledger_tables import (
    NODE_LEVEL_SHIFT,
    STRIP,
    ledger_checkpoints,
    ledger_cosignatures,
    ledger_entries,
    ledger_head,
    ledger_nodes,
    ledger_subjects,
)

HASH = 32

_CHUNK = 900  # stays under SQLite's default limit of bound parameters per statement


def node_key(level: int, index: int) -> int:
    """The ledger_nodes row holding node (level, index)."""
    return (level << NODE_LEVEL_SHIFT) | (index // STRIP)


_INSERT_ENTRIES = "INSERT INTO ledger_entries (idx, data) VALUES (?, ?)"
_LENGTH_BITS = 17  # entries are at most 64 KiB (entries.MAX_ENTRY_BYTES); longer or empty ones: executemany
#: ?1 first index, ?2 some entries' bytes concatenated, ?3 where ?2 starts in the batch, ?4 a JSON array of
#: one code per entry: (its offset in the batch << 17) | its length
_INSERT_ENTRIES_SLICED = (
    "INSERT INTO ledger_entries (idx, data) "
    "SELECT ?1 + key, substr(?2, (value >> 17) - ?3 + 1, value & 131071) FROM json_each(?4)"
)
_SLICED_BYTES = 8 << 20  # bytes of entries per sliced statement
_INSERT_NODES = "INSERT INTO ledger_nodes (id, hashes) VALUES (?, ?)"
_UPDATE_NODES = "UPDATE ledger_nodes SET hashes = ? WHERE id = ?"
_INSERT_SUBJECTS = "INSERT INTO ledger_subjects (subject, idx) VALUES (?, ?)"
_ENTRIES_FROM = "SELECT idx, data FROM ledger_entries WHERE idx >= ? ORDER BY idx LIMIT ?"


def _driver_sql(conn: Connection, statement: str) -> str:
    """A constant statement in the driver's parameter style (SQLite: ?, psycopg: %s)."""
    return statement if conn.dialect.paramstyle == "qmark" else statement.replace("?", "%s")


class Head(NamedTuple):
    size: int
    frontier: bytes
    indexed: int  # entries below this index are in ledger_subjects


# Built once: every logged change runs these (a statement built per call cost about 60 us more to run).
_TOUCH_HEAD = (
    sa.update(ledger_head)
    .where(ledger_head.c.id == 1)
    .values(size=ledger_head.c.size)
    .returning(ledger_head.c.size, ledger_head.c.frontier, ledger_head.c.indexed)
)
_HEAD = sa.select(ledger_head.c.size, ledger_head.c.frontier, ledger_head.c.indexed).where(ledger_head.c.id == 1)
_PUT_HEAD = sa.update(ledger_head).where(ledger_head.c.id == 1)
_NODES = sa.select(ledger_nodes.c.id, ledger_nodes.c.hashes).where(
    ledger_nodes.c.id.in_(sa.bindparam("ids", expanding=True))
)


def lock_head(conn: Connection) -> Head:
    """The head row, locked until the caller's transaction ends.

    The no-op UPDATE takes SQLite's write lock (or PostgreSQL's row lock) and returns the row it locked, in
    one statement, so two writers can never both extend the same size."""
    row = conn.execute(_TOUCH_HEAD).one()
    return Head(int(row.size), bytes(row.frontier), int(row.indexed))


def head(conn: Connection) -> Head:
    row = conn.execute(_HEAD).one()
    return Head(int(row.size), bytes(row.frontier), int(row.indexed))


def put_head(conn: Connection, size: int, frontier: bytes) -> None:
    conn.execute(_PUT_HEAD, {"size": size, "frontier": frontier})


def insert_entries(conn: Connection, first: int, datas: Sequence[bytes]) -> None:
    """Entries' bytes at indexes first, first + 1, ..."""
    if not datas:
        return
    lengths = list(map(len, datas))
    if conn.dialect.name != "sqlite" or min(lengths) == 0 or max(lengths) >> _LENGTH_BITS:
        conn.exec_driver_sql(_driver_sql(conn, _INSERT_ENTRIES), list(enumerate(datas, start=first)))
        return
    offsets = list(accumulate(lengths, initial=0))  # offsets[i]: where entry i starts in the whole batch
    codes = list(map(str, map(or_, map(lshift, offsets, repeat(_LENGTH_BITS)), lengths)))  # offset << 17 | length
    start = 0
    while start < len(datas):
        end = max(start + 1, bisect_right(offsets, offsets[start] + _SLICED_BYTES) - 1)
        blob = b"".join(datas[start:end])
        conn.exec_driver_sql(
            _INSERT_ENTRIES_SLICED, (first + start, blob, offsets[start], "[" + ",".join(codes[start:end]) + "]")
        )
        start = end


def write_nodes(conn: Connection, runs: Sequence[tuple[int, int, bytes]]) -> None:
    """Runs (level, first index, packed hashes) of new nodes, each continuing its level: fills the level's
    last, partial strip and adds new strips after it. A strip that is not as long as the head says (the
    tables out of step) is refused with nothing written (the caller's transaction rolls back)."""
    if conn.dialect.name == "postgresql":
        _append_nodes(conn, runs)
        return
    width = STRIP * HASH
    partial = [node_key(level, first) for level, first, _ in runs if first % STRIP]
    existing = {}
    if partial:
        existing = {int(r.id): bytes(r.hashes) for r in conn.execute(_NODES, {"ids": partial})}
    inserts: list[tuple[int, bytes]] = []
    updates: list[tuple[bytes, int]] = []
    for level, first, packed in runs:
        offset = first % STRIP
        blob = packed
        if offset:
            before = existing.get(node_key(level, first), b"")
            if len(before) != offset * HASH:
                raise _out_of_step(level, first)
            blob = before + packed
        for n, start in enumerate(range(0, len(blob), width)):
            row = (((level << NODE_LEVEL_SHIFT) | (first // STRIP + n)), blob[start : start + width])
            (updates.append((row[1], row[0])) if offset and n == 0 else inserts.append(row))
    if inserts:
        conn.exec_driver_sql(_driver_sql(conn, _INSERT_NODES), inserts)
    if updates:
        conn.exec_driver_sql(_driver_sql(conn, _UPDATE_NODES), updates)


#: PostgreSQL: every strip of an append in one statement that appends to a partial strip where it is (no read
#: of it first: one round trip instead of two or three) and returns each strip's new length to check.
_APPEND_NODES = (
    "INSERT INTO ledger_nodes (id, hashes) SELECT * FROM unnest(%s::bigint[], %s::bytea[]) "
    "ON CONFLICT (id) DO UPDATE SET hashes = ledger_nodes.hashes || EXCLUDED.hashes "
    "RETURNING id, length(hashes)"
)


#: PostgreSQL: a whole append after ``lock_head`` in one statement (one round trip instead of three): the
#: entries (%s first index, %s their bytes), the new head (%s size, %s frontier), and the strips as in
#: ``_APPEND_NODES``. The data-modifying CTEs run once each, whether or not the statement reads them.
_APPEND = (
    "WITH entries AS (INSERT INTO ledger_entries (idx, data) "
    "SELECT %s + n - 1, data FROM unnest(%s::bytea[]) WITH ORDINALITY AS e(data, n)), "
    "head AS (UPDATE ledger_head SET size = %s, frontier = %s WHERE id = 1) "
    "INSERT INTO ledger_nodes (id, hashes) SELECT * FROM unnest(%s::bigint[], %s::bytea[]) "
    "ON CONFLICT (id) DO UPDATE SET hashes = ledger_nodes.hashes || EXCLUDED.hashes "
    "RETURNING id, length(hashes)"
)


_ONE_STATEMENT = 256  # entries at most in an append of one statement (a group commit's batch of certificates)


def append(  # noqa: PLR0917 - what one append writes: where, what, its nodes, and the head after it
    conn: Connection, first: int, datas: Sequence[bytes], runs: Sequence[tuple[int, int, bytes]], size: int,
    frontier: bytes,
) -> None:  # fmt: skip
    """``insert_entries``, ``write_nodes`` and ``put_head`` of one append, in this order; on PostgreSQL as one
    statement. Strips out of step with the head are refused as ``write_nodes`` refuses them (the caller's
    transaction then rolls back what the statement wrote). A bulk append (an import's) keeps the three
    statements: its entries go in by ``executemany``, not as one array parameter of their whole size."""
    if conn.dialect.name != "postgresql" or not 0 < len(datas) <= _ONE_STATEMENT:
        insert_entries(conn, first, datas)
        write_nodes(conn, runs)
        put_head(conn, size, frontier)
        return
    ids, pieces, expected = _strips(runs)
    rows = conn.exec_driver_sql(_APPEND, (first, list(datas), size, frontier, ids, pieces))
    _check_lengths({int(key): int(length) for key, length in rows}, expected)


def _append_nodes(conn: Connection, runs: Sequence[tuple[int, int, bytes]]) -> None:
    ids, pieces, expected = _strips(runs)
    rows = conn.exec_driver_sql(_APPEND_NODES, (ids, pieces))
    _check_lengths({int(key): int(length) for key, length in rows}, expected)


def _strips(
    runs: Sequence[tuple[int, int, bytes]],
) -> tuple[list[int], list[bytes], dict[int, tuple[int, int, int]]]:
    """The runs cut at strip boundaries: the strips' ids, the hashes appended to each, and per strip its
    length after the append with the run's level and first index (to check against what the database says)."""
    ids: list[int] = []
    pieces: list[bytes] = []
    expected: dict[int, tuple[int, int, int]] = {}  # strip -> (its length after, level, first index)
    for level, first, packed in runs:
        offset, at = first % STRIP, 0
        while at < len(packed):
            take = (STRIP - (first + at // HASH) % STRIP) * HASH
            key = node_key(level, first + at // HASH)
            ids.append(key)
            pieces.append(packed[at : at + take])
            expected[key] = ((offset * HASH if at == 0 else 0) + len(pieces[-1]), level, first)
            at += take
    return ids, pieces, expected


def _check_lengths(found: dict[int, int], expected: dict[int, tuple[int, int, int]]) -> None:
    for key, (length, level, first) in expected.items():
        if found.get(key) != length:
            raise _out_of_step(level, first)


def _out_of_step(level: int, first: int) -> StoreError:
    return StoreError(f"ledger tree nodes at level {level} are out of step with the head (index {first})")


def fetch_nodes(conn: Connection, nodes: Sequence[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Hashes of complete subtrees (level 0: leaf hashes), from their strips; KeyError-free: missing ones
    are simply absent (the caller's look-up fails loudly)."""
    keys = sorted({node_key(level, index) for level, index in nodes})
    strips: dict[int, bytes] = {}
    for start in range(0, len(keys), _CHUNK):
        query = sa.select(ledger_nodes.c.id, ledger_nodes.c.hashes).where(
            ledger_nodes.c.id.in_(keys[start : start + _CHUNK])
        )
        strips.update({int(r.id): bytes(r.hashes) for r in conn.execute(query)})
    out: dict[tuple[int, int], bytes] = {}
    for level, index in nodes:
        offset = (index % STRIP) * HASH
        value = strips.get(node_key(level, index), b"")[offset : offset + HASH]
        if len(value) == HASH:
            out[(level, index)] = value
    return out


def entry(conn: Connection, index: int) -> bytes | None:
    row = conn.execute(sa.select(ledger_entries.c.data).where(ledger_entries.c.idx == index)).first()
    return None if row is None else bytes(row.data)


def entries_from(conn: Connection, start: int, limit: int) -> list[tuple[int, bytes]]:
    """Up to ``limit`` entries (index, bytes) from index ``start`` on, in order (read through the driver)."""
    rows = conn.exec_driver_sql(_driver_sql(conn, _ENTRIES_FROM), (start, limit))
    return [(int(index), bytes(data)) for index, data in rows]


def strips(conn: Connection, level: int, first: int, last: int) -> dict[int, bytes]:
    """The stored strips ``first``..``last`` (strip numbers) of one level, by strip number."""
    low, high = node_key(level, first * STRIP), node_key(level, last * STRIP)
    query = sa.select(ledger_nodes.c.id, ledger_nodes.c.hashes).where(ledger_nodes.c.id.between(low, high))
    mask = (1 << NODE_LEVEL_SHIFT) - 1
    return {int(r.id) & mask: bytes(r.hashes) for r in conn.execute(query)}


def strip_counts(conn: Connection) -> dict[int, int]:
    """How many strips each level has stored."""
    level = ledger_nodes.c.id.op(">>")(sa.literal_column(str(NODE_LEVEL_SHIFT)))  # one expression for GROUP BY
    query = sa.select(level, sa.func.count()).group_by(level)
    return {int(lv): int(count) for lv, count in conn.execute(query)}


_SUBJECT_KEY = b'"subject_commitment":"'


def subject_of(data: bytes) -> bytes | None:
    """The subject commitment inside a canonical entry (hex, 64 characters), as 32 bytes."""
    at = data.find(_SUBJECT_KEY)
    if at < 0:
        return None
    start = at + len(_SUBJECT_KEY)
    return bytes.fromhex(data[start : start + 64].decode("ascii"))


def index_subjects(conn: Connection, chunk: int = 100_000) -> int:
    """Bring ledger_subjects up to the head: read the new entries' subject commitments and insert them
    sorted (one bulk merge into the index, instead of a random index insert on every append). Returns how
    many entries were read."""
    current = lock_head(conn)
    for start in range(current.indexed, current.size, chunk):
        found = ((subject_of(data), idx) for idx, data in entries_from(conn, start, chunk))
        rows = sorted((subject, idx) for subject, idx in found if subject is not None)
        if rows:
            conn.exec_driver_sql(_driver_sql(conn, _INSERT_SUBJECTS), rows)
    conn.execute(sa.update(ledger_head).where(ledger_head.c.id == 1).values(indexed=current.size))
    return current.size - current.indexed


def subject_entries(conn: Connection, subject: bytes, below: int) -> list[tuple[int, bytes]]:
    query = (
        sa.select(ledger_entries.c.idx, ledger_entries.c.data)
        .select_from(ledger_subjects.join(ledger_entries, ledger_entries.c.idx == ledger_subjects.c.idx))
        .where(ledger_subjects.c.subject == subject, ledger_subjects.c.idx < below)
        .order_by(ledger_subjects.c.idx)
    )
    return [(int(r.idx), bytes(r.data)) for r in conn.execute(query)]


def latest_checkpoint(conn: Connection) -> Any:
    query = sa.select(ledger_checkpoints).order_by(ledger_checkpoints.c.size.desc()).limit(1)
    return conn.execute(query).first()


def checkpoints(conn: Connection) -> list[Any]:
    return list(conn.execute(sa.select(ledger_checkpoints).order_by(ledger_checkpoints.c.size)))


def checkpoints_after(conn: Connection, after: int, limit: int) -> list[Any]:
    """Up to ``limit`` checkpoints of sizes above ``after``, in size order."""
    query = sa.select(ledger_checkpoints).where(ledger_checkpoints.c.size > after)
    return list(conn.execute(query.order_by(ledger_checkpoints.c.size).limit(limit)))


def cosignatures_with_notes(conn: Connection) -> list[Any]:
    """Every cosignature (size, verifier, line) with the note of the checkpoint it cosigns."""
    cos, cps = ledger_cosignatures, ledger_checkpoints
    query = sa.select(cos.c.size, cos.c.verifier, cos.c.line, cps.c.note).join(cps, cps.c.size == cos.c.size)
    return list(conn.execute(query.order_by(cos.c.size, cos.c.witness)))


def add_checkpoint(conn: Connection, size: int, root: bytes, note: str) -> None:
    conn.execute(sa.insert(ledger_checkpoints).values(size=size, root=root, note=note))


def cosignatures(conn: Connection, size: int | None = None) -> list[Any]:
    query = sa.select(ledger_cosignatures).order_by(ledger_cosignatures.c.size, ledger_cosignatures.c.witness)
    if size is not None:
        query = query.where(ledger_cosignatures.c.size == size)
    return list(conn.execute(query))


def last_cosigned(conn: Connection, witness: str) -> int:
    query = sa.select(sa.func.max(ledger_cosignatures.c.size)).where(ledger_cosignatures.c.witness == witness)
    value = conn.execute(query).scalar_one_or_none()
    return int(value or 0)


def add_cosignature(conn: Connection, size: int, witness: str, verifier: str, line: str) -> None:
    conn.execute(sa.insert(ledger_cosignatures).values(size=size, witness=witness, verifier=verifier, line=line))
