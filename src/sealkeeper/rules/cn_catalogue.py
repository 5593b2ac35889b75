"""The catalogue of the PRC Criminal Law: every article, its chapter and section, crime names and categories.

Pure: takes the already-parsed YAML of ``packs/CN/criminal_law.yaml`` (a mapping) and does no I/O. Bad data
raises :class:`CatalogueError`, naming the article (or chapter) and the field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sealkeeper.errors import SealkeeperError
from sealkeeper.rules.cn_statute import ArticleRef, parse_article_key

__all__ = ["ALLOWED_CATEGORIES", "ArticleEntry", "Catalogue", "CatalogueError", "build_catalogue"]

ALLOWED_CATEGORIES: frozenset[str] = frozenset(
    {
        "sexual", "sexual_against_minor", "violent", "assaultive", "terrorism", "national_security",
        "drug", "organized_crime", "corruption", "traffic", "drunk_driving", "negligent",
    }
)  # fmt: skip
PARTS = ("general", "special", "supplementary")
CULPABILITIES = frozenset({"intentional", "negligent", "mixed"})
_REQUIRED = frozenset({"article", "part", "chapter", "section", "categories"})
_OPTIONAL = frozenset({"name_zh", "culpability", "paragraphs", "repealed", "interpretive", "note"})
_Order = tuple[int, int]


class CatalogueError(SealkeeperError, ValueError):
    """The catalogue data is malformed. ``where`` names the article or chapter, ``field`` the field."""

    def __init__(self, where: str, field_name: str, message: str) -> None:
        self.where = where
        self.field = field_name
        self.message = message
        super().__init__(f"Criminal Law catalogue: {where}: {field_name}: {message}")


@dataclass(frozen=True, slots=True)
class ArticleEntry:
    """One article of the Criminal Law as the catalogue describes it."""

    key: str
    part: str
    chapter: int
    section: int | None
    chapter_title_zh: str
    chapter_title_en: str
    section_title_zh: str | None
    section_title_en: str | None
    name_zh: str | None
    categories: frozenset[str]
    culpability: str | None
    repealed: bool
    paragraph_categories: Mapping[int, frozenset[str]]
    interpretive: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True)
class _Division:
    number: int
    zh: str
    en: str
    first: _Order
    last: _Order
    sections: Mapping[int, _Division] = field(default_factory=dict)

    def holds(self, order: _Order) -> bool:
        return self.first <= order <= self.last


class Catalogue:
    """Look articles up by :class:`ArticleRef`; iterate in statutory order."""

    __slots__ = ("_entries", "meta")

    def __init__(self, entries: Mapping[str, ArticleEntry], meta: Mapping[str, object]) -> None:
        self._entries = MappingProxyType(dict(entries))
        self.meta = MappingProxyType(dict(meta))

    def lookup(self, ref: ArticleRef) -> ArticleEntry | None:
        """The article, or None if the Criminal Law has no such article (repealed ones are found)."""
        return self._entries.get(ref.key)

    def categories(self, ref: ArticleRef) -> frozenset[str]:
        """The article's categories plus those of the cited paragraph; empty for an unknown article."""
        entry = self.lookup(ref)
        if entry is None:
            return frozenset()
        extra = entry.paragraph_categories.get(ref.paragraph, frozenset()) if ref.paragraph else frozenset()
        return entry.categories | extra

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[ArticleEntry]:
        return iter(self._entries.values())

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, ArticleRef) and ref.key in self._entries


def _order(key: str, where: str, field_name: str) -> _Order:
    try:
        ref = parse_article_key(key)
    except ValueError as exc:
        raise CatalogueError(where, field_name, str(exc)) from None
    return ref.article, ref.suffix


def _str(m: Mapping[str, object], name: str, where: str) -> str:
    value = m.get(name)
    if not isinstance(value, str) or not value:
        raise CatalogueError(where, name, f"expected a non-empty string, got {value!r}")
    return value


def _opt_str(m: Mapping[str, object], name: str, where: str) -> str | None:
    return None if m.get(name) is None else _str(m, name, where)


def _int(m: Mapping[str, object], name: str, where: str) -> int:
    value = m.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise CatalogueError(where, name, f"expected a positive integer, got {value!r}")
    return value


def _mapping(value: object, where: str, name: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise CatalogueError(where, name, "expected a mapping with string keys")
    return value


def _division(raw: object, kind: str, where: str) -> _Division:
    m = _mapping(raw, where, kind)
    number = _int(m, kind, where)
    here = f"{where} {kind} {number}"
    first = _order(_str(m, "first", here), here, "first")
    last = _order(_str(m, "last", here), here, "last")
    if first > last:
        raise CatalogueError(here, "last", "range ends before it begins")
    sections: dict[int, _Division] = {}
    raw_sections = m.get("sections", [])
    if kind == "chapter" and isinstance(raw_sections, list):
        for item in raw_sections:
            sec = _division(item, "section", here)
            if sec.number in sections or not (first <= sec.first and sec.last <= last):
                raise CatalogueError(here, "sections", f"section {sec.number} repeated or outside the chapter")
            sections[sec.number] = sec
    elif kind == "chapter":
        raise CatalogueError(here, "sections", "expected a list")
    return _Division(number, _str(m, "zh", here), _str(m, "en", here), first, last, sections)


def _chapters(data: Mapping[str, object]) -> dict[str, dict[int, _Division]]:
    raw = _mapping(data.get("chapters"), "catalogue", "chapters")
    result: dict[str, dict[int, _Division]] = {}
    for part in PARTS:
        items = raw.get(part)
        if not isinstance(items, list) or not items:
            raise CatalogueError("chapters", part, "expected a non-empty list of chapters")
        result[part] = {}
        for item in items:
            chapter = _division(item, "chapter", f"{part} part")
            if chapter.number in result[part]:
                raise CatalogueError(f"{part} part", "chapter", f"chapter {chapter.number} appears twice")
            result[part][chapter.number] = chapter
    return result


def _categories(value: object, where: str, name: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise CatalogueError(where, name, f"expected a list of category names, got {value!r}")
    unknown = sorted(set(value) - ALLOWED_CATEGORIES)
    if unknown:
        raise CatalogueError(where, name, f"unknown categor{'y' if len(unknown) == 1 else 'ies'} {unknown}")
    return frozenset(value)


def _paragraphs(value: object, where: str) -> Mapping[int, frozenset[str]]:
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        raise CatalogueError(where, "paragraphs", "expected a mapping of paragraph number to categories")
    result: dict[int, frozenset[str]] = {}
    for number, cats in value.items():
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise CatalogueError(where, "paragraphs", f"paragraph {number!r} is not a positive integer")
        result[number] = _categories(cats, where, f"paragraphs.{number}")
    return MappingProxyType(result)


def _flag(m: Mapping[str, object], name: str, where: str) -> bool:
    value = m.get(name, False)
    if not isinstance(value, bool):
        raise CatalogueError(where, name, f"expected true or false, got {value!r}")
    return value


def _place(
    m: Mapping[str, object], chapters: dict[str, dict[int, _Division]], order: _Order, where: str
) -> tuple[str, _Division, _Division | None]:
    part = m.get("part")
    if part not in PARTS:
        raise CatalogueError(where, "part", f"expected one of {list(PARTS)}, got {part!r}")
    chapter = chapters[str(part)].get(_int(m, "chapter", where))
    if chapter is None or not chapter.holds(order):
        raise CatalogueError(where, "chapter", f"no {part}-part chapter {m.get('chapter')!r} holds this article")
    raw_section = m.get("section")
    if raw_section is None and not chapter.sections:
        return str(part), chapter, None
    section = chapter.sections.get(_int(m, "section", where))
    if section is None or not section.holds(order):
        raise CatalogueError(where, "section", f"chapter {chapter.number} has no section {raw_section!r} for it")
    return str(part), chapter, section


def _entry(raw: object, index: int, chapters: dict[str, dict[int, _Division]]) -> tuple[_Order, ArticleEntry]:
    m = _mapping(raw, f"article #{index + 1}", "articles")
    key = _str(m, "article", f"article #{index + 1}")
    where = f"article {key}"
    order = _order(key, where, "article")
    missing = sorted(_REQUIRED - m.keys())
    if missing:
        raise CatalogueError(where, ", ".join(missing), "missing")
    extra = sorted(m.keys() - _REQUIRED - _OPTIONAL)
    if extra:
        raise CatalogueError(where, ", ".join(extra), "unknown field")
    part, chapter, section = _place(m, chapters, order, where)
    culpability = _opt_str(m, "culpability", where)
    if culpability is not None and (culpability not in CULPABILITIES or part != "special"):
        raise CatalogueError(where, "culpability", f"{culpability!r}: only {sorted(CULPABILITIES)}, special part")
    entry = ArticleEntry(
        key=key,
        part=part,
        chapter=chapter.number,
        section=None if section is None else section.number,
        chapter_title_zh=chapter.zh,
        chapter_title_en=chapter.en,
        section_title_zh=None if section is None else section.zh,
        section_title_en=None if section is None else section.en,
        name_zh=_opt_str(m, "name_zh", where),
        categories=_categories(m.get("categories"), where, "categories"),
        culpability=culpability,
        repealed=_flag(m, "repealed", where),
        paragraph_categories=_paragraphs(m.get("paragraphs"), where),
        interpretive=_flag(m, "interpretive", where),
        note=_opt_str(m, "note", where),
    )
    return order, entry


def build_catalogue(data: Mapping[str, object]) -> Catalogue:
    """Validate the parsed catalogue YAML and index it. Raises CatalogueError on bad data."""
    chapters = _chapters(data)
    raw_articles = data.get("articles")
    if not isinstance(raw_articles, list) or not raw_articles:
        raise CatalogueError("catalogue", "articles", "expected a non-empty list of articles")
    entries: dict[str, ArticleEntry] = {}
    previous: tuple[_Order, str] | None = None
    for index, raw in enumerate(raw_articles):
        order, entry = _entry(raw, index, chapters)
        if entry.key in entries:
            raise CatalogueError(f"article {entry.key}", "article", "duplicate article key")
        if previous is not None and order < previous[0]:
            raise CatalogueError(f"article {entry.key}", "article", f"out of order (after {previous[1]})")
        entries[entry.key] = entry
        previous = (order, entry.key)
    meta = data.get("meta", {})
    return Catalogue(entries, _mapping(meta, "catalogue", "meta"))
