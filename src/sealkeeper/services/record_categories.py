"""The offence category of a decided record (``decisions.category``): taken once from the facts when the
record is decided at import, so that the statistics count it from a column, never parsing a bundle's facts.

The category is the Criminal Law (刑法) chapter of the first offence a conviction names (``property``,
``public_safety``, …), ``public_security_penalty`` for an administrative penalty, ``non_conviction`` for a
non-prosecution, acquittal, dismissal or withdrawal, and ``unknown`` otherwise (or when the statute cannot be
read). It is kept in clear beside the decision, and that reveals nothing a dump does not already show: the
facts themselves (``bundles.facts``) are kept in clear under the pseudonymous token (shared/DESIGN.md, "Data
protection": the legal facts the rules need), and they hold each event's type and each offence's name and
statute citation, of which the chapter is a coarser grouping. The category names no person, holds no
identity or narrative, and is a fixed vocabulary (``stats.queries.CATEGORIES``), never free text.

Homes made before migration 0008 get their categories from ``fill_missing``, which ``sealkeeper migrate``
runs in the same transaction as the migrations: the chapter comes from the CN pack's Criminal Law catalogue
(the rules), which the store's migrations may not import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.model.record import Bundle, EventType
from sealkeeper.rules.cn_catalogue import Catalogue
from sealkeeper.rules.cn_statute import StatuteParseError, parse_criminal_law_citation
from sealkeeper.services import evaluation
from sealkeeper.stats.queries import CHAPTERS
from sealkeeper.store.tables import bundles, decisions

NON_CONVICTION = frozenset(
    {EventType.NON_PROSECUTION, EventType.ACQUITTAL, EventType.DISMISSAL, EventType.CASE_WITHDRAWN}
)
FILL_CHUNK = 20_000  # decisions filled per round of ``fill_missing``


def _catalogue() -> Catalogue | None:
    found = evaluation.pack_for("CN").extras.get("criminal_law")
    return found if isinstance(found, Catalogue) else None


def chapters(catalogue: Catalogue) -> Callable[[str], str]:
    """Statute citation -> Criminal Law chapter name, remembered per citation (a population repeats a few
    hundred citations)."""

    @cache
    def chapter_of(statute: str) -> str:
        try:
            ref = parse_criminal_law_citation(statute)
        except StatuteParseError:
            return "unknown"
        entry = catalogue.lookup(ref) if ref is not None else None
        return CHAPTERS.get(entry.chapter, "unknown") if entry is not None and entry.part == "special" else "unknown"

    return chapter_of


def category(kind: str | None, statute: str | None, chapter_of: Callable[[str], str] | None) -> str:
    """The category of a record of type ``kind`` whose first named offence cites ``statute``."""
    if kind == EventType.ADMIN_PENALTY:
        return "public_security_penalty"
    if kind in NON_CONVICTION:
        return "non_conviction"
    if kind == EventType.CONVICTION and chapter_of is not None:
        return chapter_of(statute or "")
    return "unknown"


def of_bundle(bundle: Bundle, record_id: str, chapter_of: Callable[[str], str] | None) -> str:
    """``category`` of record ``record_id`` of a parsed bundle (an import deciding it)."""
    events = {e.id: e for e in bundle.events}
    event = events.get(record_id)
    if event is None:
        return "unknown"
    first = events.get(event.offense_ids[0]) if event.offense_ids else None
    return category(event.type, first.offense.statute if first and first.offense else None, chapter_of)


def of_facts(facts: Mapping[str, Any], record_id: str, chapter_of: Callable[[str], str] | None) -> str:
    """``category`` of record ``record_id`` of a bundle's stored facts (the JSON, decoded): as ``of_bundle``,
    without validating the whole bundle again (five times faster on a store of a million records)."""
    events = {e.get("id"): e for e in facts.get("events", ())}
    event = events.get(record_id) or {}
    first = events.get(next(iter(event.get("offense_ids", ())), None)) or {}
    return category(event.get("type"), first.get("offense", {}).get("statute"), chapter_of)


def chapter_reader() -> Callable[[str], str] | None:
    """``chapters`` over the CN pack's Criminal Law catalogue (None when the pack has none)."""
    catalogue = _catalogue()
    return chapters(catalogue) if catalogue is not None else None


def fill_missing(conn: Connection, chunk: int = FILL_CHUNK) -> int:
    """Store the category of every decision that has none (decided before migration 0008), from its bundle's
    facts, in rounds of ``chunk`` decisions in key order; returns how many were filled. Idempotent."""
    chapter_of = chapter_reader()
    key = sa.tuple_(decisions.c.bundle_id, decisions.c.record_id)
    query = (
        sa.select(decisions.c.bundle_id, decisions.c.record_id, bundles.c.facts)
        .select_from(decisions.join(bundles, decisions.c.bundle_id == bundles.c.id))
        .where(decisions.c.category.is_(None))
        .order_by(decisions.c.bundle_id, decisions.c.record_id)
        .limit(chunk)
    )
    update = (
        sa.update(decisions)
        .where(decisions.c.bundle_id == sa.bindparam("b"), decisions.c.record_id == sa.bindparam("r"))
        .values(category=sa.bindparam("c"))
    )
    filled, after = 0, None
    while True:
        rows = conn.execute(query if after is None else query.where(key > sa.tuple_(*after))).all()
        if not rows:
            return filled
        parsed: dict[str, Mapping[str, Any]] = {}
        values = []
        for row in rows:
            facts = parsed.get(row.bundle_id)
            if facts is None:
                facts = parsed[row.bundle_id] = orjson.loads(row.facts)
            values.append({"b": row.bundle_id, "r": row.record_id, "c": of_facts(facts, row.record_id, chapter_of)})
        conn.execute(update, values)
        filled += len(values)
        after = (rows[-1].bundle_id, rows[-1].record_id)
