"""Chinese and Arabic numerals: every rendering reads back to the value it was made from."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.reader.numerals import (
    chinese_digits,
    chinese_int,
    parse_date,
    parse_int,
    parse_term,
    render_amount,
    render_date,
    render_term,
)


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "零"), (10, "十"), (12, "十二"), (20, "二十"), (105, "一百零五"), (110, "一百一十"), (1050, "一千零五十"),
     (5000, "五千"), (12000, "一万二千"), (10010, "一万零一十"), (100000, "十万"), (19500, "一万九千五百")],
)  # fmt: skip
def test_chinese_int_reads_as_written(n: int, text: str) -> None:
    assert chinese_int(n) == text
    assert parse_int(text) == n


@pytest.mark.parametrize(
    ("months", "arabic", "months_only", "text"),
    [(18, False, False, "一年六个月"), (12, False, False, "一年"), (6, False, False, "六个月"),
     (18, False, True, "十八个月"), (30, True, False, "2年6个月"), (3, True, False, "3个月")],
)  # fmt: skip
def test_terms(months: int, arabic: bool, months_only: bool, text: str) -> None:
    assert render_term(months, arabic=arabic, months_only=months_only) == text
    assert parse_term(text) == months


def test_other_ways_of_writing_terms_and_dates() -> None:
    assert parse_term("两年") == 24
    assert parse_term("一年零三个月") == 15
    assert parse_date("二〇二三年三月五日") == dt.date(2023, 3, 5)
    assert parse_date("2023年03月05日") == dt.date(2023, 3, 5)
    assert parse_int("5,000") == 5000
    assert parse_int("二〇二三") == 2023


@pytest.mark.parametrize("bad", ["", "年", "abc", "三个", "一万万"])
def test_what_is_not_a_numeral_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"not|empty"):
        parse_term(bad) if "个" in bad or "年" in bad else parse_int(bad)


@given(st.integers(min_value=0, max_value=99_999_999))
def test_chinese_integers_round_trip(n: int) -> None:
    assert parse_int(chinese_int(n)) == n


@given(st.integers(min_value=1000, max_value=2999))
def test_chinese_digit_years_round_trip(year: int) -> None:
    assert parse_int(chinese_digits(year)) == year


@given(st.integers(min_value=1, max_value=600), st.booleans(), st.booleans())
def test_terms_round_trip(months: int, arabic: bool, months_only: bool) -> None:
    assert parse_term(render_term(months, arabic=arabic, months_only=months_only)) == months


@given(st.integers(min_value=0, max_value=9_999_999), st.sampled_from(["chinese", "arabic", "grouped"]))
def test_amounts_round_trip(yuan: int, style: str) -> None:
    assert parse_int(render_amount(yuan, style=style)) == yuan


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)), st.booleans())
def test_dates_round_trip(day: dt.date, arabic: bool) -> None:
    assert parse_date(render_date(day, arabic=arabic)) == day
