"""`sealkeeper import FILE`: read bundles, protect identity, store facts, decide every record — all or nothing.

The whole file is read and checked before anything is written; a bad row refuses the file with every problem
named by file, line and field. The writes of one file are one transaction, so a crash leaves the file wholly
in or wholly out. Re-importing the same source records changes nothing (a keyed digest per bundle).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
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
from sealkeeper.model.record import Bundle
from sealkeeper.services import evaluation, record_categories
from sealkeeper.services.import_plan import Plan, Planner
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.protection import open_protector
from sealkeeper.services.store_access import open_store, writer_lock
from sealkeeper.store import repository as repo
from sealkeeper.store.database import transaction
from sealkeeper.store.tables import bundles as bundles_table
from sealkeeper.store.tables import data_keys, decisions, subjects


@dataclass(frozen=True)
class ImportReport:
    source: str
    bundles: int
    written: int
    unchanged: int
    new_people: int
    already_imported: bool = False
    statuses: dict[str, int] = field(default_factory=dict)


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
        elif (bad := evaluation.channel_problem(bundle)) is not None:
            problems.append((item.position, bad.field, bad.message))
    if not items:
        problems.append((None, "(file)", "holds no bundle"))
    return problems


def plan_decisions(plan: Plan, as_of: dt.date) -> list[dict[str, Any]]:
    """The stored decision of every record of the plan's bundles on ``as_of`` (also for ``reader_apply``)."""
    rows: list[dict[str, Any]] = []
    by_jurisdiction: dict[str, list[Bundle]] = {}
    for bundle in plan.to_decide:
        by_jurisdiction.setdefault(bundle.jurisdiction, []).append(bundle)
    chapter_of = record_categories.chapter_reader()  # each record's offence category, for the statistics
    for jurisdiction, group in sorted(by_jurisdiction.items()):
        pack = evaluation.pack_for(jurisdiction)
        frame = evaluation.scan(group, pack, as_of, time.perf_counter).decisions
        pack_id, pack_version = pack.ref.id, pack.ref.version
        by_id = {bundle.id: bundle for bundle in group}
        for bid, rid, status, date, rule in frame.select("pid", "rid", "status", "date", "rule").iter_rows():
            rows.append({
                "bundle_id": bid, "record_id": rid, "as_of": as_of, "status": status, "date": date, "rule": rule,
                "pack_id": pack_id, "pack_version": pack_version,
                "input_hash": decision_input_hash(plan.facts_sha[bid], rid, pack_id, pack_version, as_of),
                "category": record_categories.of_bundle(by_id[bid], rid, chapter_of),
            })  # fmt: skip
    return rows


def decision_events(rows: list[dict[str, Any]], tokens: dict[str, str], as_of: dt.date) -> list[dict[str, Any]]:
    """The ledger's ``decision`` event of each stored decision (``tokens``: bundle id -> subject token)."""
    return [{"type": "decision", "subject": tokens[r["bundle_id"]], "case_number": r["bundle_id"],
             "record": r["record_id"], "as_of": as_of.isoformat(), "status": r["status"],
             "date": r["date"].isoformat() if r["date"] else None, "rule": r["rule"],
             "pack": f'{r["pack_id"]} {r["pack_version"]}', "input_hash": r["input_hash"]}
            for r in rows]  # fmt: skip


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
        planner = Planner(conn, protector, items, source, today)
        for item in items:
            planner.add(item)
        if planner.problems:
            raise ImportRejectedError(source, planner.problems)
        plan = planner.plan
        file_digest = protector.keyed_digest("file\x00" + "\x00".join(planner.digests))
        if not plan.to_decide:
            return ImportReport(source, len(items), 0, plan.unchanged, 0, already_imported=True)
        progress("deciding")
        decision_rows = plan_decisions(plan, as_of)
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
            *decision_events(decision_rows, tokens, as_of),
        ]  # fmt: skip
        open_ledger(settings).append_many(conn, events)  # same transaction: no decision without its entry
    statuses = dict(Counter(r["status"] for r in decision_rows))
    return ImportReport(source, len(items), len(plan.to_decide), plan.unchanged, len(plan.subjects), False, statuses)
