"""A pack's statute table: which legal lists an offence belongs to, read from its statute citation.

Foreign packs (DE, UK-EW, US-PA, US-MI) ship ``statutes.yaml``: entries with a regular expression over
the citation text, the bundle categories and pack-specific tags it implies, and optionally the
statutory maximum. An offence gets the union over all entries that match; the lists are closed, so an
offence that matches none is on none of them (INTERPRETATION 35). Each entry carries examples and
counterexamples, checked when the table is built, so a regular expression cannot silently drift.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sealkeeper.model.categories import CATEGORY_BITS
from sealkeeper.rules.facts import StatuteInfo, StatuteResolver


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    pattern: re.Pattern[str]
    categories: frozenset[str]
    tags: frozenset[str]
    max_months: float | None


def build_table(data: Mapping[str, Any]) -> tuple[Entry, ...]:
    """Build and check a parsed statutes.yaml; ValueError names the entry at fault."""
    entries: list[Entry] = []
    for i, raw in enumerate(data.get("statutes") or ()):
        eid = str(raw.get("id", f"statutes[{i}]"))
        try:
            pattern = re.compile(str(raw["match"]), re.IGNORECASE)
        except (KeyError, re.error) as exc:
            raise ValueError(f"{eid}: bad or missing `match` ({exc})") from None
        categories = frozenset(raw.get("categories") or ())
        unknown = categories - set(CATEGORY_BITS)
        if unknown:
            raise ValueError(f"{eid}: unknown categories {sorted(unknown)}")
        for example in raw.get("examples") or ():
            if not pattern.search(example.strip()):
                raise ValueError(f"{eid}: example {example!r} does not match")
        for counter in raw.get("counterexamples") or ():
            if pattern.search(counter.strip()):
                raise ValueError(f"{eid}: counterexample {counter!r} matches")
        max_months = raw.get("max_months")
        entries.append(
            Entry(
                eid,
                pattern,
                categories,
                frozenset(raw.get("tags") or ()),
                None if max_months is None else float(max_months),
            )
        )
    if not entries:
        raise ValueError("the statute table is empty")
    return tuple(entries)


def table_resolver(entries: tuple[Entry, ...]) -> StatuteResolver:
    """Resolve a citation against a closed statute table."""
    cache: dict[str, StatuteInfo] = {}

    def resolve(statute: str) -> StatuteInfo:
        if statute not in cache:
            hits = [e for e in entries if e.pattern.search(statute.strip())]
            maxima = [e.max_months for e in hits if e.max_months is not None]
            cache[statute] = StatuteInfo(
                law="other",
                known=True,
                categories=frozenset().union(*(e.categories for e in hits)),
                culpability=None,
                tags=frozenset().union(*(e.tags for e in hits)),
                max_months=max(maxima) if maxima else None,
            )
        return cache[statute]

    return resolve
