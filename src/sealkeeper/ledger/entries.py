"""Ledger entries: canonical JSON of an event, with salted commitments in place of tokens and case numbers.

An entry is the UTF-8 bytes of the event as JSON with sorted keys and no spaces (``canonical``); the same
event always gives the same bytes, hence the same leaf hash. Entries never carry personal data: an event
with a field named ``name``, ``id_number`` or ``address`` (at any depth) is refused, and the subject token
and the case number are replaced by commitments (``commit``): SHA-256(opening ‖ value), where the opening is
HMAC-SHA-256(salt, kind ‖ 0x00 ‖ value) under the operator's salt, which is never in an entry. The
operator can hand a person the opening of their own token, so they can check the commitment themselves
without learning anyone else's.

Speed: events made only of dicts, lists, strings, integers, booleans and null (nearly all of them) are
written by orjson, whose output for exactly these types is byte for byte ``json.dumps`` with the settings
below (a Hypothesis property test holds it to that); anything else (floats, subclasses, integers beyond 64
bits) takes the standard library's path, so the bytes of an entry never depend on which path wrote them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from sealkeeper.ledger.errors import EntryRejectedError

FORBIDDEN_FIELDS = frozenset({"name", "id_number", "address"})
#: raw field -> (commitment kind, field that carries the commitment in the entry)
COMMITTED_FIELDS = {"subject": ("subject", "subject_commitment"), "case_number": ("case", "case_commitment")}
MAX_ENTRY_BYTES = 64 * 1024
_BLOCK = 64  # SHA-256 block size, for HMAC


def opening(salt: bytes, kind: str, value: str) -> bytes:
    """The per-value secret of a commitment: HMAC-SHA-256(salt, kind ‖ 0x00 ‖ value)."""
    if len(salt) < 16:
        raise EntryRejectedError("the commitment salt is shorter than 16 bytes")
    return hmac.digest(salt, kind.encode("utf-8") + b"\x00" + value.encode("utf-8"), "sha256")


def commitment_from_opening(open_: bytes, value: str) -> str:
    """SHA-256(opening ‖ value), hex: what a person recomputes from their token and its opening."""
    return hashlib.sha256(open_ + value.encode("utf-8")).hexdigest()


def commit(salt: bytes, kind: str, value: str) -> str:
    """The commitment to ``value`` (a subject token or a case number) stored in entries instead of it."""
    if not value:
        raise EntryRejectedError(f"empty {kind} cannot be committed")
    return commitment_from_opening(opening(salt, kind, value), value)


class Committer:
    """``commit`` under one salt, for a batch: each distinct value is committed once, and the HMAC's two
    padded key blocks (RFC 2104: K ⊕ ipad, then ``kind ‖ 0x00``; K ⊕ opad) are hashed once per kind and
    copied per value — how ``hmac.HMAC`` works, without its Python overhead per call (a property test
    holds it to ``hmac.digest``)."""

    def __init__(self, salt: bytes) -> None:
        if len(salt) < 16:
            raise EntryRejectedError("the commitment salt is shorter than 16 bytes")
        key = (hashlib.sha256(salt).digest() if len(salt) > _BLOCK else salt).ljust(_BLOCK, b"\x00")
        self._inner_key = bytes(b ^ 0x36 for b in key)
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
        self._inner: dict[str, Any] = {}
        self._memo: dict[tuple[str, str], str] = {}

    def __call__(self, kind: str, value: str) -> str:
        found = self._memo.get((kind, value))
        if found is not None:
            return found
        if not value:
            raise EntryRejectedError(f"empty {kind} cannot be committed")
        inner = self._inner.get(kind)
        if inner is None:
            inner = self._inner[kind] = hashlib.sha256(self._inner_key + kind.encode("utf-8") + b"\x00")
        try:
            raw = value.encode("utf-8")
        except UnicodeEncodeError:
            raise EntryRejectedError(f"{kind}: not UTF-8 text (a lone surrogate)") from None
        mac, outer = inner.copy(), self._outer.copy()
        mac.update(raw)
        outer.update(mac.digest())  # the opening: HMAC-SHA-256(salt, kind ‖ 0x00 ‖ value)
        committed = self._memo[(kind, value)] = hashlib.sha256(outer.digest() + raw).hexdigest()
        return committed


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


_PLAIN_TYPES = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> bool:
    """Only dicts, lists, tuples, str, int, bool and None (exact types), and no dict has a personal field:
    a value orjson writes exactly as ``json.dumps`` does. (A container of scalars only is checked in C.)"""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            if not FORBIDDEN_FIELDS.isdisjoint(item):
                return False
            values = item.values()
        elif kind is list or kind is tuple:
            values = item
        elif kind in _PLAIN_TYPES:
            continue
        else:
            return False
        if not _PLAIN_TYPES.issuperset(map(type, values)):
            stack.extend(v for v in values if type(v) not in _PLAIN_TYPES)
    return True


def _standard(event: Mapping[str, Any]) -> bytes:
    """The reference encoding (and the path that names what is wrong with an event)."""
    _refuse_personal(event, "")
    data = json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    try:
        return data.encode("utf-8")
    except UnicodeEncodeError:
        raise EntryRejectedError("event: a string holds a lone surrogate (not UTF-8)") from None


def canonical(event: Mapping[str, Any]) -> bytes:
    """The entry bytes: JSON, keys sorted, no spaces, UTF-8. Refuses personal fields and non-JSON values."""
    encoded: bytes | None = None
    if _plain(event):
        try:
            encoded = orjson.dumps(event, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # a key that is not a string, an integer beyond 64 bits, a lone surrogate
            encoded = None
    if encoded is None:
        encoded = _standard(event)
    if len(encoded) > MAX_ENTRY_BYTES:
        raise EntryRejectedError(f"entry of {len(encoded)} bytes is larger than {MAX_ENTRY_BYTES}")
    return encoded


def prepare(event: Mapping[str, Any], salt: bytes | Committer) -> tuple[bytes, str | None]:
    """An event as logged: its ``subject`` and ``case_number`` replaced by commitments, then canonical.

    Returns the entry bytes and the subject commitment (hex) when there is one, for the per-person trail.
    ``salt`` may be a ``Committer`` shared by a batch (a person's token recurs in their decisions)."""
    if not isinstance(event, Mapping):
        raise EntryRejectedError("an event is a JSON object")
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        raise EntryRejectedError("type: every event names its type")
    out = dict(event)
    committer = salt if isinstance(salt, Committer) else Committer(salt)
    subject: str | None = None
    for raw, (ckind, field) in COMMITTED_FIELDS.items():
        if field in out:
            raise EntryRejectedError(f"{field}: set by the ledger from `{raw}`, never by the caller")
        value = out.pop(raw, None)
        if value is None:
            continue
        if not isinstance(value, str):
            raise EntryRejectedError(f"{raw}: must be a string")
        out[field] = committer(ckind, value)
        if raw == "subject":
            subject = out[field]
    return canonical(out), subject


def prepare_many(events: Iterable[Mapping[str, Any]], salt: bytes) -> list[tuple[bytes, str | None]]:
    """``prepare`` for a batch, each distinct token and case number committed once."""
    committer = Committer(salt)
    return [prepare(event, committer) for event in events]


def parse(data: bytes) -> dict[str, Any]:
    """An entry's bytes back to the event; refuses bytes that are not the canonical form of their JSON."""
    try:
        event = orjson.loads(data)
    except orjson.JSONDecodeError:
        event = None
    if isinstance(event, dict) and canonical(event) == data:
        return event
    try:  # the standard library's reading (orjson reads integers beyond 64 bits as floats, or refuses them)
        event = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EntryRejectedError(f"entry is not UTF-8 JSON ({type(exc).__name__})") from None
    if not isinstance(event, dict) or canonical(event) != data:
        raise EntryRejectedError("entry bytes are not canonical JSON of an object")
    return event
