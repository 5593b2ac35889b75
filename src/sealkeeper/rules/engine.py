"""The rules engine for one record: default logic over a pack's rules, three-valued, clock-free.

``evaluate_record`` walks the pack's rules in order. A rule whose condition is false is skipped; one
whose condition is unknown stops the walk with ``needs_review`` and the rule's question; one that holds
decides, unless one of its exceptions holds (recursively). A ``sealed`` outcome dated after ``as_of`` is
reported as ``eligible_on`` that date. The engine never reads the clock: ``as_of`` is always passed in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache

from sealkeeper.errors import BundleFormatError
from sealkeeper.model.decision import AGGREGATE_PRECEDENCE, Decision, PackRef, Status
from sealkeeper.model.record import Bundle, Event
from sealkeeper.rules import expr
from sealkeeper.rules.facts import StatuteResolver, record_facts
from sealkeeper.rules.pack import Pack, Rule
from sealkeeper.rules.person import CompiledCombination, Env, Outcome, aggregate_value, combine
from sealkeeper.rules.statute_table import table_resolver
from sealkeeper.rules.statutes import cn_resolver, generic_resolver


class CompiledPack:
    """A pack with its conditions compiled for one ``as_of`` (parameters are fixed per day)."""

    def __init__(self, pack: Pack, as_of: dt.date) -> None:
        self.pack = pack
        self.as_of = as_of
        self.params = pack.params_at(as_of)
        self._when = {r.id: expr.to_python(r.when, self.params) for r in pack.all_rules()}
        self._date = {r.id: expr.to_python(r.date, self.params) for r in pack.all_rules() if r.date is not None}
        stages = pack.stages
        self.derived = [(d.name, expr.to_python(d.expression, self.params)) for d in stages.derived]
        self.late = [(d.name, expr.to_python(d.expression, self.params)) for d in stages.late]
        self.aggregates = [
            (a, expr.to_python(a.where, self.params), expr.to_python(a.of, self.params) if a.of else None)
            for a in stages.aggregates
        ]
        self.combinations = [
            CompiledCombination(
                c,
                expr.to_python(c.when, self.params),
                expr.to_python(c.with_, self.params) if c.with_ else None,
                expr.to_python(c.until, self.params) if c.until else None,
                expr.to_python(c.period_end, self.params) if c.period_end else None,
            )
            for c in stages.combinations
        ]

    def decide_person(self, envs: dict[str, Env], order: list[str]) -> dict[str, Outcome]:
        """Every record of one person: derived values, aggregates, rules, combinations (``envs`` is updated)."""
        for env in envs.values():
            for name, fn in self.derived:
                env[name] = fn(env)
        for rid in order:
            others = [envs[o] for o in order if o != rid]
            extra = {a.name: aggregate_value(a, where, of, envs[rid], others) for a, where, of in self.aggregates}
            envs[rid].update(extra)
        for env in envs.values():
            for name, fn in self.late:
                env[name] = fn(env)
        outcomes = {rid: self.decide(envs[rid]) for rid in order}
        for cc in self.combinations:
            combine(cc, order, envs, outcomes, self.as_of)
        return outcomes

    def decide(self, facts: Mapping[str, object]) -> Outcome:
        kind = facts["record_kind"]
        for rule in self.pack.rules:
            if kind not in rule.applies_to:
                continue
            holds = self._when[rule.id](facts)
            if holds is False:
                continue
            if holds is None:
                return Outcome((rule.id,), Status.NEEDS_REVIEW, None, rule.id)
            return self._descend(rule, (rule.id,), facts)
        return self._finish(self.pack.default, (self.pack.default.id,), facts)

    def _descend(self, rule: Rule, path: tuple[str, ...], facts: Mapping[str, object]) -> Outcome:
        for exc in rule.exceptions:
            holds = self._when[exc.id](facts)
            if holds is False:
                continue
            if holds is None:
                return Outcome((*path, exc.id), Status.NEEDS_REVIEW, None, exc.id)
            return self._descend(exc, (*path, exc.id), facts)
        return self._finish(rule, path, facts)

    def _finish(self, rule: Rule, path: tuple[str, ...], facts: Mapping[str, object]) -> Outcome:
        if rule.outcome is Status.NEEDS_REVIEW:
            return Outcome(path, Status.NEEDS_REVIEW, None, rule.id)
        if rule.date is None:
            return Outcome(path, rule.outcome, None, None)
        day = self._date[rule.id](facts)
        if not isinstance(day, dt.date):
            return Outcome(path, Status.NEEDS_REVIEW, None, rule.id)
        if rule.outcome is Status.SEALED and day == expr.NEVER:  # e.g. a period that never ends
            return Outcome(path, Status.NOT_SEALED, None, None)
        if rule.outcome is Status.SEALED and day > self.as_of:
            return Outcome(path, Status.ELIGIBLE_ON, day, None)
        return Outcome(path, rule.outcome, day, None)


@lru_cache(maxsize=64)
def compiled(pack: Pack, as_of: dt.date) -> CompiledPack:
    return CompiledPack(pack, as_of)


@lru_cache(maxsize=64)
def resolver_for(pack: Pack) -> StatuteResolver:
    """One resolver per pack, so that its cache of resolved statutes lives across bundles."""
    catalogue = pack.extras.get("criminal_law")
    if catalogue is not None:
        return cn_resolver(catalogue)
    table = pack.extras.get("statutes")
    return table_resolver(table) if table is not None else generic_resolver


def channel_of(pack: Pack, bundle: Bundle) -> str | None:
    """The disclosure channel decided on: the target's (checked against the pack's), else the main one."""
    wanted = bundle.target.channel if bundle.target else None
    if wanted is None:
        return pack.main_channel
    if wanted not in pack.channels:
        known = ", ".join(pack.channels) if pack.channels else "none"
        raise BundleFormatError(
            bundle.id, "target.channel", f"pack {pack.id} has no channel {wanted!r} (known: {known})"
        )
    return wanted


def input_hash(bundle: Bundle, record_id: str | None, pack: PackRef) -> str:
    """SHA-256 over the canonical JSON of everything the decision depends on (notes excluded)."""

    def plain(value: object) -> object:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, frozenset | set):
            return sorted(str(v) for v in value)
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if hasattr(value, "__slots__"):
            return {s: plain(getattr(value, s)) for s in value.__slots__}
        return value

    payload = {
        "jurisdiction": bundle.jurisdiction,
        "as_of": bundle.as_of.isoformat(),
        "birth_date": bundle.person.birth_date.isoformat(),
        "events": sorted((plain(e) for e in bundle.events), key=lambda e: str(e["id"])),  # type: ignore[index]
        "record": record_id,
        "pack": [pack.id, pack.version],
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def decide_envs(pack: Pack, bundle: Bundle, day: dt.date) -> tuple[dict[str, Env], dict[str, Outcome]]:
    """The facts of every record of the bundle known on ``day`` (in date order), completed with the pack's
    derived and aggregate values as deciding computes them, and the outcome on each."""
    channel, resolve = channel_of(pack, bundle), resolver_for(pack)
    records = [r for r in bundle.records() if r.date <= day]
    envs: dict[str, Env] = {r.id: record_facts(bundle, r, resolve, day, channel) for r in records}
    return envs, compiled(pack, day).decide_person(envs, [r.id for r in records])


def evaluate_person(pack: Pack, bundle: Bundle, as_of: dt.date | None = None) -> dict[str, Decision]:
    """The decision on every record of the bundle, on ``as_of`` (default: the bundle's own as_of)."""
    day = as_of or bundle.as_of
    _, outcomes = decide_envs(pack, bundle, day)
    return {
        rid: Decision(
            status=o.status,
            date=o.date,
            rules=o.path,
            pack=pack.ref,
            input_hash=input_hash(bundle, rid, pack.ref),
            record_id=rid,
            questions=(o.question,) if o.question else (),
        )
        for rid, o in outcomes.items()
    }


def evaluate_record(pack: Pack, bundle: Bundle, record: Event, as_of: dt.date | None = None) -> Decision:
    """The decision on one record of the bundle (the person's other records are taken into account)."""
    return evaluate_person(pack, bundle, as_of)[record.id]


def evaluate_bundle(pack: Pack, bundle: Bundle) -> Decision:
    """The decision about the bundle's target, its only record, or all its records together."""
    decisions = evaluate_person(pack, bundle)
    target = bundle.target.event_id if bundle.target else None
    if target is not None:
        if target not in decisions:
            raise BundleFormatError(bundle.id, "target.event_id", f"{target!r} is not a record known on as_of")
        return decisions[target]
    if len(decisions) == 1:
        return next(iter(decisions.values()))
    return aggregate(list(decisions.values()), bundle, pack.ref)


def aggregate(decisions: list[Decision], bundle: Bundle, ref: PackRef) -> Decision:
    """All records together: the worst status wins (AGGREGATE_PRECEDENCE); the latest date of that status."""
    for status in AGGREGATE_PRECEDENCE:
        same = [d for d in decisions if d.status is status]
        if not same:
            continue
        dates = [d.date for d in same if d.date is not None]
        rules = tuple(dict.fromkeys(r for d in same for r in d.rules))
        questions = tuple(dict.fromkeys(q for d in same for q in d.questions))
        return Decision(
            status, max(dates) if dates else None, rules, ref, input_hash(bundle, None, ref), None, questions
        )
    raise ValueError("no decisions to aggregate")
