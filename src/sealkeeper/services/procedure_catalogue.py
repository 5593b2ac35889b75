"""The procedures as the API, the pages and the CLI name them: procedures, states, commands (parsed from JSON
with the field named when invalid) and the stored view of a case. ``procedure_service`` re-exports these names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from sealkeeper.adapters import case_codec
from sealkeeper.errors import SealkeeperError
from sealkeeper.procedures.base import Case, Escalate, SendNotice, Withdraw
from sealkeeper.services.refusals import ServiceRefusal

_COMMON = {cls.__name__: cls for cls in (Escalate, Withdraw, SendNotice)}


class InputError(SealkeeperError):
    """A request names an unknown procedure, command or case, or a field is invalid. Names the field."""


class CaseNotFoundError(InputError):
    pass


def commands_of(procedure: str) -> dict[str, type[Any]]:
    cls = case_codec.CASE_TYPES.get(procedure)
    if cls is None:
        raise InputError.of(ServiceRefusal.UNKNOWN_PROCEDURE, procedures=", ".join(sorted(case_codec.CASE_TYPES)))
    found = {command.__name__: command for _, command in cls.MACHINE.steps}
    return {**found, **_COMMON}


def view(case: Case) -> dict[str, Any]:
    """A case as the API and the pages show it: the stored body (no reason's free text) and its procedure."""
    body, _ = case_codec.encode(case)
    return {"procedure": case.PROCEDURE, **json.loads(body)}


def stored_view(procedure: str, body_text: str) -> dict[str, Any]:
    """A stored case row as shown to those who may not read its narrative: the body without any reason's text."""
    body: dict[str, Any] = json.loads(body_text)
    for reason in case_codec.reasons_in(body):
        reason.pop("text", None)
    return {"procedure": procedure, **body}


def procedures() -> tuple[str, ...]:
    return tuple(case_codec.CASE_TYPES)


def state_names(procedure: str) -> tuple[str, ...]:
    return tuple(str(s.value) for s in case_codec.state_type(procedure))


def allowed_commands(procedure: str, state: str) -> dict[str, type[Any]]:
    """The commands the procedure's table accepts in ``state`` (by name), for forms and help."""
    machine = case_codec.CASE_TYPES[procedure].MACHINE
    known = commands_of(procedure)
    names = machine.commands(case_codec.state_type(procedure)(state))
    return {name: known[name] for name in names if name in known}


def parse_command(procedure: str, name: str, body: Mapping[str, Any]) -> object:
    command = commands_of(procedure).get(name)
    if command is None:
        known = ", ".join(sorted(commands_of(procedure)))
        raise InputError.of(ServiceRefusal.UNKNOWN_COMMAND, procedure=procedure, command=name, commands=known)
    try:
        return TypeAdapter(command).validate_python(dict(body))
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) or "(body)" for e in exc.errors()})
        raise InputError.of(ServiceRefusal.INVALID_FIELDS, fields=", ".join(fields), command=name) from None
