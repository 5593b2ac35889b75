"""Rule-based extraction of what rules read better than a model: the sentence, the dates, juvenile or not.

A verdict states its sentence in a fixed grammar (判处有期徒刑一年六个月，缓刑二年，并处罚金人民币五千元), and
dates in one of two numeral forms; reading them exactly beats learning them. Each value comes with a
confidence: high when the anchoring phrase was found, lower when a weaker cue was used, zero when nothing was.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from sealkeeper.reader.corpus import Sentence
from sealkeeper.reader.numerals import DATE_PATTERN, NUMBER, parse_date, parse_int, parse_term

T = TypeVar("T")

SURE = 0.98  # the value was read where the document's grammar puts it
WEAK = 0.7  # read from a weaker cue (a phrase rather than the dates)
GUESS = 0.55  # a default in the absence of any cue

_TERM = rf"(?P<term>(?:{NUMBER}年)?(?:零?{NUMBER}个月)?)"
_MAIN = re.compile(rf"判处(?P<kind>拘役|有期徒刑|管制){_TERM}")
_PROBATION = re.compile(rf"缓刑(?P<term>(?:{NUMBER}年)?(?:零?{NUMBER}个月)?)")
_FINE = re.compile(rf"罚金人民币(?P<amount>{NUMBER})元")
_FINE_ONLY = re.compile(rf"(?:单处|判处)罚金人民币(?P<amount>{NUMBER})元")
_NON_PROSECUTION = re.compile(r"决定对\S{1,8}?不起诉")
_DATE = re.compile(DATE_PATTERN)
_KINDS = {"拘役": "detention", "有期徒刑": "fixed_term", "管制": "surveillance"}


@dataclass(frozen=True)
class Proposed(Generic[T]):
    """A proposed value (None: not found) and how confident the reader is in it, 0..1."""

    value: T | None
    confidence: float


def verdict_of(text: str) -> str | None:
    """The first line of the verdict (after the last 判决如下), or None when the text has none."""
    _, found, rest = text.rpartition("判决如下")
    if not found:
        return None
    rest = rest.lstrip("：:\n ")
    return rest.split("\n", 1)[0]


def _term(text: str | None) -> int | None:
    return parse_term(text) if text else None


def sentence(text: str) -> Proposed[Sentence]:
    if _NON_PROSECUTION.search(text) or "不起诉决定书" in text:
        return Proposed(Sentence("non_prosecution"), SURE)
    verdict = verdict_of(text)
    if verdict is None:
        return Proposed(None, 0.0)
    if "免予刑事处罚" in verdict:
        return Proposed(Sentence("exempt"), SURE)
    main = _MAIN.search(verdict)
    if main is None:
        only = _FINE_ONLY.search(verdict)
        if only is None:
            return Proposed(None, 0.0)
        return Proposed(Sentence("fine_only", fine_yuan=parse_int(only["amount"])), SURE)
    months = _term(main["term"])
    probation = _PROBATION.search(verdict, main.end())
    fine = _FINE.search(verdict, main.end())
    found = Sentence(
        _KINDS[main["kind"]], months, probation is not None, _term(probation["term"]) if probation else None,
        parse_int(fine["amount"]) if fine else None,
    )  # fmt: skip
    return Proposed(found, SURE if months is not None else WEAK)


def _dates(text: str) -> list[tuple[int, int, dt.date]]:
    out: list[tuple[int, int, dt.date]] = []
    for m in _DATE.finditer(text):
        try:
            out.append((m.start(), m.end(), parse_date(m.group())))
        except ValueError:
            continue  # e.g. 二月三十日: not a date, and not one this reader proposes
    return out


def birth_date(text: str) -> Proposed[dt.date]:
    for start, end, day in _dates(text):
        if text.startswith("出生", end) or text[max(0, start - 2) : start] == "生于":
            return Proposed(day, SURE)
    return Proposed(None, 0.0)


def offence_date(text: str) -> Proposed[dt.date]:
    anchor = text.find("查明")
    for start, _, day in _dates(text):
        if anchor >= 0 and start > anchor:
            return Proposed(day, SURE)
    return Proposed(None, 0.0)


def decision_date(text: str) -> Proposed[dt.date]:
    """The date the document was given: the last date in it (above the clerk's signature)."""
    found = _dates(text)
    return Proposed(found[-1][2], SURE) if found else Proposed(None, 0.0)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def juvenile(text: str, birth: Proposed[dt.date], offence: Proposed[dt.date]) -> Proposed[bool]:
    """Under 18 on the offence date: from the two dates when both were read, else from the wording."""
    if birth.value is not None and offence.value is not None:
        return Proposed(age_on(birth.value, offence.value) < 18, min(birth.confidence, offence.confidence))
    if "未满十八周岁" in text or "系未成年人" in text:
        return Proposed(True, WEAK)
    return Proposed(False, GUESS)
