"""Ledger entries: canonical JSON of an event, with salted commitments in place of tokens and case numbers.

An entry is the UTF-8 bytes of the event as JSON with sorted keys and no spaces (``canonical``); the same
event always gives the same bytes, hence the same leaf hash. Entries never carry personal data: an event
with a field named ``name``, ``id_number`` or ``address`` (at any depth) is refused, and the subject token
and the case number are replaced by commitments (``commit``): SHA-256(opening ‖ value), where the opening is
HMAC-SHA-256(salt, kind ‖ 0x00 ‖ value) under the operator's salt, which is never in an entry. The
operator can hand a person the opening of their own token, so they can check the commitment themselves
without learning anyone else's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Mapping
from typing import Any

from sealkeeper.ledger.errors import EntryRejectedError

FORBIDDEN_FIELDS = frozenset({"name", "id_number", "address"})
#: raw field -> (commitment kind, field that carries the commitment in the entry)
COMMITTED_FIELDS = {"subject": ("subject", "subject_commitment"), "case_number": ("case", "case_commitment")}
MAX_ENTRY_BYTES = 64 * 1024


def opening(salt: bytes, kind: str, value: str) -> bytes:
    """The per-value secret of a commitment: HMAC-SHA-256(salt, kind ‖ 0x00 ‖ value)."""
    if len(salt) < 16:
        raise EntryRejectedError("the commitment salt is shorter than 16 bytes")
    return hmac.new(salt, kind.encode("utf-8") + b"\x00" + value.encode("utf-8"), hashlib.sha256).digest()


def commitment_from_opening(open_: bytes, value: str) -> str:
    """SHA-256(opening ‖ value), hex: what a person recomputes from their token and its opening."""
    return hashlib.sha256(open_ + value.encode("utf-8")).hexdigest()


def commit(salt: bytes, kind: str, value: str) -> str:
    """The commitment to ``value`` (a subject token or a case number) stored in entries instead of it."""
    if not value:
        raise EntryRejectedError(f"empty {kind} cannot be committed")
    return commitment_from_opening(opening(salt, kind, value), value)


def _refuse_personal(value: Any, path: str) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EntryRejectedError(f"{path or 'event'}: keys must be strings")
            if key in FORBIDDEN_FIELDS:
                raise EntryRejectedError(f"{path + '.' if path else ''}{key}: personal data is never logged")
            _refuse_personal(item, f"{path + '.' if path else ''}{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _refuse_personal(item, f"{path}[{i}]")
    elif isinstance(value, float) and not math.isfinite(value):
        raise EntryRejectedError(f"{path}: not a finite number")
    elif value is not None and not isinstance(value, str | int | float | bool):
        raise EntryRejectedError(f"{path}: {type(value).__name__} is not a JSON value")


def canonical(event: Mapping[str, Any]) -> bytes:
    """The entry bytes: JSON, keys sorted, no spaces, UTF-8. Refuses personal fields and non-JSON values."""
    _refuse_personal(event, "")
    data = json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    encoded = data.encode("utf-8")
    if len(encoded) > MAX_ENTRY_BYTES:
        raise EntryRejectedError(f"entry of {len(encoded)} bytes is larger than {MAX_ENTRY_BYTES}")
    return encoded


def prepare(event: Mapping[str, Any], salt: bytes) -> tuple[bytes, str | None]:
    """An event as logged: its ``subject`` and ``case_number`` replaced by commitments, then canonical.

    Returns the entry bytes and the subject commitment (hex) when there is one, for the per-person trail."""
    if not isinstance(event, Mapping):
        raise EntryRejectedError("an event is a JSON object")
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        raise EntryRejectedError("type: every event names its type")
    out = dict(event)
    subject: str | None = None
    for raw, (ckind, field) in COMMITTED_FIELDS.items():
        if field in out:
            raise EntryRejectedError(f"{field}: set by the ledger from `{raw}`, never by the caller")
        value = out.pop(raw, None)
        if value is None:
            continue
        if not isinstance(value, str):
            raise EntryRejectedError(f"{raw}: must be a string")
        out[field] = commit(salt, ckind, value)
        if raw == "subject":
            subject = out[field]
    return canonical(out), subject


def parse(data: bytes) -> dict[str, Any]:
    """An entry's bytes back to the event; refuses bytes that are not the canonical form of their JSON."""
    try:
        event = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EntryRejectedError(f"entry is not UTF-8 JSON ({type(exc).__name__})") from None
    if not isinstance(event, dict) or canonical(event) != data:
        raise EntryRejectedError("entry bytes are not canonical JSON of an object")
    return event
