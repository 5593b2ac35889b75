"""Chinese and Arabic numerals as judgments write them: integers, terms (一年六个月), amounts and dates.

Written by hand because no kept library reads Chinese legal numerals both ways: ``cn2an`` and the like read
plain integers only and pull in a large dependency for a few dozen lines; terms (年/个月), amounts with
thousands separators and 〇-digit years need the small grammars below anyway. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = [
    "DATE_PATTERN",
    "NUMBER",
    "TERM_PATTERN",
    "chinese_digits",
    "chinese_int",
    "parse_date",
    "parse_int",
    "parse_term",
    "render_amount",
    "render_date",
    "render_term",
]

_DIGITS = "零一二三四五六七八九"
_VALUE = {ch: i for i, ch in enumerate(_DIGITS)} | {"〇": 0, "两": 2, "○": 0}
_UNITS = {"十": 10, "百": 100, "千": 1000}
#: One number in either script: Arabic digits (with thousands separators) or Chinese numerals.
NUMBER = r"(?:[0-9][0-9,，]*|[零〇○一二两三四五六七八九十百千万]+)"
TERM_PATTERN = rf"(?:(?P<years>{NUMBER})年)?(?:零?(?P<months>{NUMBER})个月)?"
DATE_PATTERN = rf"(?P<y>{NUMBER})年(?P<m>{NUMBER})月(?P<d>{NUMBER})日"
_TERM = re.compile(rf"^{TERM_PATTERN}$")
_DATE = re.compile(rf"^{DATE_PATTERN}$")


def _section(n: int, top: bool) -> str:
    """0 < n < 10000 in Chinese; ``top``: the leading section (10..19 read 十X, not 一十X)."""
    out: list[str] = []
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        if not (unit == 10 and digit == 1 and top and not out):
            out.append(_DIGITS[digit])
        out.append(name)
    return "".join(out)


def chinese_int(n: int) -> str:
    """0 <= n < 100,000,000 as read aloud: 12 -> 十二, 1050 -> 一千零五十, 12000 -> 一万二千."""
    if not 0 <= n < 100_000_000:
        raise ValueError(f"{n} is out of range for a Chinese numeral here")
    if n == 0:
        return "零"
    high, low = divmod(n, 10000)
    if not high:
        return _section(low, top=True)
    text = _section(high, top=True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + _section(low, top=False)
    return text


def chinese_digits(n: int) -> str:
    """Digit by digit, as years are written: 2023 -> 二〇二三."""
    return "".join("〇" if c == "0" else _DIGITS[int(c)] for c in str(n))


def _parse_section(text: str) -> int:
    total, current = 0, None
    for ch in text:
        if ch in _VALUE:
            current = _VALUE[ch]
        elif ch in _UNITS:
            total += (1 if current is None else current) * _UNITS[ch]
            current = None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + (current or 0)


def parse_int(text: str) -> int:
    """An integer in Arabic digits (thousands separators allowed), Chinese numerals, or Chinese digits."""
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        raise ValueError("empty numeral")
    if text.isascii() and text.isdigit():
        return int(text)
    if all(ch in _VALUE for ch in text) and len(text) > 1:
        return int("".join(str(_VALUE[ch]) for ch in text))  # 二〇二三
    if text.count("万") > 1:
        raise ValueError(f"not a Chinese numeral: {text!r}")
    high, _, low = text.rpartition("万")
    if "万" in text:
        return _parse_section(high or "一") * 10000 + _parse_section(low)
    return _parse_section(text)


def render_term(months: int, *, arabic: bool, months_only: bool = False) -> str:
    """A term of months: 18 -> 一年六个月 / 1年6个月 / 十八个月 (``months_only``)."""
    if months <= 0:
        raise ValueError("a term is at least one month")
    num = str if arabic else chinese_int
    years, rest = divmod(months, 12)
    if months_only or not years:
        return f"{num(months)}个月"
    return f"{num(years)}年" + (f"{num(rest)}个月" if rest else "")


def parse_term(text: str) -> int:
    """The number of months of a term written by :func:`render_term` (or 二年, 两年, 一年零三个月)."""
    found = _TERM.match(text.strip())
    if found is None or not (found["years"] or found["months"]):
        raise ValueError(f"not a term: {text!r}")
    years = parse_int(found["years"]) if found["years"] else 0
    months = parse_int(found["months"]) if found["months"] else 0
    return years * 12 + months


def render_amount(yuan: int, *, style: str) -> str:
    """An amount in yuan: ``style`` "chinese" (五千), "arabic" (5000) or "grouped" (5,000)."""
    if style == "chinese":
        return chinese_int(yuan)
    if style == "grouped":
        return f"{yuan:,}"
    return str(yuan)


def render_date(day: dt.date, *, arabic: bool) -> str:
    """二〇二三年三月五日 or 2023年3月5日."""
    if arabic:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{chinese_digits(day.year)}年{chinese_int(day.month)}月{chinese_int(day.day)}日"


def parse_date(text: str) -> dt.date:
    """A date written by :func:`render_date`; raises ValueError if it is not one."""
    found = _DATE.match(text.strip())
    if found is None:
        raise ValueError(f"not a date: {text!r}")
    return dt.date(parse_int(found["y"]), parse_int(found["m"]), parse_int(found["d"]))
