"""Citations of the PRC Criminal Law (中华人民共和国刑法): reading "刑法第133条之一第一款" into an article.

Pure: standard library only, no I/O. The catalogue of articles lives in ``packs/CN/criminal_law.yaml`` and
is read by :mod:`sealkeeper.rules.cn_catalogue`; this module only parses citation text.

Accepted forms (whitespace anywhere, full-width digits and brackets allowed)::

    刑法第264条            《中华人民共和国刑法》第二百六十四条     刑法第１３３条之一
    刑法第237条第3款       刑法第一百三十三条之一第一款第（二）项   (the 项 is read and ignored)

A text that does not name the Criminal Law (刑事诉讼法, 治安管理处罚法, 道路交通安全法, foreign codes,
刑法修正案 as an act of its own) gives ``None``. A text that names the Criminal Law but whose article
cannot be read raises :class:`StatuteParseError`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sealkeeper.errors import SealkeeperError

__all__ = [
    "ArticleRef",
    "StatuteParseError",
    "chinese_numeral",
    "parse_article_key",
    "parse_criminal_law_citation",
    "parse_numeral",
]

_DIGITS = "零一二三四五六七八九"
_DIGIT_VALUE = {ch: i for i, ch in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
_MAX_NUMBER = 999

# 刑法 as the name of the law, but not the amendment acts (刑法修正案（九）第…条 numbers the amendment's
# own articles). 刑事诉讼法 does not contain the string 刑法, so it never matches.
_LAW = re.compile(r"(?:中华人民共和国)?刑法(?!修正案)")
_NUM = r"[0-9零〇一二两三四五六七八九十百千]+"
_ARTICLE = re.compile(
    rf"^》?第?(?P<article>{_NUM})条"
    rf"(?:之(?P<suffix>{_NUM}))?"
    rf"(?:第(?P<paragraph>{_NUM})款)?"
)
_KEY = re.compile(r"^(?P<article>[0-9]+)(?:之(?P<suffix>[一二三四五六七八九十]+))?$")
_CHINESE = re.compile(
    r"^(?:(?P<h>[一二两三四五六七八九])百)?(?P<zero>[零〇])?(?:(?P<t>[一二三四五六七八九])?(?P<ten>十))?"
    r"(?P<o>[一二三四五六七八九])?$"
)


class StatuteParseError(SealkeeperError, ValueError):
    """The text names the Criminal Law, but no article number can be read from it."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"cannot read a Criminal Law (刑法) article from {text!r}: {reason}")


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """One article of the Criminal Law, optionally narrowed to one paragraph (款)."""

    article: int  # 264
    suffix: int  # 0 for none, 1 for 之一, 2 for 之二 ...
    paragraph: int | None  # 第三款 -> 3

    @property
    def key(self) -> str:
        """The catalogue key: "264", "133之一"."""
        if self.suffix == 0:
            return str(self.article)
        return f"{self.article}之{chinese_numeral(self.suffix)}"

    def __str__(self) -> str:
        suffix = "" if self.suffix == 0 else "之" + chinese_numeral(self.suffix)
        paragraph = "" if self.paragraph is None else f"第{self.paragraph}款"
        return f"刑法第{self.article}条{suffix}{paragraph}"


def chinese_numeral(value: int) -> str:
    """Render 1..999 the way statutes write it: 十, 十一, 二十, 一百零二, 一百一十, 二百六十四."""
    if not 1 <= value <= _MAX_NUMBER:
        raise ValueError(f"chinese_numeral: {value} is outside 1..{_MAX_NUMBER}")
    hundreds, rest = divmod(value, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if tens == 0 and ones:
            return out + "零" + _DIGITS[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


def parse_numeral(token: str) -> int | None:
    """Arabic or Chinese numeral (up to 九百九十九) to int; None if the token is not a well-formed number."""
    if token.isascii() and token.isdigit():
        return int(token)
    m = _CHINESE.match(token)
    if m is None or not token:
        return None
    h, zero, t, ten, o = m.group("h", "zero", "t", "ten", "o")
    if zero is not None and (h is None or ten is not None or o is None):
        return None  # 零 only between 百 and a units digit: 一百零二
    if h is not None and ten is None and o is not None and zero is None:
        return None  # 一百二 is colloquial for 120, never used in citations: refuse rather than guess
    value = (_DIGIT_VALUE[h] * 100 if h else 0) + (_DIGIT_VALUE[t] * 10 if t else 10 if ten else 0)
    return value + (_DIGIT_VALUE[o] if o else 0)


def parse_article_key(key: str) -> ArticleRef:
    """Catalogue key ("264", "133之一") to an ArticleRef without paragraph. Raises ValueError if malformed."""
    m = _KEY.match(key)
    suffix = 0
    if m is not None and m.group("suffix") is not None:
        suffix = parse_numeral(m.group("suffix")) or 0
    if m is None or int(m.group("article")) == 0 or (m.group("suffix") is not None and suffix == 0):
        raise ValueError(f"not an article key: {key!r} (expected e.g. '264' or '133之一')")
    return ArticleRef(int(m.group("article")), suffix, None)


def _normalise(text: str) -> str:
    # NFKC turns full-width digits and brackets into ASCII and the ideographic space into a space.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _number(text: str, token: str, what: str) -> int:
    value = parse_numeral(token)
    if value is None or not 1 <= value <= _MAX_NUMBER:
        raise StatuteParseError(text, f"{what} number {token!r} is not a number from 1 to {_MAX_NUMBER}")
    return value


def parse_criminal_law_citation(text: str) -> ArticleRef | None:
    """Read the first Criminal Law article cited in ``text``.

    Returns None when the text does not cite the Criminal Law at all; raises StatuteParseError when it
    names the Criminal Law but no article can be read after any mention of it.
    """
    flat = _normalise(text)
    mentions = list(_LAW.finditer(flat))
    if not mentions:
        return None
    for law in mentions:
        m = _ARTICLE.match(flat[law.end() :])
        if m is None:
            continue
        suffix, paragraph = m.group("suffix"), m.group("paragraph")
        return ArticleRef(
            _number(text, m.group("article"), "article"),
            0 if suffix is None else _number(text, suffix, "之-suffix"),
            None if paragraph is None else _number(text, paragraph, "paragraph (款)"),
        )
    raise StatuteParseError(text, "no article number (第…条) follows the name of the law")
