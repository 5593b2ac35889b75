"""Record bundles (format version 1, shared/cases/README.md): parse one JSON object into a Bundle.

Validation has two layers: the JSON Schema shipped beside this module (draft 2020-12), then the checks
that a schema cannot express (unique ids, references between events, real calendar dates, nothing after
``as_of``). Every failure is a BundleFormatError naming the bundle id and the field, e.g.
``events[2].offense_ids[0]``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
import jsonschema
from jsonschema.exceptions import best_match

from sealkeeper.errors import BundleFormatError
from sealkeeper.model.dates import parse_iso_date
from sealkeeper.model.record import (
    FOLLOW_UP_TYPES,
    Bundle,
    Event,
    EventType,
    Offense,
    Penalty,
    Person,
    Sentence,
    SentenceKind,
    Target,
)

_EVENT_TYPES = frozenset(t.value for t in EventType)
#: value -> member: a dict look-up instead of the enum's __call__ (one per event, 100,000s per import)
_EVENT_TYPE_OF = {t.value: t for t in EventType}
_SENTENCE_KIND_OF = {k.value: k for k in SentenceKind}


@cache
def schema() -> dict[str, Any]:
    """The shipped JSON Schema of format version 1."""
    text = resources.files("sealkeeper.formats").joinpath("bundle.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())


_DRAFT7 = "http://json-schema.org/draft-07/schema#"
_DATE_FORMAT = {"date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


@cache
def _fast_validators() -> tuple[Any, dict[str, Any]]:
    """The same schema compiled to Python by fastjsonschema: one validator for the bundle with its events
    checked only as objects, and one per event type (the oneOf branch of that type).

    Dispatching on ``type`` instead of trying every branch of the oneOf is what makes this fast: a oneOf
    raises and catches an exception for each branch that fails. The precheck has made sure the type is
    known. fastjsonschema knows drafts up to 7; this schema uses no 2020-12-only keyword (``$defs`` is
    reached by JSON pointer), so it is compiled as draft 7. jsonschema stays the reference: it explains any
    failure.
    """
    full = schema()
    defs = full["$defs"]
    outer = {**full, "$schema": _DRAFT7, "properties": {**full["properties"]}}
    outer["properties"]["events"] = {**full["properties"]["events"], "items": {"type": "object"}}
    per_type: dict[str, Any] = {}
    for branch in defs["event"]["oneOf"]:
        spec = branch["properties"]["type"]
        compiled = fastjsonschema.compile({"$schema": _DRAFT7, "$defs": defs, **branch}, formats=_DATE_FORMAT)
        for kind in spec.get("enum", [spec.get("const")]):
            per_type[kind] = compiled
    return fastjsonschema.compile(outer, formats=_DATE_FORMAT), per_type


def compile_validators() -> None:
    """Compile the schema's validators now (a server does it before its first request, so that a burst of
    concurrent first requests does not compile them in every thread at once)."""
    _fast_validators()
    _branch_validators()


def _fast_check(obj: Any) -> None:
    outer, per_type = _fast_validators()
    outer(obj)
    for event in obj["events"]:
        per_type[event["type"]](event)


def safe_message(error: jsonschema.ValidationError) -> str:
    """What a schema error says, built from the schema alone: jsonschema's own message repeats the value,
    which may be a name or an ID number in the wrong column."""
    rule, expected = error.validator, error.validator_value
    messages = {
        "type": f"must be of type {expected}",
        "pattern": f"does not have the expected form ({expected})",
        "enum": f"must be one of {expected}",
        "const": f"must be {expected!r}",
        "format": f"is not a valid {expected}",
        "minLength": f"is shorter than {expected} characters",
        "maxLength": f"is longer than {expected} characters",
        "minItems": f"needs at least {expected} item(s)",
        "minimum": f"must be at least {expected}",
        "maximum": f"must be at most {expected}",
        "exclusiveMinimum": f"must be more than {expected}",
        "minProperties": f"needs at least {expected} field(s)",
    }
    if rule == "required":
        return error.message  # names the missing property, taken from the schema
    if rule == "additionalProperties" and isinstance(error.instance, Mapping):
        schema_part = error.schema if isinstance(error.schema, Mapping) else {}
        allowed = set(schema_part.get("properties", {}))
        return f"unknown field(s) {sorted(str(k) for k in error.instance if k not in allowed)}"
    return messages.get(str(rule), f"fails the schema's {rule} rule")


def _path(parts: Sequence[object]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(bundle)"


def _bundle_id(obj: object) -> str | None:
    if isinstance(obj, Mapping):
        value = obj.get("id")
        if isinstance(value, str) and value:
            return value
    return None


def _precheck_event_types(bid: str | None, obj: Mapping[str, Any]) -> None:
    """A clearer message than the schema's oneOf for the commonest mistake: an unknown event type."""
    events = obj.get("events")
    if not isinstance(events, list):
        return
    for i, event in enumerate(events):
        if isinstance(event, Mapping):
            kind = event.get("type")
            if not isinstance(kind, str) or kind not in _EVENT_TYPES:
                raise BundleFormatError(
                    bid, f"events[{i}].type", f"unknown event type; expected one of {sorted(_EVENT_TYPES)}"
                )


def _schema_check(bid: str | None, obj: object) -> None:
    try:
        _fast_check(obj)
        return
    except fastjsonschema.JsonSchemaValueException as fast_error:
        _event_branch_check(bid, obj)
        error = best_match(_validator().iter_errors(obj))
        if error is None:  # the two validators disagree: report what the fast one saw
            field = str(fast_error.name).removeprefix("data.")
            raise BundleFormatError(bid, field, f"fails the schema's {fast_error.rule} rule") from None
    if error.context:  # a oneOf over event kinds: report the branch that matched the event's type best
        error = best_match(error.context)
    raise BundleFormatError(bid, _path(error.absolute_path), safe_message(error))


@cache
def _branch_validators() -> dict[str, jsonschema.Draft202012Validator]:
    """One validator per event type: the oneOf branch of that type, so errors name the right fields."""
    out: dict[str, jsonschema.Draft202012Validator] = {}
    defs = schema()["$defs"]
    for branch in defs["event"]["oneOf"]:
        spec = branch["properties"]["type"]
        for kind in spec.get("enum", [spec.get("const")]):
            out[kind] = jsonschema.Draft202012Validator({"$defs": defs, **branch})
    return out


def _event_branch_check(bid: str | None, obj: object) -> None:
    """Check each event against the schema of its own type (the precheck made sure the type is known)."""
    if not isinstance(obj, Mapping) or not isinstance(obj.get("events"), list):
        return
    for i, event in enumerate(obj["events"]):
        if isinstance(event, Mapping):
            error = best_match(_branch_validators()[event["type"]].iter_errors(event))
            if error is not None:
                raise BundleFormatError(bid, _path(["events", i, *error.absolute_path]), safe_message(error))


def _date(bid: str, field: str, text: str) -> dt.date:
    try:
        return parse_iso_date(text)
    except ValueError:
        raise BundleFormatError(bid, field, "is not a calendar date (YYYY-MM-DD)") from None


def _offense(raw: Mapping[str, Any]) -> Offense:
    cats = raw.get("categories")
    return Offense(
        name=raw["name"],
        statute=raw["statute"],
        grade=raw.get("class"),
        categories=None if cats is None else frozenset(cats),
    )


def _sentence(raw: Mapping[str, Any]) -> Sentence:
    return Sentence(
        kind=_SENTENCE_KIND_OF[raw["kind"]],
        months=raw.get("months"),
        days=raw.get("days"),
        daily_rates=raw.get("daily_rates"),
        amount=raw.get("amount"),
        suspended=raw.get("suspended"),
        probation_months=raw.get("probation_months"),
        licence_months=raw.get("licence_months"),
    )


def _event(bid: str, i: int, raw: Mapping[str, Any]) -> Event:
    where = f"events[{i}]"
    penalty = raw.get("penalty")
    return Event(
        id=raw["id"],
        type=_EVENT_TYPE_OF[raw["type"]],
        date=_date(bid, f"{where}.date", raw["date"]),
        offense=_offense(raw["offense"]) if "offense" in raw else None,
        offense_ids=tuple(raw.get("offense_ids", ())),
        sentence=_sentence(raw["sentence"]) if "sentence" in raw else None,
        kind=raw.get("kind"),
        conviction_id=raw.get("conviction_id"),
        penalty=Penalty(penalty["kind"], penalty.get("days"), penalty.get("amount")) if penalty else None,
        flags=dict(raw.get("flags", {})),
    )


_SENTENCE_NUMBERS = ("months", "days", "amount", "probation_months", "licence_months")


def _finite_numbers(bid: str, i: int, event: Event) -> None:
    """Python's json module reads the non-JSON constants NaN and Infinity as floats, and both pass a schema's
    ``minimum`` (every comparison with NaN is false): refuse them here, naming the field."""
    fields: list[tuple[str, object]] = []
    if event.sentence is not None:
        fields += [(f"sentence.{name}", getattr(event.sentence, name)) for name in _SENTENCE_NUMBERS]
    if event.penalty is not None:
        fields += [("penalty.days", event.penalty.days), ("penalty.amount", event.penalty.amount)]
    for field, value in fields:
        if isinstance(value, float) and not math.isfinite(value):
            raise BundleFormatError(bid, f"events[{i}].{field}", f"{value} is not a finite number")


def _references(bid: str, bundle: Bundle) -> None:
    by_id: dict[str, tuple[int, Event]] = {}
    for i, event in enumerate(bundle.events):
        _finite_numbers(bid, i, event)
        if event.id in by_id:
            raise BundleFormatError(bid, f"events[{i}].id", f"duplicate event id {event.id!r}")
        by_id[event.id] = (i, event)
        if event.date > bundle.as_of:
            raise BundleFormatError(
                bid, f"events[{i}].date", f"{event.date.isoformat()} is after as_of {bundle.as_of.isoformat()}"
            )
        if event.date < bundle.person.birth_date:
            raise BundleFormatError(bid, f"events[{i}].date", "is before the person's birth date")
    for i, event in enumerate(bundle.events):
        for j, ref in enumerate(event.offense_ids):
            target = by_id.get(ref)
            if target is None or target[1].type is not EventType.OFFENSE:
                raise BundleFormatError(bid, f"events[{i}].offense_ids[{j}]", f"{ref!r} names no offense event")
            if target[1].date > event.date:
                raise BundleFormatError(
                    bid, f"events[{i}].offense_ids[{j}]", f"offense {ref!r} is dated after this {event.type}"
                )
        if event.type in FOLLOW_UP_TYPES:
            ref = event.conviction_id or ""
            target = by_id.get(ref)
            if target is None or target[1].type is not EventType.CONVICTION:
                raise BundleFormatError(bid, f"events[{i}].conviction_id", f"{ref!r} names no conviction event")
    if bundle.target and bundle.target.event_id and bundle.target.event_id not in by_id:
        raise BundleFormatError(bid, "target.event_id", f"{bundle.target.event_id!r} names no event")
    if not bundle.records():
        raise BundleFormatError(bid, "events", "the bundle holds no record (conviction, non-prosecution, penalty …)")


def parse_bundle(obj: object) -> Bundle:
    """One bundle from its decoded JSON, or BundleFormatError naming the bundle id and the field."""
    bid = _bundle_id(obj)
    if not isinstance(obj, Mapping):
        raise BundleFormatError(None, "(bundle)", f"expected a JSON object, got {type(obj).__name__}")
    _precheck_event_types(bid, obj)
    _schema_check(bid, obj)
    assert bid is not None  # the schema requires a non-empty id  # noqa: S101
    target = obj.get("target")
    bundle = Bundle(
        id=bid,
        jurisdiction=obj["jurisdiction"],
        as_of=_date(bid, "as_of", obj["as_of"]),
        person=Person(_date(bid, "person.birth_date", obj["person"]["birth_date"])),
        events=tuple(_event(bid, i, e) for i, e in enumerate(obj["events"])),
        target=Target(target.get("event_id"), target.get("channel")) if target else None,
    )
    _references(bid, bundle)
    return bundle
