"""Rule packs: law as data. Built from parsed YAML (the adapter reads the files), validated, immutable.

A pack holds dated parameters (the value in force on a day is the latest one that started on or before
it), optional profiles (named parameter overrides, e.g. a proposed law switched on by configuration),
the article texts, and rules as base rules with exceptions (default logic): a base rule decides unless
one of its exceptions applies, and an exception may have exceptions of its own. The first rule whose
condition holds decides; exceptions are tried in the order written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from sealkeeper.errors import ExpressionError, PackError
from sealkeeper.model.decision import PackRef, Status
from sealkeeper.model.record import RECORD_TYPES
from sealkeeper.rules import expr
from sealkeeper.rules.facts import FACTS
from sealkeeper.rules.stages import Combination, Stages, build_stages


@dataclass(frozen=True, slots=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    citation: str
    title_zh: str
    title_en: str
    text_zh: str  # the article's own wording (in ``lang``; Chinese for CN)
    summary_en: str
    confidence: str
    sources: tuple[str, ...]
    lang: str = "zh"
    summary_zh: str = ""


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: str  # English
    values: tuple[tuple[dt.date, object], ...]  # sorted by start date
    articles: tuple[str, ...]
    description_zh: str = ""  # Chinese ("" where the pack gives none)

    def at(self, day: dt.date) -> object:
        """The value in force on ``day``; None before the first value took effect."""
        current: object = None
        for start, value in self.values:
            if start > day:
                break
            current = value
        return current


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    applies_to: frozenset[str]
    when: expr.Expression
    outcome: Status
    date: expr.Expression | None
    text: Text
    articles: tuple[str, ...]
    question: Text | None
    exceptions: tuple[Rule, ...] = ()

    def walk(self) -> Iterator[Rule]:
        yield self
        for exc in self.exceptions:
            yield from exc.walk()


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: packs are cached per as_of
class Pack:
    id: str
    version: str
    jurisdiction: str
    title: Text
    header: Mapping[str, Any]
    parameters: Mapping[str, Parameter]
    profiles: Mapping[str, Mapping[str, object]]
    articles: Mapping[str, Article]
    rules: tuple[Rule, ...]
    default: Rule
    profile: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)  # jurisdiction data, e.g. the CN catalogue
    stages: Stages = field(default_factory=Stages)
    channels: tuple[str, ...] = ()  # the disclosure channels a target may name; the first is the main one

    @property
    def main_channel(self) -> str | None:
        return self.channels[0] if self.channels else None

    @property
    def ref(self) -> PackRef:
        version = self.version if self.profile is None else f"{self.version}+{self.profile}"
        return PackRef(self.id, version)

    def params_at(self, day: dt.date) -> dict[str, object]:
        values = {name: p.at(day) for name, p in self.parameters.items()}
        if self.profile is not None:
            values.update(self.profiles[self.profile])
        return values

    def with_profile(self, name: str | None) -> Pack:
        if name is not None and name not in self.profiles:
            raise PackError(self.id, "profile", f"unknown profile {name!r}; known: {sorted(self.profiles)}")
        return dataclasses.replace(self, profile=name)

    def all_rules(self) -> Iterator[Rule]:
        for rule in self.rules:
            yield from rule.walk()
        yield self.default

    def rule(self, rule_id: str) -> Rule | Combination:
        candidates: list[Rule | Combination] = [*self.all_rules(), *self.stages.combinations]
        for rule in candidates:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def path_to(self, rule_id: str) -> tuple[Rule, ...]:
        """The chain from a top-level rule down to ``rule_id`` (the reasons of a decision)."""

        def search(rule: Rule, trail: tuple[Rule, ...]) -> tuple[Rule, ...] | None:
            trail = (*trail, rule)
            if rule.id == rule_id:
                return trail
            for exc in rule.exceptions:
                found = search(exc, trail)
                if found:
                    return found
            return None

        for top in (*self.rules, self.default):
            found = search(top, ())
            if found:
                return found
        raise KeyError(rule_id)


@cache
def pack_schema() -> dict[str, Any]:
    text = resources.files("sealkeeper.rules").joinpath("pack.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _date(pack: str, where: str, value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PackError(pack, where, f"{value!r} is not an ISO date") from None


def build_pack(data: Mapping[str, Any], articles: Mapping[str, Any], extras: Mapping[str, Any] | None = None) -> Pack:
    """Validate parsed pack data and build the Pack; PackError names the rule or parameter at fault."""
    meta = data.get("pack", {}) if isinstance(data, Mapping) else {}
    pid = str(meta.get("id", "?"))
    normalised = _plain(data)  # YAML dates (keys and values) -> strings for the schema
    error = best_match(jsonschema.Draft202012Validator(pack_schema()).iter_errors(normalised))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(pack)"
        raise PackError(pid, where, error.message)
    arts = {aid: _article(aid, a) for aid, a in articles.items()}
    params = {
        name: Parameter(
            name=name,
            description=p["description"],
            values=tuple(
                sorted(
                    (_date(pid, f"parameters.{name}", d), _typed(pid, name, p.get("type"), v))
                    for d, v in p["values"].items()
                )
            ),
            articles=tuple(p.get("articles", ())),
            description_zh=p.get("description_zh", ""),
        )
        for name, p in data["parameters"].items()
    }
    profiles = {name: dict(p["parameters"]) for name, p in data.get("profiles", {}).items()}
    for name, overrides in profiles.items():
        for key, value in overrides.items():
            if key not in params:
                raise PackError(pid, f"profiles.{name}.{key}", "overrides an unknown parameter")
            overrides[key] = _typed(pid, key, data["parameters"][key].get("type"), value)
    ctx = _Ctx(pid, frozenset(FACTS), frozenset(params), arts)
    stages = build_stages(pid, data, frozenset(params), ctx.check_articles, _text)
    ctx = dataclasses.replace(ctx, facts=frozenset(FACTS) | stages.names)
    for i, r in enumerate(data["rules"]):
        if "applies_to" not in r:
            raise PackError(pid, f"rules[{i}] ({r['id']})", "a top-level rule needs applies_to (exceptions inherit it)")
    rules = tuple(ctx.rule(r, f"rules[{i}]") for i, r in enumerate(data["rules"]))
    default = ctx.rule({**data["default"], "when": "True", "applies_to": sorted(RECORD_TYPES)}, "default")
    seen: set[str] = set()
    named: list[Rule | Combination] = [*(r for top in rules for r in top.walk()), default, *stages.combinations]
    for rule in named:
        if rule.id in seen:
            raise PackError(pid, rule.id, "duplicate rule id")
        seen.add(rule.id)
    for param in params.values():
        for aid in param.articles:
            if aid not in arts:
                raise PackError(pid, f"parameters.{param.name}", f"cites unknown article {aid!r}")
    return Pack(
        id=pid,
        version=str(meta["version"]),
        jurisdiction=str(meta["jurisdiction"]),
        title=Text(meta["title"]["zh"], meta["title"]["en"]),
        header=dict(meta),
        parameters=params,
        profiles=profiles,
        articles=arts,
        rules=rules,
        default=default,
        extras=dict(extras or {}),
        stages=stages,
        channels=tuple(meta.get("channels", ())),
    )


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


_TYPES: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "int": (int,),
    "number": (int, float),
    "date": (dt.date,),
    "list": (list,),
    "str": (str,),
}


def _typed(pid: str, name: str, kind: str | None, value: object) -> object:
    """A parameter value checked against the parameter's declared type (dates may be ISO strings)."""
    if kind == "date" and isinstance(value, str):
        value = _date(pid, f"parameters.{name}", value)
    if kind is not None and (not isinstance(value, _TYPES[kind]) or (kind != "bool" and isinstance(value, bool))):
        raise PackError(pid, f"parameters.{name}", f"value {value!r} is not of type {kind}")
    return value


def _text(raw: Mapping[str, str]) -> Text:
    return Text(raw["zh"], raw["en"])


def _article(aid: str, raw: Mapping[str, Any]) -> Article:
    """An article entry: CN files give ``text_zh``; others give ``text`` in ``lang`` and ``summary_zh``."""
    return Article(
        id=aid,
        citation=str(raw.get("citation", aid)),
        title_zh=str(raw.get("title_zh", "")),
        title_en=str(raw.get("title_en", "")),
        text_zh=str(raw.get("text_zh", raw.get("text", "")) or "").strip(),
        summary_en=str(raw.get("summary_en", "") or "").strip(),
        confidence=str(raw.get("confidence", "M")),
        sources=tuple(str(s) for s in raw.get("sources", ()) or ()),
        lang=str(raw.get("lang", "zh")),
        summary_zh=str(raw.get("summary_zh", "") or "").strip(),
    )


@dataclass(frozen=True)
class _Ctx:
    pack: str
    facts: frozenset[str]
    params: frozenset[str]
    articles: Mapping[str, Article]

    def check_articles(self, ids: tuple[str, ...], where: str) -> None:
        for aid in ids:
            if aid not in self.articles:
                raise PackError(self.pack, where, f"cites unknown article {aid!r}")

    def expression(self, source: str, where: str) -> expr.Expression:
        try:
            return expr.parse(source, self.facts, self.params)
        except ExpressionError as exc:
            raise PackError(self.pack, where, str(exc)) from None

    def rule(self, raw: Mapping[str, Any], where: str) -> Rule:
        rid = str(raw["id"])
        where = f"{where} ({rid})"
        outcome = Status(raw.get("outcome", "not_sealed"))
        dated = outcome in (Status.SEALED, Status.ELIGIBLE_ON, Status.UNSEALED)
        if dated != ("date" in raw):
            need = "needs" if dated else "must not have"
            raise PackError(self.pack, where, f"a {outcome} outcome {need} a date expression")
        self.check_articles(raw.get("articles", ()), where)
        unknown_kinds = set(raw["applies_to"]) - {t.value for t in RECORD_TYPES}
        if unknown_kinds:
            raise PackError(self.pack, where, f"applies_to names unknown record kinds {sorted(unknown_kinds)}")
        question = raw.get("question")
        return Rule(
            id=rid,
            applies_to=frozenset(raw["applies_to"]),
            when=self.expression(raw["when"], f"{where}.when"),
            outcome=outcome,
            date=self.expression(raw["date"], f"{where}.date") if dated else None,
            text=_text(raw["text"]),
            articles=tuple(raw.get("articles", ())),
            question=_text(question) if question else None,
            exceptions=tuple(
                self.rule({"applies_to": raw["applies_to"], **e}, f"{where}.exceptions[{i}]")
                for i, e in enumerate(raw.get("exceptions", ()))
            ),
        )
