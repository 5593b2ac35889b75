"""Attaching the judgment reader's proposals to stored records (`sealkeeper import FILE --texts TEXTS.jsonl`,
`sealkeeper reader propose TEXTS.jsonl`).

TEXTS.jsonl holds one JSON object a line: ``{"bundle": "CN-01", "record": "e2", "text": "……刑事判决书……"}``
(``record`` may be left out when the bundle has one conviction or non-prosecution event). The whole file is
checked before anything is written, and all of it is attached or none. Each proposal is stored encrypted under
the person's data key in state ``needs_review`` (``store.reader_tables``); the text itself is not kept. Every
attachment is in the ledger (subject and case number as commitments, no content). A proposal already
confirmed or rejected is left as the person decided it; one still awaiting review is replaced, and the reviews
of its facts with it (they stay in the ledger): the clerk reviews the new proposal (``reader_review``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.config import Settings
from sealkeeper.errors import ImportRejectedError
from sealkeeper.reader.facts import as_facts
from sealkeeper.reader.model import ReaderModel
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.protection import Protector, open_protector
from sealkeeper.services.reader_review import FIELD, binding
from sealkeeper.services.store_access import open_store, writer_lock
from sealkeeper.store import repository as repo
from sealkeeper.store.database import transaction
from sealkeeper.store.reader_tables import NEEDS_REVIEW, reader_proposals
from sealkeeper.store.tables import bundles

DECIDING_EVENTS = ("conviction", "non_prosecution")
MAX_TEXT = 200_000


@dataclass(frozen=True)
class TextItem:
    line: int
    bundle: str
    record: str | None
    text: str


def read_texts(path: Path) -> list[TextItem]:
    """Every line of TEXTS.jsonl, or ImportRejectedError naming each bad line (never echoing the text)."""
    source = str(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportRejectedError(source, [(None, "(file)", f"cannot be read ({type(exc).__name__})")]) from None
    items: list[TextItem] = []
    problems: list[tuple[int | None, str, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            problems.append((number, "(line)", "not a JSON object"))
            continue
        if not isinstance(row, dict):
            problems.append((number, "(line)", "not a JSON object"))
            continue
        bundle, record, text = row.get("bundle"), row.get("record"), row.get("text")
        bad = [name for name, value in (("bundle", bundle), ("text", text)) if not isinstance(value, str) or not value]
        if record is not None and not isinstance(record, str):
            bad.append("record")
        problems += [(number, name, "must be a non-empty string") for name in bad]
        if isinstance(text, str) and len(text) > MAX_TEXT:
            problems.append((number, "text", f"longer than {MAX_TEXT} characters"))
        if not bad:
            items.append(TextItem(number, str(bundle), record, str(text)))
    if not items and not problems:
        problems.append((None, "(file)", "holds no text"))
    if problems:
        raise ImportRejectedError(source, problems)
    return items


def _record_of(item: TextItem, facts: dict[str, Any]) -> str | tuple[str, str]:
    """The record the text is about, or (field, problem)."""
    deciding = [e.get("id") for e in facts.get("events", []) if e.get("type") in DECIDING_EVENTS]
    if item.record is not None:
        ids = {e.get("id") for e in facts.get("events", [])}
        return item.record if item.record in ids else ("record", f"bundle {item.bundle} has no event {item.record}")
    if len(deciding) == 1:
        return str(deciding[0])
    return ("record", f"bundle {item.bundle} has {len(deciding)} conviction/non-prosecution events: name one")


def _seal(p: Protector, conn: Connection, token: str, *, key: str, version: int, body: dict[str, Any]) -> bytes:
    kek_id, blob = repo.wrapped_keys(conn, [token]).get(token, (None, None))
    dek = p.data_key(token, kek_id, blob)
    return p.seal(dek, key, FIELD, version, json.dumps(body, ensure_ascii=False, sort_keys=True))


def attach(
    settings: Settings, path: Path, items: list[TextItem], *, model: ReaderModel, model_version: int, today: dt.date
) -> dict[str, int]:
    """Propose the facts of every text and store them as ``needs_review``; all or nothing. Returns counts."""
    source = str(path)
    counts = {"proposed": 0, "kept_decided": 0}
    with transaction(open_store(settings)) as conn:
        writer_lock(conn)
        ids = sorted({i.bundle for i in items})
        rows = {r.id: r for r in conn.execute(sa.select(bundles.c.id, bundles.c.token, bundles.c.facts)
                                              .where(bundles.c.id.in_(ids)))}  # fmt: skip
        states = repo.subject_state(conn, sorted({r.token for r in rows.values()}))
        problems: list[tuple[int | None, str, str]] = []
        targets: list[tuple[TextItem, Any, str]] = []
        for item in items:
            row = rows.get(item.bundle)
            if row is None:
                problems.append((item.line, "bundle", f"no bundle {item.bundle} in the store"))
                continue
            if states.get(row.token, (None, None))[0] is not None:
                problems.append((item.line, "bundle", f"bundle {item.bundle} belongs to a deleted subject"))
                continue
            record = _record_of(item, json.loads(row.facts))
            if isinstance(record, tuple):
                problems.append((item.line, *record))
                continue
            targets.append((item, row, record))
        if problems:
            raise ImportRejectedError(source, problems)
        protector = open_protector(conn, settings)
        events = []
        for item, row, record in targets:
            key = (reader_proposals.c.bundle_id == item.bundle) & (reader_proposals.c.record_id == record)
            stored = conn.execute(sa.select(reader_proposals.c.state, reader_proposals.c.version).where(key)).first()
            if stored is not None and stored.state != NEEDS_REVIEW:
                counts["kept_decided"] += 1
                continue
            version = 1 if stored is None else stored.version + 1
            body = {"model_version": model_version, "facts": as_facts(model.propose(item.text))}
            values = {"token": row.token, "version": version, "model_version": model_version, "state": NEEDS_REVIEW,
                      "proposed_on": today, "decided_by": None, "decided_on": None,
                      "body": _seal(protector, conn, row.token, key=binding(item.bundle, record), version=version,
                                    body=body)}  # fmt: skip
            if stored is None:
                conn.execute(reader_proposals.insert().values(bundle_id=item.bundle, record_id=record, **values))
            else:
                conn.execute(reader_proposals.update().where(key).values(**values))
            counts["proposed"] += 1
            events.append({"type": "reader.proposed", "subject": row.token, "case_number": item.bundle,
                           "record": record, "model": f"reader v{model_version}", "on": today.isoformat()})  # fmt: skip
        if events:
            open_ledger(settings).append_many(conn, events)
    return counts
