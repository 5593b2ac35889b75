"""Identity fields of a bundle's ``person`` (name, ID number, address) and the narrative notes.

Format version 1 lets ``person`` carry ``name``, ``id_number`` (the 18-digit resident identity number of
GB 11643-1999) and ``address`` besides ``birth_date``. They are personal data: they are split off the
bundle *before* schema validation, checked here with messages that never repeat the value, and handed to
the vault for encryption. The rules never see them. Free-text ``note`` fields are narrative: they are
split off too, so that the stored legal facts carry no prose about the person.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sealkeeper.errors import BundleFormatError

IDENTITY_FIELDS = ("name", "id_number", "address")
_MAX_TEXT = 500

#: GB 11643-1999 §6.2 (ISO 7064 MOD 11-2): weights of the first 17 digits and the check characters.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a bundle is about. Never logged, never in an error, never in the ledger."""

    name: str | None = None
    id_number: str | None = None
    address: str | None = None

    def is_empty(self) -> bool:
        return self.name is None and self.id_number is None and self.address is None

    def __repr__(self) -> str:  # a stray print or traceback must not show personal data
        return "Identity(<redacted>)"


EMPTY_IDENTITY = Identity()


def id_check_character(first17: str) -> str:
    """The check character of an 18-digit resident ID (GB 11643-1999 §6.2, ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("the first 17 characters of an ID number must be digits")
    return _CHECK[sum(map(operator.mul, map(int, first17), _WEIGHTS)) % 11]  # map: no Python frame per digit


def normalise_id_number(text: str) -> str:
    """Canonical form for the blind index: no surrounding space, check character upper-case."""
    return text.strip().upper()


def check_id_number(bid: str | None, text: object, birth_date: str | None) -> str:
    """A valid resident ID number in canonical form, or BundleFormatError that does not echo it."""
    field = "person.id_number"
    if not isinstance(text, str):
        raise BundleFormatError(bid, field, "must be a string of 18 characters")
    value = normalise_id_number(text)
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit() or value[17] not in _CHECK:
        raise BundleFormatError(bid, field, "must be 17 digits and a check character (0-9 or X)")
    if id_check_character(value[:17]) != value[17]:
        raise BundleFormatError(bid, field, "check character does not match (GB 11643-1999 §6.2)")
    try:
        encoded = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise BundleFormatError(bid, field, "digits 7-14 are not a calendar date of birth") from None
    if birth_date is not None and encoded.isoformat() != birth_date:
        raise BundleFormatError(bid, field, "the date of birth it encodes differs from person.birth_date")
    return value


def _text(bid: str | None, field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BundleFormatError(bid, field, "must be a non-empty string")
    if len(value) > _MAX_TEXT:
        raise BundleFormatError(bid, field, f"is longer than {_MAX_TEXT} characters")
    return value.strip()


def split_identity(obj: Mapping[str, Any]) -> tuple[dict[str, Any], Identity]:
    """The bundle without identity fields (the input is untouched: the bundle and its person are copied) and
    the identity."""
    person = obj.get("person")
    if not isinstance(person, Mapping) or not any(k in person for k in IDENTITY_FIELDS):
        return dict(obj), Identity()  # the common case costs no copy
    bid = obj.get("id") if isinstance(obj.get("id"), str) else None
    person = dict(person)  # only ``person`` changes: a shallow copy of it and of the bundle suffice
    rest = {**obj, "person": person}
    raw = {k: person.pop(k) for k in IDENTITY_FIELDS if k in person}
    birth = person.get("birth_date") if isinstance(person.get("birth_date"), str) else None
    return rest, Identity(
        name=_text(bid, "person.name", raw["name"]) if "name" in raw else None,
        id_number=check_id_number(bid, raw["id_number"], birth) if "id_number" in raw else None,
        address=_text(bid, "person.address", raw["address"]) if "address" in raw else None,
    )


def split_notes(obj: dict[str, Any]) -> dict[str, str]:
    """Remove every ``note`` from a bundle (in place) and return them by JSON path (the narrative)."""
    notes: dict[str, str] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("note"), str):
                notes[f"{path}.note" if path else "note"] = node.pop("note")
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(obj, "")
    return notes
