"""Reading files of record bundles: a JSON array, JSON Lines (one bundle per line), or CSV (bundle_csv).

Each bundle is parsed on its own, so one broken bundle gives one error item and the rest still come
through. A file that cannot be read at all raises SourceError with the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sealkeeper.errors import BundleFormatError, SourceError
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.formats.identity import EMPTY_IDENTITY, Identity, split_identity
from sealkeeper.model.record import Bundle


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a file: its position (the 1-based line it starts on) and outcome.

    ``source`` is the decoded bundle without identity fields (kept only when asked for: the importer stores
    it); ``identity`` holds the split-off name, ID number and address.
    """

    position: int
    bundle: Bundle | None
    error: BundleFormatError | None
    identity: Identity = EMPTY_IDENTITY
    source: dict[str, Any] | None = None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # a leading byte-order mark is not part of the JSON
    except FileNotFoundError:
        raise SourceError(str(path), None, "no such file") from None
    except UnicodeDecodeError as exc:
        raise SourceError(str(path), None, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise SourceError(str(path), None, exc.strerror or "cannot be read") from None


def iter_items(text: str, source: str, *, keep_source: bool = False) -> Iterator[Item]:
    """Parse every bundle of a JSON array or JSON Lines text."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            entries = list(_array_entries(text))  # the whole array parses before any entry is used
        except json.JSONDecodeError as exc:
            raise SourceError(source, exc.lineno, f"not valid JSON: {exc.msg}") from None
        for start, obj in entries:
            yield item_from_object(start, obj, keep_source)
        return
    # JSON Lines are split at "\n" only: str.splitlines() would also split at U+2028 and friends,
    # which JSON allows raw inside strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            error = BundleFormatError(None, f"line {number}", f"not valid JSON: {exc.msg} (column {exc.colno})")
            yield Item(number, None, error)
            continue
        yield item_from_object(number, obj, keep_source)


_WHITESPACE = " \t\n\r"


def _array_entries(text: str) -> Iterator[tuple[int, object]]:
    """The elements of a JSON array with the line each one starts on (json.loads would lose the lines)."""
    decoder = json.JSONDecoder()
    at, line, end = text.index("[") + 1, 1 + text.count("\n", 0, text.index("[")), len(text)

    def skip(i: int) -> int:
        nonlocal line
        while i < end and text[i] in _WHITESPACE:
            line += text[i] == "\n"
            i += 1
        return i

    at = skip(at)
    if at < end and text[at] == "]":
        return
    while True:
        obj, after = decoder.raw_decode(text, at)
        yield line, obj
        line += text.count("\n", at, after)
        at = skip(after)
        if at < end and text[at] == ",":
            at = skip(at + 1)
            continue
        if at < end and text[at] == "]":
            rest = skip(at + 1)
            if rest == end:
                return
            raise json.JSONDecodeError("text after the end of the array", text, rest)
        raise json.JSONDecodeError("expected ',' or ']' after an array element", text, at)


def item_from_object(position: int, obj: object, keep_source: bool = False) -> Item:
    try:
        if not isinstance(obj, dict):
            return Item(position, parse_bundle(obj), None)
        rest, identity = split_identity(obj)
        return Item(position, parse_bundle(rest), None, identity, rest if keep_source else None)
    except BundleFormatError as exc:
        return Item(position, None, exc)


def read_bundles(path: Path, *, keep_source: bool = False) -> Iterator[Item]:
    """Bundles of a JSON, JSON Lines or (by the ``.csv`` suffix) CSV file."""
    text = read_text(path)
    if path.suffix.lower() == ".csv":
        from sealkeeper.adapters.bundle_csv import iter_csv_items  # noqa: PLC0415 - the CSV reader imports this module

        yield from iter_csv_items(text, str(path), keep_source=keep_source)
        return
    yield from iter_items(text, str(path), keep_source=keep_source)
