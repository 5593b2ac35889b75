"""Forms for the steps of a procedure, built from the command's own dataclass fields (so a new command gets a
form without new code), and the posted form turned back into the command's fields.

Field kinds: an enum is a select, a bool a checkbox, a date a date input, a tuple of reasons one reason (rule,
citation, text), a tuple of strings a comma-separated text, anything else a text input.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sealkeeper.procedures.base import Reason


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "select", "checkbox", "date", "reason", "list", "text"
    choices: tuple[str, ...] = ()


def _kind(hint: Any) -> Field | str:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return "select"
    if hint is bool:
        return "checkbox"
    if hint is dt.date:
        return "date"
    if origin is tuple and args and args[0] is Reason:
        return "reason"
    if origin is tuple:
        return "list"
    return "text"


def fields_of(command: type[Any]) -> list[Field]:
    hints = typing.get_type_hints(command)
    out = []
    for field in dataclasses.fields(command):
        hint = hints[field.name]
        kind = _kind(hint)
        choices = tuple(str(m.value) for m in hint) if kind == "select" else ()
        out.append(Field(field.name, str(kind), choices))
    return out


def body_from_form(command: type[Any], form: dict[str, str]) -> dict[str, Any]:
    """The command's fields from the posted form (validation is the command parser's: it names the field)."""
    body: dict[str, Any] = {}
    for field in fields_of(command):
        raw = form.get(field.name, "").strip()
        if field.kind == "checkbox":
            body[field.name] = field.name in form
        elif field.kind == "reason":
            rule, citation = form.get(f"{field.name}.rule", "").strip(), form.get(f"{field.name}.citation", "").strip()
            text = form.get(f"{field.name}.text", "").strip()
            body[field.name] = [{"rule": rule, "citation": citation, "text": text}] if rule or citation else []
        elif field.kind == "list":
            body[field.name] = [part.strip() for part in raw.split(",") if part.strip()]
        elif raw:
            body[field.name] = raw
    return body


def _listed(text: object) -> list[str]:
    """A comma-separated form field as its non-empty items."""
    return [item.strip() for item in str(text or "").split(",") if item.strip()]


def application_body(records: list[str], materials: object) -> tuple[dict[str, Any], str]:
    """The person's application form (records ticked, material ids separated by commas) as a request body, and
    the field left empty (``records`` first, then ``materials``; "" when both are given)."""
    listed = _listed(materials)
    missing = "records" if not records else "materials" if not listed else ""
    return {"records": records, "materials": listed}, missing


def opening_body(form: Any) -> dict[str, Any]:
    """The person's objection, correction, deletion or complaint form as a request body (empty texts left out)."""
    text = {key: str(form.get(key, "")).strip() for key in ("record_case", "contest", "ground", "concerning")}
    return {**{key: value for key, value in text.items() if value}, "fields": _listed(form.get("fields", ""))}
