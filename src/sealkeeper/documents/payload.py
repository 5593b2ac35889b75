"""The canonical JSON payload of a document: what is signed, stored and read back (pure).

UTF-8 JSON with sorted keys, no insignificant whitespace and no floats, so one document has one payload.
It holds the printed fields and nothing more; ``document_from_payload`` reads it back, refusing anything that
is not a document of this format with an error naming the field.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

from sealkeeper.documents.errors import DocumentError, PayloadError
from sealkeeper.documents.model import (
    Certificate,
    CertificateEntry,
    CitedArticle,
    Document,
    ExceptionNote,
    Ground,
    Kind,
    Letter,
)

FORMAT = "sealkeeper-document"
VERSION = 1


def canonical(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 as is; dates as ISO 8601."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False, default=_iso)


def _iso(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} has no place in a document payload")


def payload_of(document: Document) -> str:
    """The canonical JSON text of ``document``."""
    return canonical({"format": FORMAT, "version": VERSION, **asdict(document)})


Spec = type | tuple[type, ...]


def _get(data: dict[str, Any], key: str, kind: Spec, where: str = "") -> Any:
    if key not in data:
        raise PayloadError(f"document payload: {where}{key}: missing")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _types(kind)):
        names = " or ".join("null" if t is type(None) else t.__name__ for t in _types(kind))
        raise PayloadError(f"document payload: {where}{key}: expected {names}")
    return value


def _types(kind: Spec) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _items(data: dict[str, Any], key: str, cls: type, fields: dict[str, Spec]) -> tuple[Any, ...]:
    out = []
    for i, item in enumerate(_get(data, key, list)):
        where = f"{key}[{i}]."
        if not isinstance(item, dict) or set(item) != set(fields):
            raise PayloadError(f"document payload: {key}[{i}]: expected the fields {sorted(fields)}")
        out.append(cls(**{name: _get(item, name, t, where) for name, t in fields.items()}))
    return tuple(out)


def _date(data: dict[str, Any], key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(_get(data, key, str))
    except ValueError:
        raise PayloadError(f"document payload: {key}: not an ISO date") from None


_ENTRY: dict[str, Spec] = {
    "record_id": str, "record_type": str, "rule": str, "citation": str, "sealed": bool,
    "exception": (str, type(None)), "label": str,
}  # fmt: skip
_NOTE: dict[str, Spec] = {"id": str, "citation": str, "text_zh": str, "text_en": str}
_GROUND: dict[str, Spec] = {"rule": str, "citation": str, "text": str}
_ARTICLE: dict[str, Spec] = {"citation": str, "title": str, "text": str, "summary_en": str}
_CERTIFICATE = {"holder", "purpose", "office", "issued_on", "pack", "citation", "entries", "exceptions"}
_LETTER = {"case_no", "addressee", "office", "decided_on", "records", "grounds", "articles"}


def document_from_payload(payload: str | bytes) -> Document:
    """The document a payload describes; :class:`PayloadError` naming the field if it is not one."""
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, ValueError):
        raise PayloadError("document payload: not JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise PayloadError(f"document payload: format: not a {FORMAT} version {VERSION}")
    try:
        kind = Kind(_get(data, "kind", str))
    except ValueError:
        raise PayloadError("document payload: kind: unknown") from None
    expected = (_CERTIFICATE if kind is Kind.CERTIFICATE else _LETTER) | {"format", "version", "kind"}
    if set(data) != expected:
        raise PayloadError(f"document payload: fields: expected {sorted(expected)}")
    try:
        if kind is Kind.CERTIFICATE:
            return Certificate(
                _get(data, "holder", str), _get(data, "purpose", str), _get(data, "office", str),
                _date(data, "issued_on"), _get(data, "pack", str), _get(data, "citation", str),
                _items(data, "entries", CertificateEntry, _ENTRY),
                _items(data, "exceptions", ExceptionNote, _NOTE),
            )  # fmt: skip
        records = _get(data, "records", list)
        if not all(isinstance(r, str) for r in records):
            raise PayloadError("document payload: records: expected strings")
        return Letter(
            kind, _get(data, "case_no", str), _get(data, "addressee", str), _get(data, "office", str),
            _date(data, "decided_on"), tuple(records), _items(data, "grounds", Ground, _GROUND),
            _items(data, "articles", CitedArticle, _ARTICLE),
        )  # fmt: skip
    except PayloadError:
        raise
    except DocumentError as exc:
        raise PayloadError(f"document payload: {exc}") from None
