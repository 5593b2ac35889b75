"""Procedure cases to and from storage: canonical JSON of the case without narrative, plus the narrative apart.

The cases are pure frozen dataclasses (``sealkeeper.procedures``); pydantic's ``TypeAdapter`` validates every
field on the way back (enums, dates, nested reasons), so a row that was altered or written by another version
fails loudly instead of producing a half-valid case. The free text of every ``Reason`` (``text``) is narrative:
``encode`` takes it out of the body (the body is stored in clear, the narrative encrypted by the caller) and
``decode`` puts it back in the same order.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from pydantic import TypeAdapter, ValidationError

from sealkeeper.errors import StoreError
from sealkeeper.procedures.application import ApplicationCase
from sealkeeper.procedures.base import Case
from sealkeeper.procedures.complaint import ComplaintCase
from sealkeeper.procedures.objection import ObjectionCase
from sealkeeper.procedures.representation import RepresentationCase
from sealkeeper.procedures.rights import CorrectionCase, DeletionCase
from sealkeeper.procedures.sealing import RecordCase
from sealkeeper.procedures.unsealing import UnsealingCase

CASE_TYPES: dict[str, type[Case]] = {
    cls.PROCEDURE: cls
    for cls in (
        RecordCase,
        ApplicationCase,
        ObjectionCase,
        UnsealingCase,
        CorrectionCase,
        DeletionCase,
        ComplaintCase,
        RepresentationCase,
    )
}
_ADAPTERS: dict[str, TypeAdapter[Any]] = {name: TypeAdapter(cls) for name, cls in CASE_TYPES.items()}
REASON_KEYS = frozenset({"rule", "citation", "text"})


def state_type(procedure: str) -> type[StrEnum]:
    """The enum of a procedure's states."""
    hint: type[StrEnum] = typing.get_type_hints(CASE_TYPES[procedure])["state"]
    return hint


def reasons_in(node: Any) -> Iterator[dict[str, Any]]:
    """Every reason object in a JSON tree, depth first in key order (the same order on encode and decode)."""
    if isinstance(node, dict):
        if node.keys() == REASON_KEYS:
            yield node
            return
        for value in node.values():
            yield from reasons_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from reasons_in(value)


def encode(case: Case) -> tuple[str, list[str]]:
    """The case as canonical JSON with every reason's text emptied, and those texts in order."""
    adapter = _ADAPTERS.get(case.PROCEDURE)
    if adapter is None:
        raise StoreError(f"case {case.case_id}: unknown procedure {case.PROCEDURE}")
    tree = adapter.dump_python(case, mode="json")
    texts: list[str] = []
    for reason in reasons_in(tree):
        texts.append(reason["text"])
        reason["text"] = ""
    return json.dumps(tree, ensure_ascii=False, sort_keys=True, separators=(",", ":")), texts


def decode(procedure: str, body: str, texts: list[str] | None = None) -> Case:
    """The case stored as ``body`` (and its reasons' ``texts``). Raises StoreError naming the case when the row
    does not hold a valid case of that procedure."""
    adapter = _ADAPTERS.get(procedure)
    if adapter is None:
        raise StoreError(f"a stored case has an unknown procedure {procedure!r}")
    try:
        tree = json.loads(body)
    except ValueError:
        raise StoreError(f"a stored {procedure} case is not JSON") from None
    case_id = tree.get("case_id", "?") if isinstance(tree, dict) else "?"
    slots = list(reasons_in(tree))
    if texts is not None:
        if len(texts) != len(slots):
            raise StoreError(f"case {case_id}: its narrative does not match its reasons")
        for reason, text in zip(slots, texts, strict=True):
            reason["text"] = text
    try:
        case: Case = adapter.validate_python(tree)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in error["loc"]) for error in exc.errors()})
        raise StoreError(f"case {case_id}: stored fields are invalid: {', '.join(fields)}") from None
    return case
