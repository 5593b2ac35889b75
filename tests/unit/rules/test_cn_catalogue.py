"""The Criminal Law catalogue (packs/CN/criminal_law.yaml) and its validation."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import sealkeeper.rules
from sealkeeper.rules.cn_catalogue import ALLOWED_CATEGORIES, Catalogue, CatalogueError, build_catalogue
from sealkeeper.rules.cn_statute import ArticleRef, parse_article_key, parse_criminal_law_citation

YAML_PATH = Path(sealkeeper.rules.__file__).parent / "packs" / "CN" / "criminal_law.yaml"

INSERTED = (
    "17之一", "37之一", "120之一", "120之二", "120之三", "120之四", "120之五", "120之六",
    "133之一", "133之二", "134之一", "135之一", "139之一", "142之一", "162之一", "162之二",
    "169之一", "175之一", "177之一", "185之一", "205之一", "210之一", "219之一", "224之一",
    "234之一", "236之一", "244之一", "253之一", "260之一", "262之一", "262之二", "276之一",
    "280之一", "280之二", "284之一", "286之一", "287之一", "287之二", "291之一", "291之二",
    "293之一", "299之一", "307之一", "308之一", "334之一", "336之一", "342之一", "344之一",
    "355之一", "388之一", "390之一", "399之一", "408之一",
)  # fmt: skip


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    with YAML_PATH.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


@pytest.fixture(scope="module")
def catalogue(raw: dict[str, Any]) -> Catalogue:
    return build_catalogue(raw)


def ref(key: str, paragraph: int | None = None) -> ArticleRef:
    base = parse_article_key(key)
    return ArticleRef(base.article, base.suffix, paragraph)


def test_every_numbered_article_is_present(catalogue: Catalogue) -> None:
    for number in range(1, 453):
        assert catalogue.lookup(ArticleRef(number, 0, None)) is not None, number
    assert catalogue.lookup(ArticleRef(453, 0, None)) is None


def test_inserted_articles_are_present_and_nothing_else(catalogue: Catalogue) -> None:
    for key in INSERTED:
        assert catalogue.lookup(ref(key)) is not None, key
    assert len(catalogue) == 452 + len(INSERTED)
    assert catalogue.lookup(ref("120之七")) is None
    assert catalogue.lookup(ref("264之一")) is None


def test_statutory_order(catalogue: Catalogue) -> None:
    orders = [(parse_article_key(e.key).article, parse_article_key(e.key).suffix) for e in catalogue]
    assert orders == sorted(orders)


def test_repealed(catalogue: Catalogue) -> None:
    entry = catalogue.lookup(ref("199"))
    assert entry is not None
    assert entry.repealed
    assert [e.key for e in catalogue if e.repealed] == ["199"]


def test_theft_is_property_chapter_without_section(catalogue: Catalogue) -> None:
    cited = parse_criminal_law_citation("刑法第二百六十四条")
    assert cited is not None
    entry = catalogue.lookup(cited)
    assert entry is not None
    assert (entry.part, entry.chapter, entry.section) == ("special", 5, None)
    assert entry.chapter_title_zh == "侵犯财产罪"
    assert entry.name_zh == "盗窃罪"
    assert entry.culpability == "intentional"
    assert entry.section_title_zh is None


def test_drug_trafficking(catalogue: Catalogue) -> None:
    entry = catalogue.lookup(ref("347"))
    assert entry is not None
    assert (entry.part, entry.chapter, entry.section) == ("special", 6, 7)
    assert entry.section_title_zh == "走私、贩卖、运输、制造毒品罪"
    assert "drug" in entry.categories
    assert "drug" not in catalogue.categories(ref("355之一"))  # doping is not 毒品


def test_category_examples(catalogue: Catalogue) -> None:
    assert "national_security" in catalogue.categories(ref("102"))
    assert {"traffic", "drunk_driving"} <= catalogue.categories(ref("133之一"))
    assert "drunk_driving" not in catalogue.categories(ref("133"))
    assert "terrorism" in catalogue.categories(ref("120之三"))
    assert "organized_crime" in catalogue.categories(ref("294"))
    assert "corruption" in catalogue.categories(ref("385"))
    assert "negligent" in catalogue.categories(ref("133"))
    assert catalogue.categories(ref("115", 2)) == {"negligent"}
    assert "violent" in catalogue.categories(ref("115", 1))
    assert catalogue.categories(ref("9999")) == frozenset()


def test_paragraph_overrides_add(catalogue: Catalogue) -> None:
    assert catalogue.categories(ref("237")) == {"sexual"}
    assert catalogue.categories(ref("237", 1)) == {"sexual"}
    assert catalogue.categories(ref("237", 3)) == {"sexual", "sexual_against_minor"}
    assert "sexual_against_minor" in catalogue.categories(ref("236", 2))
    assert "sexual_against_minor" not in catalogue.categories(ref("236", 1))


def test_structure_of_chapters_with_sections(catalogue: Catalogue) -> None:
    sections = {(e.chapter, e.section) for e in catalogue if e.part == "special" and e.section}
    assert {s for c, s in sections if c == 3} == set(range(1, 9))
    assert {s for c, s in sections if c == 6} == set(range(1, 10))
    assert {c for c, _ in sections} == {3, 6}
    special = {e.chapter for e in catalogue if e.part == "special"}
    assert special == set(range(1, 11))
    assert {e.chapter for e in catalogue if e.part == "general"} == set(range(1, 6))
    last = catalogue.lookup(ref("452"))
    assert last is not None
    assert last.part == "supplementary"


def test_culpability_values(catalogue: Catalogue) -> None:
    for entry in catalogue:
        assert entry.categories <= ALLOWED_CATEGORIES
        if entry.part != "special":
            assert entry.culpability is None, entry.key
        if entry.culpability == "negligent":
            assert "negligent" in entry.categories, entry.key
    for key in ("115", "119", "124", "397", "398"):
        mixed = catalogue.lookup(ref(key))
        assert mixed is not None
        assert mixed.culpability == "mixed", key


def _with_article(raw: dict[str, Any], article: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    data["articles"].insert(len(data["articles"]) if at is None else at, article)
    return data


def test_rejects_duplicate_key(raw: dict[str, Any]) -> None:
    index = next(i for i, a in enumerate(raw["articles"]) if a["article"] == "264")
    data = _with_article(raw, copy.deepcopy(raw["articles"][index]), at=index + 1)
    with pytest.raises(CatalogueError, match="article 264") as info:
        build_catalogue(data)
    assert "duplicate" in str(info.value)


def test_rejects_unknown_category(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    entry = next(a for a in data["articles"] if a["article"] == "266")
    entry["categories"] = ["fraudulent"]
    with pytest.raises(CatalogueError, match="article 266") as info:
        build_catalogue(data)
    assert info.value.field == "categories"
    assert "fraudulent" in str(info.value)


@pytest.mark.parametrize(
    ("key", "change", "field"),
    [
        ("264", {"chapter": 11}, "chapter"),
        ("264", {"chapter": 4}, "chapter"),  # chapter 4 ends at 262之二
        ("347", {"section": None}, "section"),
        ("347", {"section": 6}, "section"),
        ("264", {"culpability": "reckless"}, "culpability"),
        ("1", {"culpability": "intentional"}, "culpability"),
        ("237", {"paragraphs": {3: ["minor"]}}, "paragraphs.3"),
        ("264", {"colour": "red"}, "colour"),
        ("264", {"article": "264之"}, "article"),
    ],
)
def test_rejects_bad_fields_naming_article(raw: dict[str, Any], key: str, change: dict[str, Any], field: str) -> None:
    data = copy.deepcopy(raw)
    next(a for a in data["articles"] if a["article"] == key).update(change)
    with pytest.raises(CatalogueError) as info:
        build_catalogue(data)
    assert info.value.field == field
    assert key in info.value.where


def test_rejects_out_of_order(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    articles = data["articles"]
    i = next(i for i, a in enumerate(articles) if a["article"] == "264")
    articles[i], articles[i + 1] = articles[i + 1], articles[i]
    with pytest.raises(CatalogueError, match="out of order"):
        build_catalogue(data)
