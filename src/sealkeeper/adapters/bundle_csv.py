"""Record bundles from CSV: one row per event, the bundle's own columns repeated on each of its rows.

The header names the JSON fields of format version 1 by dotted path, so that a spreadsheet export maps
one to one onto shared/cases/README.md::

    id,jurisdiction,as_of,person.birth_date,person.name,person.id_number,person.address,
    event.id,event.type,event.date,event.offense.name,event.offense.statute,event.offense.class,
    event.offense.categories,event.offense_ids,event.conviction_id,event.kind,event.sentence.kind,
    event.sentence.months,...,event.penalty.kind,event.penalty.days,event.flags.<name>,target.event_id

Rows of one bundle are consecutive. An empty cell is an absent field; lists (``categories``,
``offense_ids``) are separated by ``;`` and ``[]`` is an empty list (not the same as an empty cell:
``categories: []`` says "no category", an absent one says "derive from the statute"); flags and
``suspended`` are ``true``/``false``. A cell that cannot be converted is an error naming the CSV line and
the column; the value is never repeated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from sealkeeper.adapters.bundle_files import Item, item_from_object
from sealkeeper.errors import BundleFormatError, SourceError

_NUMBERS = frozenset(
    {
        "sentence.months",
        "sentence.days",
        "sentence.daily_rates",
        "sentence.amount",
        "sentence.probation_months",
        "sentence.licence_months",
        "penalty.days",
        "penalty.amount",
    }
)
_LISTS = frozenset({"offense.categories", "offense_ids"})
_BOOLS = frozenset({"sentence.suspended"})
_BUNDLE_ROOTS = frozenset({"id", "jurisdiction", "as_of", "person", "target"})


def _convert(path: str, text: str) -> Any:
    if path in _LISTS:
        return [] if text.strip() == "[]" else [part.strip() for part in text.split(";") if part.strip()]
    if path in _BOOLS or path.startswith("flags."):
        low = text.strip().lower()
        if low not in ("true", "false"):
            raise ValueError("must be true or false")
        return low == "true"
    if path in _NUMBERS:
        try:
            number = float(text)
        except ValueError:
            raise ValueError("must be a number") from None
        return int(number) if number.is_integer() else number  # "3" and 3 are the same fact as in JSON
    return text


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


class _Bundle:
    def __init__(self, line: int) -> None:
        self.line = line
        self.head: dict[str, str] = {}
        self.obj: dict[str, Any] = {"events": []}
        self.error: BundleFormatError | None = None


def _row_into(bundle: _Bundle, row: dict[str, str], line: int) -> None:
    event: dict[str, Any] = {}
    for column, cell in row.items():
        if cell is None or cell == "":
            continue
        if column.startswith("event."):
            path = column.removeprefix("event.")
            try:
                _put(event, path, _convert(path, cell))
            except ValueError as exc:
                raise BundleFormatError(row.get("id") or None, f"line {line}: {column}", str(exc)) from None
            continue
        previous = bundle.head.setdefault(column, cell)
        if previous != cell:
            raise BundleFormatError(
                row.get("id") or None, f"line {line}: {column}", f"differs from line {bundle.line} of the same bundle"
            )
        _put(bundle.obj, column, cell)
    if event:
        bundle.obj["events"].append(event)


def iter_csv_items(text: str, source: str, *, keep_source: bool = False) -> Iterator[Item]:
    """Bundles of a CSV text, each Item positioned at its first line."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    unknown = [c for c in header if not c.startswith("event.") and c.split(".")[0] not in _BUNDLE_ROOTS]
    if "id" not in header:
        raise SourceError(source, 1, "the CSV header has no `id` column")
    if unknown:
        raise SourceError(source, 1, f"unknown column(s) {unknown}: expected bundle fields or event.* columns")
    current: _Bundle | None = None
    last = reader.line_num  # the header's last line
    for row in reader:
        line, last = last + 1, reader.line_num  # a row with a quoted line break starts before line_num
        if None in row:
            raise SourceError(source, line, "more cells than header columns")
        if current is None or row.get("id") != current.head.get("id"):
            if current is not None:
                yield _finish(current, keep_source)
            current = _Bundle(line)
        if current.error is None:
            try:
                _row_into(current, row, line)
            except BundleFormatError as exc:
                current.error = exc
    if current is not None:
        yield _finish(current, keep_source)


def _finish(bundle: _Bundle, keep_source: bool) -> Item:
    if bundle.error is not None:
        return Item(bundle.line, None, bundle.error)
    return item_from_object(bundle.line, bundle.obj, keep_source)


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, inner, out)
    elif isinstance(value, list):
        out[prefix] = ";".join(str(v) for v in value) if value else "[]"
    elif isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    else:
        out[prefix] = "" if value is None else str(value)


def bundles_to_csv(bundles: list[dict[str, Any]]) -> str:
    """The CSV form of decoded bundles (the inverse of :func:`iter_csv_items`): one row per event, the bundle's
    own columns on every row. ``expected``, ``interpretive`` and a bundle-level ``note`` have no column: leave
    them out first."""
    rows: list[dict[str, str]] = []
    for bundle in bundles:
        head: dict[str, str] = {}
        for key in ("id", "jurisdiction", "as_of", "person", "target"):
            if key in bundle:
                _flatten(key, bundle[key], head)
        for event in bundle["events"]:
            row = dict(head)
            _flatten("event", event, row)
            rows.append(row)
    columns = list(dict.fromkeys(c for row in rows for c in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
