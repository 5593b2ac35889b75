"""Reading citations of the PRC Criminal Law (刑法) into ArticleRef."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.rules.cn_statute import (
    ArticleRef,
    StatuteParseError,
    chinese_numeral,
    parse_article_key,
    parse_criminal_law_citation,
    parse_numeral,
)

_CN_DIGITS = "零一二三四五六七八九"


def _render_cn(value: int) -> str:
    """An independent renderer of statute-style Chinese numerals (not the module's own)."""
    hundreds, tens, ones = value // 100, value // 10 % 10, value % 10
    parts = []
    if hundreds:
        parts.append(_CN_DIGITS[hundreds] + "百")
    if tens:
        parts.append(("" if tens == 1 and not hundreds else _CN_DIGITS[tens]) + "十")
    elif hundreds and ones:
        parts.append("零")
    if ones:
        parts.append(_CN_DIGITS[ones])
    return "".join(parts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刑法第264条", ArticleRef(264, 0, None)),
        ("刑法第133条之一", ArticleRef(133, 1, None)),
        ("《中华人民共和国刑法》第二百六十四条", ArticleRef(264, 0, None)),
        ("中华人民共和国刑法第二百六十四条", ArticleRef(264, 0, None)),
        ("《刑法》第264条", ArticleRef(264, 0, None)),
        ("刑法第一百三十三条之一第一款第（二）项", ArticleRef(133, 1, 1)),
        ("刑法第237条第3款", ArticleRef(237, 0, 3)),
        ("刑法第二百三十七条第三款", ArticleRef(237, 0, 3)),
        ("刑法第２６４条", ArticleRef(264, 0, None)),
        ("刑法 第264条", ArticleRef(264, 0, None)),
        ("刑法　第 264 条 第 3 款", ArticleRef(264, 0, 3)),
        ("刑法第一百零二条", ArticleRef(102, 0, None)),
        ("刑法第十条", ArticleRef(10, 0, None)),
        ("刑法第一百二十条之六", ArticleRef(120, 6, None)),
        ("刑法第二百六十二条之二", ArticleRef(262, 2, None)),
        ("依照刑法第264条之规定", ArticleRef(264, 0, None)),
        ("依照刑法规定，根据刑法第三百八十二条、第三百八十三条", ArticleRef(382, 0, None)),
    ],
)
def test_reads_the_cited_article(text: str, expected: ArticleRef) -> None:
    assert parse_criminal_law_citation(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "治安管理处罚法（2025年修订）",
        "道路交通安全法第91条",
        "§242 StGB",
        "刑事诉讼法第286条",  # the Criminal Procedure Law, not the Criminal Law
        "《中华人民共和国刑事诉讼法》第二百八十六条",
        "刑法修正案（十一）第一条",  # an amending act numbers its own articles
        "",
    ],
)
def test_other_laws_are_not_the_criminal_law(text: str) -> None:
    assert parse_criminal_law_citation(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "刑法",
        "违反刑法的规定",
        "刑法第条",
        "刑法第零条",
        "刑法第一千条",
        "刑法第1000条",
        "刑法第一百二条",
        "刑法第264条之零",
    ],
)
def test_names_the_criminal_law_but_no_readable_article(text: str) -> None:
    with pytest.raises(StatuteParseError) as info:
        parse_criminal_law_citation(text)
    assert info.value.text == text
    assert "刑法" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_key_and_str() -> None:
    assert ArticleRef(264, 0, None).key == "264"
    assert ArticleRef(133, 1, 2).key == "133之一"
    assert str(ArticleRef(133, 1, 2)) == "刑法第133条之一第2款"


@pytest.mark.parametrize(
    ("token", "value"),
    [("十", 10), ("十一", 11), ("二十", 20), ("一百", 100), ("一百零二", 102), ("一百一十", 110),
     ("四百五十二", 452), ("九百九十九", 999), ("两百", 200), ("264", 264)],
)  # fmt: skip
def test_numerals(token: str, value: int) -> None:
    assert parse_numeral(token) == value


@pytest.mark.parametrize("token", ["", "零", "一百二", "十十", "百", "一千", "零五", "一百零十"])
def test_malformed_numerals(token: str) -> None:
    assert parse_numeral(token) is None


def test_article_keys() -> None:
    assert parse_article_key("120之六") == ArticleRef(120, 6, None)
    assert parse_article_key("452") == ArticleRef(452, 0, None)
    for bad in ("", "0", "133之", "133之1", "第264条", "264a"):
        with pytest.raises(ValueError, match="article key"):
            parse_article_key(bad)


@given(st.integers(1, 999))
def test_chinese_numeral_round_trips(value: int) -> None:
    assert chinese_numeral(value) == _render_cn(value)
    assert parse_numeral(chinese_numeral(value)) == value


@given(
    article=st.integers(1, 452),
    suffix=st.integers(0, 6),
    paragraph=st.none() | st.integers(1, 9),
    spaced=st.booleans(),
)
def test_arabic_and_chinese_renderings_parse_back(
    article: int, suffix: int, paragraph: int | None, spaced: bool
) -> None:
    ref = ArticleRef(article, suffix, paragraph)
    tail = "" if suffix == 0 else f"之{_render_cn(suffix)}"
    sep = " " if spaced else ""
    arabic = f"刑法{sep}第{article}条{tail}" + ("" if paragraph is None else f"第{paragraph}款")
    chinese = f"《中华人民共和国刑法》第{_render_cn(article)}条{tail}" + (
        "" if paragraph is None else f"第{_render_cn(paragraph)}款"
    )
    assert parse_criminal_law_citation(arabic) == ref
    assert parse_criminal_law_citation(chinese) == ref
    assert parse_criminal_law_citation(str(ref)) == ref
