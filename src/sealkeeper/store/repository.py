"""Reads and writes of the record store, on a connection inside a unit of work (store.database.transaction).

Bulk paths (import) take and return plain rows so that one executemany writes thousands of people.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.store.tables import bundles, data_keys, decisions, identities, imports, settings, subjects

_CHUNK = 900  # stays under SQLite's default limit of bound parameters per statement


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def get_setting(conn: Connection, key: str) -> str | None:
    return conn.execute(sa.select(settings.c.value).where(settings.c.key == key)).scalar_one_or_none()


def put_setting(conn: Connection, key: str, value: str) -> None:
    if get_setting(conn, key) is None:
        conn.execute(sa.insert(settings).values(key=key, value=value))
    else:
        conn.execute(sa.update(settings).where(settings.c.key == key).values(value=value))


def add_import(conn: Connection, digest: str, day: dt.date, count: int, written: int) -> int:
    """The row of this file's content: a new one, or the earlier one when the same content comes again
    (after another file changed some of its bundles, importing it again rewrites them)."""
    found = conn.execute(sa.select(imports.c.id).where(imports.c.digest == digest)).scalar_one_or_none()
    if found is not None:
        conn.execute(sa.update(imports).where(imports.c.id == found).values(imported_on=day, written=written))
        return int(found)
    result = conn.execute(sa.insert(imports).values(digest=digest, imported_on=day, bundles=count, written=written))
    key = result.inserted_primary_key
    assert key is not None  # noqa: S101 - an insert with an autoincrement key always returns it
    return int(key[0])


def existing_bundles(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, str, int]]:
    """bundle id -> (token, digest, version) for the ids already stored."""
    out: dict[str, tuple[str, str, int]] = {}
    for chunk in _chunks(ids):
        query = sa.select(bundles.c.id, bundles.c.token, bundles.c.digest, bundles.c.version).where(
            bundles.c.id.in_(chunk)
        )
        out.update({row.id: (row.token, row.digest, row.version) for row in conn.execute(query)})
    return out


# Built once: a certificate runs both (a statement built per call cost about 60 us more to run).
_SUBJECTS_BY_INDEX = sa.select(subjects.c.id_index, subjects.c.token).where(
    subjects.c.id_index.in_(sa.bindparam("indexes", expanding=True))
)
_WRAPPED_KEYS = sa.select(data_keys.c.token, data_keys.c.kek_id, data_keys.c.wrapped).where(
    data_keys.c.token.in_(sa.bindparam("tokens", expanding=True))
)


def subjects_by_index(conn: Connection, indexes: Sequence[bytes]) -> dict[bytes, str]:
    out: dict[bytes, str] = {}
    for chunk in _chunks(indexes):
        rows = conn.execute(_SUBJECTS_BY_INDEX, {"indexes": list(chunk)})
        out.update({bytes(row.id_index): row.token for row in rows})
    return out


def subject_state(conn: Connection, tokens: Sequence[str]) -> dict[str, tuple[dt.date | None, int | None]]:
    """token -> (deleted_on, identity version or None)."""
    out: dict[str, tuple[dt.date | None, int | None]] = {}
    for chunk in _chunks(tokens):
        query = (
            sa.select(subjects.c.token, subjects.c.deleted_on, identities.c.version)
            .select_from(subjects.outerjoin(identities, identities.c.token == subjects.c.token))
            .where(subjects.c.token.in_(chunk))
        )
        out.update({row.token: (row.deleted_on, row.version) for row in conn.execute(query)})
    return out


def wrapped_keys(conn: Connection, tokens: Sequence[str]) -> dict[str, tuple[str | None, bytes | None]]:
    out: dict[str, tuple[str | None, bytes | None]] = {}
    for chunk in _chunks(tokens):
        rows = conn.execute(_WRAPPED_KEYS, {"tokens": list(chunk)})
        out.update({r.token: (r.kek_id, None if r.wrapped is None else bytes(r.wrapped)) for r in rows})
    return out


def insert_many(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Bulk insert through the driver's own executemany (about 5x faster than SQLAlchemy's row-by-row
    parameter processing on SQLite). Dates go to SQLite as ISO text, the form SQLAlchemy's Date type reads."""
    if not rows:
        return
    columns = list(rows[0])
    if not set(columns) <= set(table.c.keys()):  # names come from our own code; checked so they cannot be data
        raise ValueError(f"unknown column(s) for {table.name}: {sorted(set(columns) - set(table.c.keys()))}")
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    marks = ", ".join(mark for _ in columns)
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - names checked above
    pick = operator.itemgetter(*columns)  # one C call per row instead of a generator over its columns
    params = [pick(row) for row in rows] if len(columns) > 1 else [(pick(row),) for row in rows]
    if conn.dialect.name == "sqlite":
        dates = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.Date)]
        if dates:
            params = [_iso_dates(values, dates) for values in params]
    conn.exec_driver_sql(statement, params)


def _iso_dates(values: tuple[Any, ...], positions: list[int]) -> tuple[Any, ...]:
    out = list(values)
    for i in positions:
        if isinstance(out[i], dt.date):
            out[i] = out[i].isoformat()
    return tuple(out)


def upsert_identities(conn: Connection, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> None:
    insert_many(conn, identities, new)
    for row in changed:
        conn.execute(sa.update(identities).where(identities.c.token == row["token"]).values(**row))


def replace_bundles(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Changed bundles: their old decisions go, the new facts replace the old (a new version)."""
    ids = [r["id"] for r in rows]
    for chunk in _chunks(ids):
        conn.execute(sa.delete(decisions).where(decisions.c.bundle_id.in_(chunk)))
    for row in rows:
        conn.execute(sa.update(bundles).where(bundles.c.id == row["id"]).values(**row))


def identity_row(conn: Connection, token: str) -> Any:
    return conn.execute(sa.select(identities).where(identities.c.token == token)).first()


def bundles_of(conn: Connection, token: str) -> list[Any]:
    return list(conn.execute(sa.select(bundles).where(bundles.c.token == token).order_by(bundles.c.id)))


def decisions_of(conn: Connection, bundle_ids: Sequence[str]) -> list[Any]:
    query = sa.select(decisions).where(decisions.c.bundle_id.in_(bundle_ids))
    return list(conn.execute(query.order_by(decisions.c.bundle_id, decisions.c.record_id)))


def subject(conn: Connection, token: str) -> Any:
    return conn.execute(sa.select(subjects).where(subjects.c.token == token)).first()


def set_indexes(conn: Connection, indexes: dict[str, bytes]) -> None:
    for token, index in indexes.items():
        conn.execute(sa.update(subjects).where(subjects.c.token == token).values(id_index=index))


def shred(conn: Connection, token: str, day: dt.date) -> None:
    """Crypto-shredding: the wrapped key and the blind index go; facts and decisions stay (counts stay valid)."""
    conn.execute(sa.update(data_keys).where(data_keys.c.token == token).values(kek_id=None, wrapped=None))
    conn.execute(sa.update(subjects).where(subjects.c.token == token).values(id_index=None, deleted_on=day))


def keys_under(conn: Connection, kek_id: str, limit: int) -> list[tuple[str, bytes]]:
    query = (
        sa.select(data_keys.c.token, data_keys.c.wrapped)
        .where(data_keys.c.kek_id == kek_id, data_keys.c.wrapped.is_not(None))
        .order_by(data_keys.c.token)
        .limit(limit)
    )
    return [(r.token, bytes(r.wrapped)) for r in conn.execute(query)]


def rewrap(conn: Connection, token: str, old_kek: str, new_kek: str, blob: bytes) -> bool:
    """Replace one wrapped key, only if it is still under ``old_kek`` (a concurrent change wins)."""
    result = conn.execute(
        sa.update(data_keys)
        .where(data_keys.c.token == token, data_keys.c.kek_id == old_kek)
        .values(kek_id=new_kek, wrapped=blob)
    )
    return bool(result.rowcount)


def kek_usage(conn: Connection) -> dict[str, int]:
    query = sa.select(data_keys.c.kek_id, sa.func.count()).where(data_keys.c.kek_id.is_not(None))
    return {row[0]: int(row[1]) for row in conn.execute(query.group_by(data_keys.c.kek_id))}


def counts(conn: Connection) -> dict[str, int]:
    def n(table: sa.Table, *where: Any) -> int:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one())

    return {
        "subjects": n(subjects),
        "deleted": n(subjects, subjects.c.deleted_on.is_not(None)),
        "bundles": n(bundles),
        "decisions": n(decisions),
        "imports": n(imports),
    }
