"""Reading files of record bundles: a JSON array, or JSON Lines (one bundle per line).

Each bundle is parsed on its own, so one broken bundle gives one error item and the rest still come
through. A file that cannot be read at all raises SourceError with the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sealkeeper.errors import BundleFormatError, SourceError
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.record import Bundle


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a file: its position (1-based line for JSON Lines, index for arrays) and outcome."""

    position: int
    bundle: Bundle | None
    error: BundleFormatError | None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # a leading byte-order mark is not part of the JSON
    except FileNotFoundError:
        raise SourceError(str(path), None, "no such file") from None
    except UnicodeDecodeError as exc:
        raise SourceError(str(path), None, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise SourceError(str(path), None, exc.strerror or "cannot be read") from None


def iter_items(text: str, source: str) -> Iterator[Item]:
    """Parse every bundle of a JSON array or JSON Lines text."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            entries = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(source, exc.lineno, f"not valid JSON: {exc.msg}") from None
        for index, obj in enumerate(entries):
            yield _item(index, obj)
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
        yield _item(number, obj)


def _item(position: int, obj: object) -> Item:
    try:
        return Item(position, parse_bundle(obj), None)
    except BundleFormatError as exc:
        return Item(position, None, exc)


def read_bundles(path: Path) -> Iterator[Item]:
    yield from iter_items(read_text(path), str(path))
