"""Evaluate bundles (one at a time) and populations (set-based), choosing the pack by jurisdiction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from sealkeeper.adapters.bundle_files import Item, iter_items, read_bundles, read_text
from sealkeeper.adapters.packfiles import available, load_all, load_pack
from sealkeeper.errors import BundleFormatError, PackError
from sealkeeper.model.decision import Decision
from sealkeeper.model.record import Bundle
from sealkeeper.rules.batch import BatchPlan
from sealkeeper.rules.engine import channel_of, evaluate_bundle, resolver_for
from sealkeeper.rules.explain import reasons
from sealkeeper.rules.facts_batch import record_facts
from sealkeeper.rules.frames import to_frame
from sealkeeper.rules.pack import Pack
from sealkeeper.rules.render import render

__all__ = ["Item", "iter_items", "load_all", "read_bundles", "read_text"]  # re-exported for the entrypoints


def pack_for(jurisdiction: str, profile: str | None = None) -> Pack:
    """The shipped pack for a jurisdiction, with a profile switched on if one is configured."""
    if jurisdiction not in available():
        raise PackError(
            jurisdiction, "(pack)", f"no rule pack for jurisdiction {jurisdiction}; available: {available()}"
        )
    pack = load_pack(jurisdiction)
    if profile is not None and profile in pack.profiles:
        return pack.with_profile(profile)
    return pack


def pack_text(pack_id: str, lang: str, profile: str | None = None) -> str:
    """A shipped pack rendered for reading (``sealkeeper packs show``)."""
    return render(load_pack(pack_id).with_profile(profile), lang)


def decision_json(pack: Pack, bundle_id: str, decision: Decision, lang: str) -> dict[str, Any]:
    """The object `sealkeeper evaluate --format json` prints for one bundle (shared/cases/README.md)."""
    return {
        "id": bundle_id,
        "status": decision.status.value,
        "date": decision.date.isoformat() if decision.date else None,
        "reasons": [{"rule": r.rule, "text": r.text, "citation": r.citation} for r in reasons(pack, decision, lang)],
        "pack": {"id": decision.pack.id, "version": decision.pack.version},
    }


def evaluate_items(items: Iterable[Item], profile: str | None, lang: str) -> Iterator[dict[str, Any]]:
    """One output object per item, in input order; a bad bundle gives a status "error" object."""
    for item in items:
        if item.error is not None or item.bundle is None:
            error = item.error
            yield {
                "id": error.bundle_id if error else None,
                "status": "error",
                "field": error.field if error else None,
                "message": str(error),
            }
            continue
        try:
            pack = pack_for(item.bundle.jurisdiction, profile)
        except PackError as exc:
            yield {"id": item.bundle.id, "status": "error", "field": "jurisdiction", "message": str(exc)}
            continue
        try:
            decision = evaluate_bundle(pack, item.bundle)
        except BundleFormatError as exc:  # valid alone, not for its pack (a channel it lacks); the others go on
            yield {"id": item.bundle.id, "status": "error", "field": exc.field, "message": str(exc)}
            continue
        yield decision_json(pack, item.bundle.id, decision, lang)


@dataclass(frozen=True)
class ScanResult:
    decisions: pl.DataFrame  # pid, rid, status, date, rule (+ base, via for packs with combinations)
    records: int
    people: int
    seconds_facts: float
    seconds_rules: float
    rejected: tuple[BundleFormatError, ...] = ()  # bundles the pack cannot decide (a channel it lacks)


def channel_problem(bundle: Bundle) -> BundleFormatError | None:
    """Why the bundle's pack cannot decide it on the channel its target names, or None."""
    if bundle.target is None or bundle.target.channel is None:
        return None
    try:
        channel_of(pack_for(bundle.jurisdiction), bundle)
    except BundleFormatError as exc:
        return exc
    return None


def scan(
    bundles: Iterable[Bundle],
    pack: Pack,
    as_of: dt.date,
    clock: Callable[[], float],
) -> ScanResult:
    """The automatic sealing scan over a population: set-based, one pass per phase, for every pack.

    A pack's person-level stages (derive, aggregates, combine) are evaluated set-based too
    (``rules.person_batch``); each bundle is decided on its target's channel, else the pack's main one,
    as ``sealkeeper evaluate`` decides it. A bundle whose target names a channel the pack lacks is left out
    and reported in ``rejected``; the others are decided.
    """
    population, rejected = [], []
    for bundle in bundles:
        if bundle.jurisdiction != pack.jurisdiction:
            continue
        try:
            channel_of(pack, bundle)
        except BundleFormatError as exc:
            rejected.append(exc)
            continue
        population.append(bundle)
    frame = to_frame(population)
    plan = BatchPlan(pack, as_of)
    start = clock()
    facts = record_facts(frame, resolver_for(pack), as_of, plan.facts_read(), pack.channels)
    middle = clock()
    decisions = plan.decide(facts)
    end = clock()
    return ScanResult(decisions, decisions.height, len(population), middle - start, end - middle, tuple(rejected))


def explain_rules(pack_ref: str, rule_ids: Iterable[str], lang: str = "zh") -> list[dict[str, Any]]:
    """Each rule a stored decision applied (pack given as ``ID@version``): its text, and each article it rests on
    with the article's own wording — what a clerk's record page shows. Rules the current pack no longer has are
    named as such (the pack changed since the decision)."""
    pack = pack_for(pack_ref.split("@", 1)[0])
    out: list[dict[str, Any]] = []
    for rule_id in rule_ids:
        try:
            rule = pack.rule(rule_id)
        except KeyError:
            out.append({"rule": rule_id, "text": "", "articles": [], "missing": True})
            continue
        articles = [pack.articles[a] for a in getattr(rule, "articles", ())]
        out.append({
            "rule": rule_id, "text": rule.text.get(lang), "missing": False,
            "articles": [{"citation": a.citation, "title": a.title_zh if lang == "zh" else a.title_en,
                          "text": a.text_zh if lang == "zh" else (a.summary_en or a.text_zh)} for a in articles],
        })  # fmt: skip
    return out
