"""The documents' fixed wording, from ``data/texts.toml`` (read from the package once)."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sealkeeper.documents.errors import DocumentError

LANGS = ("zh", "en")


@functools.cache
def _all() -> dict[str, Any]:
    try:
        text = resources.files("sealkeeper.documents").joinpath("data").joinpath("texts.toml").read_text("utf-8")
        return tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DocumentError(f"documents/data/texts.toml cannot be read: {exc}") from exc


def flat_keys(table: Mapping[str, Any], prefix: str = "") -> set[str]:
    """Every dotted key of a texts table (for the check that both languages say the same things)."""
    keys: set[str] = set()
    for key, value in table.items():
        if isinstance(value, Mapping):
            keys |= flat_keys(value, f"{prefix}{key}.")
        else:
            keys.add(f"{prefix}{key}")
    return keys


@dataclass(frozen=True)
class Texts:
    lang: str
    table: Mapping[str, Any]

    def __call__(self, key: str, **fields: object) -> str:
        """The text at dotted ``key`` with its placeholders filled."""
        value: Any = self.table
        for part in key.split("."):
            if not isinstance(value, Mapping) or part not in value:
                raise DocumentError(f"documents/data/texts.toml: [{self.lang}] has no text {key}")
            value = value[part]
        if not isinstance(value, str):
            raise DocumentError(f"documents/data/texts.toml: [{self.lang}] {key} is not a text")
        try:
            return value.format(**fields)
        except (KeyError, IndexError) as exc:
            raise DocumentError(f"documents/data/texts.toml: [{self.lang}] {key}: unknown placeholder {exc}") from None

    def label(self, group: str, key: str) -> str:
        """A purpose's or record type's name; an unknown one is printed as its key."""
        names = self.table.get(group, {})
        return str(names.get(key, key))

    def date(self, day: dt.date) -> str:
        months = self.table.get("months", [])
        name = months[day.month - 1] if len(months) == 12 else str(day.month)
        return self("date", year=day.year, month=day.month, day=day.day, month_name=name)


def texts(lang: str) -> Texts:
    if lang not in LANGS:
        raise DocumentError(f"lang: documents are rendered in {' or '.join(LANGS)}, not {lang!r}")
    return Texts(lang, _all()[lang])
