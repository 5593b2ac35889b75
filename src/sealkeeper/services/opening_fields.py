"""The fields of a request that opens a case (``procedure_service``), read one by one: each wrong one is
refused with a code naming the procedure and the field and what it must be, never with Python's own words
(``'x' is not a valid Capacity``, ``Reason.__init__() got an unexpected keyword argument``)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from sealkeeper.procedures import Reason
from sealkeeper.services.procedure_catalogue import InputError
from sealkeeper.services.refusals import ServiceRefusal

E = TypeVar("E", bound=StrEnum)


def choice(procedure: str, body: Mapping[str, Any], field: str, kind: type[E]) -> E:
    """``body[field]``, one of ``kind``'s values."""
    value = body.get(field)
    if isinstance(value, str) and value in {str(v) for v in kind}:
        return kind(value)
    allowed = ", ".join(str(v) for v in kind)
    raise InputError.of(ServiceRefusal.OPENING_CHOICE, procedure=procedure, field=field, allowed=allowed)


def text(procedure: str, body: Mapping[str, Any], field: str) -> str:
    """``body[field]``, a text ("" when absent)."""
    value = body.get(field, "")
    if not isinstance(value, str):
        raise InputError.of(ServiceRefusal.OPENING_TEXT, procedure=procedure, field=field)
    return value


def texts(procedure: str, body: Mapping[str, Any], field: str) -> tuple[str, ...]:
    """``body[field]``, a list of texts (empty when absent)."""
    value = body.get(field) or []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InputError.of(ServiceRefusal.OPENING_TEXTS, procedure=procedure, field=field)
    return tuple(value)


def reasons(procedure: str, body: Mapping[str, Any], field: str) -> tuple[Reason, ...]:
    """``body[field]``, a list of grounds, each ``{"rule", "citation"}`` with an optional ``text``."""
    value = body.get(field) or []
    if isinstance(value, list | tuple) and all(_is_reason(v) for v in value):
        return tuple(Reason(v["rule"], v["citation"], v.get("text", "")) for v in value)
    raise InputError.of(ServiceRefusal.OPENING_REASONS, procedure=procedure, field=field)


def _is_reason(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and set(value) <= {"rule", "citation", "text"}
        and all(isinstance(value.get(k), str) and value.get(k) for k in ("rule", "citation"))
        and isinstance(value.get("text", ""), str)
    )
