"""`sealkeeper import FILE`: read bundles, protect identity, store facts, decide every record — all or nothing.

The whole file is read and checked before anything is written; a bad row refuses the file with every problem
named by file, line and field. The writes of one file are one transaction, so a crash leaves the file wholly
in or wholly out. Re-importing the same source records changes nothing (a keyed digest per bundle).
"""

from __future__ import annotations

import base64
import datetime as dt
import gc
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sealkeeper.adapters.bundle_files import Item, read_bundles
from sealkeeper.config import Settings
from sealkeeper.errors import ImportRejectedError, PackError
from sealkeeper.formats.identity import Identity, split_notes
from sealkeeper.model.record import Bundle
from sealkeeper.services import evaluation
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.protection import Protector, open_protector, wrapped_row
from sealkeeper.services.store_access import open_store, writer_lock
from sealkeeper.store import repository as repo
from sealkeeper.store.database import transaction
from sealkeeper.store.tables import bundles as bundles_table
from sealkeeper.store.tables import data_keys, decisions, subjects

IDENTITY_COLUMNS = ("name", "id_number", "address")


@dataclass(frozen=True)
class ImportReport:
    source: str
    bundles: int
    written: int
    unchanged: int
    new_people: int
    already_imported: bool = False
    statuses: dict[str, int] = field(default_factory=dict)


def new_token() -> str:
    """A random pseudonymous subject token: nothing about the person can be read from it."""
    return "s" + base64.b32encode(os.urandom(15)).decode("ascii").lower()


def _canonical(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def decision_input_hash(facts_sha: str, record_id: str, pack_id: str, pack_version: str, as_of: dt.date) -> str:
    """SHA-256 over what a stored decision depends on: the stored facts, the record, the pack, the day."""
    text = "\x00".join([facts_sha, record_id, pack_id, pack_version, as_of.isoformat()])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check(items: list[Item], source: str, as_of: dt.date) -> list[tuple[int | None, str, str]]:
    problems: list[tuple[int | None, str, str]] = []
    seen: dict[str, int] = {}
    no_pack: dict[str, str | None] = {}  # jurisdiction -> why it has no pack (None: it has one); once each
    for item in items:
        if item.error is not None or item.bundle is None:
            error = item.error
            problems.append((item.position, error.field if error else "(bundle)", error.message if error else "?"))
            continue
        bundle = item.bundle
        if bundle.id in seen:
            problems.append((item.position, "id", f"bundle {bundle.id} repeats line {seen[bundle.id]}"))
        seen.setdefault(bundle.id, item.position)
        if bundle.as_of > as_of:
            problems.append((item.position, "as_of", f"bundle {bundle.id} is dated after the import day {as_of}"))
        if bundle.jurisdiction not in no_pack:
            try:
                evaluation.pack_for(bundle.jurisdiction)
                no_pack[bundle.jurisdiction] = None
            except PackError as exc:
                no_pack[bundle.jurisdiction] = str(exc)
        if (why := no_pack[bundle.jurisdiction]) is not None:
            problems.append((item.position, "jurisdiction", why))
    if not items:
        problems.append((None, "(file)", "holds no bundle"))
    return problems


@dataclass
class _Plan:
    """What one file will write, built before the transaction's writes start."""

    subjects: list[dict[str, Any]] = field(default_factory=list)
    keys: list[dict[str, Any]] = field(default_factory=list)
    identities_new: list[dict[str, Any]] = field(default_factory=list)
    identities_changed: list[dict[str, Any]] = field(default_factory=list)
    bundles_new: list[dict[str, Any]] = field(default_factory=list)
    bundles_changed: list[dict[str, Any]] = field(default_factory=list)
    to_decide: list[Bundle] = field(default_factory=list)
    index_updates: dict[str, bytes] = field(default_factory=dict)  # token -> new blind index (ID number changed)
    facts_sha: dict[str, str] = field(default_factory=dict)
    unchanged: int = 0


def _identity_row(p: Protector, dek: bytes, token: str, version: int, identity: Identity) -> dict[str, Any]:
    row: dict[str, Any] = {"token": token, "version": version}
    for column in IDENTITY_COLUMNS:
        value = getattr(identity, column)
        row[column] = None if value is None else p.seal(dek, token, column, version, value)
    return row


class _Planner:
    def __init__(self, conn: Any, protector: Protector, items: list[Item], source: str, day: dt.date) -> None:
        self.conn, self.p, self.source, self.day = conn, protector, source, day
        self.items = items
        ids = [i.bundle.id for i in items if i.bundle]
        self.stored = repo.existing_bundles(conn, ids)
        indexes = {
            i.identity.id_number: protector.blind_index(i.identity.id_number) for i in items if i.identity.id_number
        }
        self.index_of = indexes
        self.by_index = repo.subjects_by_index(conn, list(indexes.values()))
        self.states = repo.subject_state(
            conn, sorted({t for t, _, _ in self.stored.values()} | set(self.by_index.values()))
        )
        self.keys: dict[str, bytes] = {}
        self.identities: dict[str, Identity] = {}  # as merged so far in this file
        self.versions: dict[str, int] = {t: v or 0 for t, (_, v) in self.states.items()}
        self.plan = _Plan()
        self.problems: list[tuple[int | None, str, str]] = []
        self.digests: list[str] = []

    def _key(self, token: str) -> bytes:
        if token not in self.keys:
            kek_id, blob = repo.wrapped_keys(self.conn, [token]).get(token, (None, None))
            self.keys[token] = self.p.data_key(token, kek_id, blob)
        return self.keys[token]

    def _new_subject(self, index: bytes | None) -> str:
        token = new_token()
        dek, wrapped = self.p.new_key()
        self.keys[token] = dek
        self.versions[token] = 0
        self.plan.subjects.append({"token": token, "id_index": index, "created_on": self.day, "deleted_on": None})
        self.plan.keys.append(wrapped_row(token, wrapped))
        if index is not None:
            self.by_index[index] = token
        return token

    def _merged(self, token: str, identity: Identity) -> Identity | None:
        """The person's identity with this bundle's fields over the stored ones (a later case that omits the
        address keeps the known address), or None when nothing changes."""
        if identity.is_empty():
            return None
        known = self.identities.get(token)
        if known is None and self.versions[token]:
            row = repo.identity_row(self.conn, token)
            dek = self._key(token)
            known = Identity(*(
                None if getattr(row, c) is None else self.p.unseal(dek, token, c, row.version, bytes(getattr(row, c)))
                for c in IDENTITY_COLUMNS
            ))  # fmt: skip
        merged = (
            identity
            if known is None
            else Identity(*(getattr(identity, c) or getattr(known, c) for c in IDENTITY_COLUMNS))
        )
        self.identities[token] = merged
        return None if merged == known else merged

    def add(self, item: Item) -> None:
        bundle, identity, source = item.bundle, item.identity, item.source
        assert bundle is not None  # noqa: S101 - checked before planning
        assert source is not None  # noqa: S101 - kept on request
        identity_text = "\x00".join(getattr(identity, c) or "" for c in IDENTITY_COLUMNS)
        for key in ("expected", "interpretive"):  # they describe worked cases, not the person's record
            source.pop(key, None)
        digest = self.p.keyed_digest(_canonical(source) + "\x00" + identity_text)
        self.digests.append(digest)
        index = self.index_of.get(identity.id_number) if identity.id_number else None
        stored = self.stored.get(bundle.id)
        if stored is not None and stored[1] == digest:
            self.plan.unchanged += 1
            return
        token = stored[0] if stored else (self.by_index.get(index) if index else None)
        if stored and index and self.by_index.get(index, token) != token:
            self.problems.append((item.position, "person.id_number", f"bundle {bundle.id} now names another person"))
            return
        if token is not None and self.states.get(token, (None, None))[0] is not None:
            self.problems.append((item.position, "(bundle)", f"bundle {bundle.id} belongs to a deleted subject"))
            return
        if token is not None and index is not None and index not in self.by_index:
            self.plan.index_updates[token] = index  # the person's ID number changed: the index follows it
            self.by_index[index] = token
        token = token or self._new_subject(index)
        merged = self._merged(token, identity)
        if merged is not None:
            version = self.versions[token] + 1
            row = _identity_row(self.p, self._key(token), token, version, merged)
            (self.plan.identities_changed if self.versions[token] else self.plan.identities_new).append(row)
            self.versions[token] = version
        notes = split_notes(source)
        facts = _canonical(source)
        version = stored[2] + 1 if stored else 1
        narrative = self.p.seal(self._key(token), bundle.id, "narrative", version, _canonical(notes)) if notes else None
        row = {
            "id": bundle.id, "token": token, "jurisdiction": bundle.jurisdiction, "as_of": bundle.as_of,
            "version": version, "digest": digest, "facts": facts, "narrative": narrative,
        }  # fmt: skip
        (self.plan.bundles_changed if stored else self.plan.bundles_new).append(row)
        self.plan.facts_sha[bundle.id] = hashlib.sha256(facts.encode("utf-8")).hexdigest()
        self.plan.to_decide.append(bundle)


def _decision_rows(plan: _Plan, as_of: dt.date) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    by_jurisdiction: dict[str, list[Bundle]] = {}
    for bundle in plan.to_decide:
        by_jurisdiction.setdefault(bundle.jurisdiction, []).append(bundle)
    for jurisdiction, group in sorted(by_jurisdiction.items()):
        pack = evaluation.pack_for(jurisdiction)
        frame = evaluation.scan(group, pack, as_of, time.perf_counter).decisions
        for bid, rid, status, date, rule in frame.select("pid", "rid", "status", "date", "rule").iter_rows():
            rows.append({
                "bundle_id": bid, "record_id": rid, "as_of": as_of, "status": status, "date": date, "rule": rule,
                "pack_id": pack.ref.id, "pack_version": pack.ref.version,
                "input_hash": decision_input_hash(plan.facts_sha[bid], rid, pack.ref.id, pack.ref.version, as_of),
            })  # fmt: skip
    return rows


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """An import holds millions of small objects until it ends; the cyclic collector would scan them again and
    again as they pile up (more than half the time of reading 100,000 bundles). Reference counting still
    frees everything that is not in a cycle; the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_file(
    settings: Settings,
    path: Path,
    as_of: dt.date,
    today: dt.date,
    progress: Callable[[str], None] = lambda _stage: None,
) -> ImportReport:
    """Import one file of bundles; decisions are taken on ``as_of``. Raises ImportRejectedError on bad input."""
    with _cyclic_gc_paused():
        return _import(settings, path, as_of, today, progress)


def _import(
    settings: Settings, path: Path, as_of: dt.date, today: dt.date, progress: Callable[[str], None]
) -> ImportReport:
    source = str(path)
    progress("reading")
    items = list(read_bundles(path, keep_source=True))
    problems = _check(items, source, as_of)
    if problems:
        raise ImportRejectedError(source, problems)
    engine = open_store(settings)
    with transaction(engine) as conn:
        writer_lock(conn)  # before planning: no deletion, restore or key retirement can interleave
        protector = open_protector(conn, settings)
        progress("protecting")
        planner = _Planner(conn, protector, items, source, today)
        for item in items:
            planner.add(item)
        if planner.problems:
            raise ImportRejectedError(source, planner.problems)
        plan = planner.plan
        file_digest = protector.keyed_digest("file\x00" + "\x00".join(planner.digests))
        if not plan.to_decide:
            return ImportReport(source, len(items), 0, plan.unchanged, 0, already_imported=True)
        progress("deciding")
        decision_rows = _decision_rows(plan, as_of)
        progress("writing")
        import_id = repo.add_import(conn, file_digest, today, len(items), len(plan.to_decide))
        repo.insert_many(conn, subjects, plan.subjects)
        repo.set_indexes(conn, plan.index_updates)
        repo.insert_many(conn, data_keys, plan.keys)
        repo.upsert_identities(conn, plan.identities_new, plan.identities_changed)
        for row in plan.bundles_new + plan.bundles_changed:
            row["import_id"] = import_id
        repo.insert_many(conn, bundles_table, plan.bundles_new)
        repo.replace_bundles(conn, plan.bundles_changed)
        repo.insert_many(conn, decisions, decision_rows)
        tokens = {row["id"]: row["token"] for row in plan.bundles_new + plan.bundles_changed}
        events: list[dict[str, Any]] = [
            {"type": "import", "at": today.isoformat(), "as_of": as_of.isoformat(), "digest": file_digest,
             "bundles": len(items), "written": len(plan.to_decide), "new_subjects": len(plan.subjects)},
            *({"type": "decision", "subject": tokens[r["bundle_id"]], "case_number": r["bundle_id"],
               "record": r["record_id"], "as_of": as_of.isoformat(), "status": r["status"],
               "date": r["date"].isoformat() if r["date"] else None, "rule": r["rule"],
               "pack": f'{r["pack_id"]} {r["pack_version"]}', "input_hash": r["input_hash"]}
              for r in decision_rows),
        ]  # fmt: skip
        open_ledger(settings).append_many(conn, events)  # same transaction: no decision without its entry
    statuses = dict(Counter(r["status"] for r in decision_rows))
    return ImportReport(source, len(items), len(plan.to_decide), plan.unchanged, len(plan.subjects), False, statuses)
