"""`sealkeeper backup` / `restore`: an encrypted, consistent, verifiable copy of the record store.

Consistency: every table is read inside one read transaction (a snapshot: SQLite WAL readers see the state
of the moment the read began; PostgreSQL runs it REPEATABLE READ), so imports can go on meanwhile.

File layout (format 1)::

    b"SKBACKUP1\\n"  header JSON line  then chunks: 4-byte big-endian length + suite AEAD blob

The header names the schema revision, the suite, row counts and the SHA-256 of the plain body, and holds a
random backup key wrapped by the key-encryption key. Each chunk is zlib-compressed JSON Lines sealed under the
backup key with associated data binding the backup id, the chunk's index and whether it is the last one, so a
reordered, swapped or truncated file fails. Every table is in a backup but those ``backup_plan`` names: the
wrapped data keys are not (deleting a person destroys their key, and every backup loses them too). So a
backup restored on a new machine (``sealkeeper init --recover`` under the old key file) brings back the legal
facts, decisions, cases, documents, accounts and the ledger, but each identity stays unreadable there: the
restore counts them (``identities_without_key``). The data keys live with the database they protect.

Restore decrypts and checks everything first; only then, in one transaction, it replaces the tables, by the
policy of ``backup_plan``: deletions made after the backup survive a restore, accounts, tokens and privacy
budgets are never rolled back, and the ledger is never forked.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from sealkeeper.config import Settings
from sealkeeper.errors import IntegrityError, KeyUnavailableError, StoreError
from sealkeeper.services.backup_plan import LEDGER, LIVE_WINS, LedgerAction, backed_up, event_type, ledger_action
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.protection import Protector, open_protector
from sealkeeper.services.store_access import open_store, writer_lock
from sealkeeper.store.database import head_revision, transaction
from sealkeeper.store.ledger_repository import entries_from, head
from sealkeeper.store.tables import data_keys, subjects
from sealkeeper.vault.providers import WrappedKey

MAGIC = b"SKBACKUP1\n"
_ROWS_PER_CHUNK = 5000


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dt.datetime):
        return {"at": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        if "b64" in value:
            return base64.b64decode(value["b64"])
        return dt.datetime.fromisoformat(value["at"]) if "at" in value else dt.date.fromisoformat(value["date"])
    return value


def _aad(backup_id: str, index: int, last: bool) -> bytes:
    return f"sealkeeper/backup/v1|{backup_id}|{index}|{int(last)}".encode("ascii")


def _lines(conn: sa.Connection, counts: dict[str, int]) -> Iterator[bytes]:
    for table in backed_up():
        for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns)):
            counts[table.name] = counts.get(table.name, 0) + 1
            values = {k: _plain(v) for k, v in row._mapping.items()}
            if table is subjects:
                values["id_index"] = None  # rebuilt at restore from live keys: a deleted person's stays empty
            record = {"t": table.name, "r": values}
            yield json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def backup(settings: Settings, out: Path, today: dt.date) -> dict[str, Any]:
    engine = open_store(settings)
    if out.exists():
        raise StoreError(f"{out} exists; choose a new path (a backup never overwrites a file)")
    with transaction(engine) as conn:
        protector = open_protector(conn, settings)
    backup_key = os.urandom(protector.suite.data_key_bytes)
    backup_id = base64.b32encode(os.urandom(10)).decode("ascii").lower()
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    snapshot = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect() as plain_conn:
        conn = plain_conn.execution_options(**snapshot)
        with conn.begin():
            batch: list[bytes] = []
            for line in _lines(conn, counts):
                digest.update(line)
                batch.append(line)
                if len(batch) == _ROWS_PER_CHUNK:
                    chunks.append(zlib.compress(b"".join(batch)))
                    batch = []
            chunks.append(zlib.compress(b"".join(batch)))
    wrapped = protector.provider.wrap(backup_key)
    header = {
        "format": 1, "id": backup_id, "schema": head_revision(), "suite": protector.suite.name,
        "taken_on": today.isoformat(), "counts": counts, "sha256": digest.hexdigest(), "chunks": len(chunks),
        "key": {"kek": wrapped.kek_id, "blob": base64.b64encode(wrapped.blob).decode("ascii")},
    }  # fmt: skip
    tmp = out.with_name(out.name + ".part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StoreError(f"{tmp} exists (an interrupted backup?); remove it and run the backup again") from None
    except OSError as exc:
        raise StoreError(f"{out}: cannot be written ({exc.strerror})") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(MAGIC + json.dumps(header, sort_keys=True).encode("ascii") + b"\n")
        for i, chunk in enumerate(chunks):
            blob = protector.suite.encrypt(backup_key, chunk, _aad(backup_id, i, i == len(chunks) - 1))
            handle.write(struct.pack(">I", len(blob)) + blob)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(out)
    return {"path": str(out), "id": backup_id, "counts": counts}


def _read(settings: Settings, path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Decrypt and verify a whole backup in memory; raise before anything is replaced."""
    try:
        return _read_checked(settings, path)
    except (ValueError, KeyError, TypeError, zlib.error):  # json and struct errors are ValueErrors
        raise IntegrityError(f"{path}: damaged or not a sealkeeper backup (its structure does not parse)") from None


def _read_checked(settings: Settings, path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None
    if not data.startswith(MAGIC):
        raise IntegrityError(f"{path}: not a sealkeeper backup")
    head_end = data.index(b"\n", len(MAGIC))
    header = json.loads(data[len(MAGIC) : head_end])
    if header.get("format") != 1 or header.get("schema") != head_revision():
        raise StoreError(f"{path}: backup of schema {header.get('schema')}, this sealkeeper has {head_revision()}")
    engine = open_store(settings)
    with transaction(engine) as conn:
        protector = open_protector(conn, settings)
    if header["suite"] != protector.suite.name:
        raise StoreError(f"{path}: backup uses suite {header['suite']}, this home uses {protector.suite.name}")
    kek = header["key"]["kek"]
    try:
        key = protector.provider.unwrap(WrappedKey(kek, base64.b64decode(header["key"]["blob"])))
    except KeyUnavailableError:
        raise KeyUnavailableError(
            f"{path}: the backup's key is wrapped under key-encryption key {kek}, which the key provider no longer "
            "holds (retired by `keys rotate --retire-old`?); this backup cannot be restored"
        ) from None
    body, offset, total = bytearray(), head_end + 1, int(header["chunks"])
    for i in range(total):
        if offset + 4 > len(data):
            raise IntegrityError(f"{path}: truncated after chunk {i} of {total}")
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        blob = data[offset + 4 : offset + 4 + length]
        offset += 4 + length
        try:
            body += zlib.decompress(protector.suite.decrypt(key, blob, _aad(header["id"], i, i == total - 1)))
        except IntegrityError:
            raise IntegrityError(f"{path}: chunk {i} failed authentication (altered, reordered or truncated)") from None
    if offset != len(data) or hashlib.sha256(body).hexdigest() != header["sha256"]:
        raise IntegrityError(f"{path}: content does not match its header")
    rows = [json.loads(line) for line in bytes(body).splitlines()]
    counted: dict[str, int] = {}
    for row in rows:
        counted[row["t"]] = counted.get(row["t"], 0) + 1
    if counted != header["counts"]:
        raise IntegrityError(f"{path}: row counts differ from the header")
    return header, rows


def restore(settings: Settings, path: Path) -> dict[str, Any]:
    header, rows = _read(settings, path)
    by_table: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_table.setdefault(row["t"], []).append({k: _typed(v) for k, v in row["r"].items()})
    engine = open_store(settings)
    with transaction(engine) as conn:
        writer_lock(conn)  # no deletion or import can slip in between what is read here and what is written
        protector = open_protector(conn, settings)
        ledger = _ledger_action(conn, by_table.get("ledger_entries", []))
        keys = {r.token: (r.kek_id, r.wrapped) for r in conn.execute(sa.select(data_keys))}
        deleted_on = {r.token: r.deleted_on for r in conn.execute(sa.select(subjects.c.token, subjects.c.deleted_on))}
        # A deletion is a destroyed key: whatever the backup says, those people stay deleted.
        shredded = {t: deleted_on.get(t) for t, (_, blob) in keys.items() if blob is None}
        backed = {r["token"] for r in by_table.get("subjects", [])}
        tables = backed_up()
        for table in reversed(tables):
            if table is not subjects and table.name not in LIVE_WINS and _replaces(table.name, ledger):
                conn.execute(sa.delete(table))
        live = [t for (t,) in conn.execute(sa.select(subjects.c.token))]
        gone = [t for t in live if t not in backed]  # people imported after the backup: they and their keys go
        for start in range(0, len(gone), 900):
            conn.execute(sa.delete(data_keys).where(data_keys.c.token.in_(gone[start : start + 900])))
            conn.execute(sa.delete(subjects).where(subjects.c.token.in_(gone[start : start + 900])))
        people = by_table.get("subjects", [])
        for row in people:
            if row["token"] in shredded:  # a deletion after the backup still holds
                row.update(deleted_on=shredded[row["token"]] or row["deleted_on"], id_index=None)
        _upsert_subjects(conn, people, set(live))
        for table in tables:
            if table is not subjects:
                _put_back(conn, table, by_table.get(table.name, []), ledger)
        keyless = _reindex(conn, protector, by_table.get("identities", []), keys)
        if engine.dialect.name == "postgresql":
            conn.execute(
                sa.text("SELECT setval(pg_get_serial_sequence('imports', 'id'), COALESCE(MAX(id), 1)) FROM imports")
            )
        open_ledger(settings).append(
            conn,
            {"type": "store.restored", "backup": header["id"], "taken_on": header["taken_on"],
             "counts": header["counts"], "keys_destroyed": len(gone), "ledger": ledger.value,
             "identities_without_key": keyless},
        )  # fmt: skip
    return {
        "path": str(path), "id": header["id"], "taken_on": header["taken_on"], "counts": header["counts"],
        "people_imported_since_and_dropped": len(gone), "ledger": ledger.value, "identities_without_key": keyless,
    }  # fmt: skip


def _put_back(conn: sa.Connection, table: sa.Table, batch: list[dict[str, Any]], ledger: LedgerAction) -> None:
    if table.name in LIVE_WINS:
        _insert_missing(conn, table, batch)
    elif batch and _replaces(table.name, ledger):
        conn.execute(sa.insert(table), batch)


def _replaces(table: str, ledger: LedgerAction) -> bool:
    return table not in LEDGER or ledger is LedgerAction.RESTORE


def _ledger_action(conn: sa.Connection, backed: list[dict[str, Any]], chunk: int = 10_000) -> LedgerAction:
    """Compare the backup's ledger entries with the live ones, a chunk at a time (the live log may be long)."""
    size = head(conn).size
    is_prefix = len(backed) <= size
    for start in range(0, len(backed), chunk):
        if not is_prefix:
            break
        ours = backed[start : start + chunk]
        live = entries_from(conn, start, len(ours))
        is_prefix = all(bytes(data) == row["data"] for (_, data), row in zip(live, ours, strict=True))
    setup_only = size <= 100  # a new home writes a handful of entries; a longer log is in use
    live_types = (event_type(bytes(d)) for _, d in entries_from(conn, 0, size)) if setup_only else None
    return ledger_action(is_prefix=is_prefix, live_types=live_types)


def _insert_missing(conn: sa.Connection, table: sa.Table, batch: list[dict[str, Any]]) -> None:
    """Add the backup's rows whose primary key the live table lacks; live rows stay as they are."""
    key = [c.name for c in table.primary_key.columns]
    present = {tuple(r) for r in conn.execute(sa.select(*table.primary_key.columns))}
    missing = [row for row in batch if tuple(row[k] for k in key) not in present]
    if missing:
        conn.execute(sa.insert(table), missing)


def _reindex(conn: sa.Connection, protector: Protector, batch: list[dict[str, Any]], keys: dict[str, Any]) -> int:
    """The blind index of each restored person whose data key still exists (never taken from the backup).
    Returns how many restored identities have no data key here (deleted, or a home that never held them)."""
    keyless = 0
    for row in batch:
        kek_id, blob = keys.get(row["token"], (None, None))
        keyless += blob is None
        if row["id_number"] is None or blob is None:
            continue
        dek = protector.data_key(row["token"], kek_id, bytes(blob))
        number = protector.unseal(dek, row["token"], "id_number", row["version"], bytes(row["id_number"]))
        index = protector.blind_index(number)
        conn.execute(sa.update(subjects).where(subjects.c.token == row["token"]).values(id_index=index))
    return keyless


def _upsert_subjects(conn: sa.Connection, batch: list[dict[str, Any]], live: set[str]) -> None:
    fresh = [r for r in batch if r["token"] not in live]
    if fresh:
        conn.execute(sa.insert(subjects), fresh)
    for row in batch:
        if row["token"] in live:
            conn.execute(sa.update(subjects).where(subjects.c.token == row["token"]).values(**row))
