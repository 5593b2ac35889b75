"""The clerk's review of a reader proposal, fact by fact: confirm the proposed value, correct it (the clerk's own
value, an explicit edit) or reject it. Pure: values in, values or ReviewError (naming the fact) out.

A fact is compared with what the stored record says for it (``on_record``). Confirming a value that contradicts
the record is refused: a contradiction enters the record only as a correction the clerk typed. Only confirmed
and corrected facts are ``accepted``; a rejected or unreviewed fact never reaches the record
(``reader.amend``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import Enum, unique
from typing import Any

from sealkeeper.errors import SealkeeperError
from sealkeeper.reader.extract import age_on
from sealkeeper.reader.facts import BUNDLE_KINDS, FIELDS
from sealkeeper.rules.cn_statute import StatuteParseError, parse_criminal_law_citation

CONFIRM, CORRECT, REJECT = "confirm", "correct", "reject"
VERDICTS = (CONFIRM, CORRECT, REJECT)
EVENTS = ("conviction", "non_prosecution")
KINDS = tuple(BUNDLE_KINDS.values())
DATES = ("offence_date", "judgment_date", "birth_date")
MAX_MONTHS = 1200  # a term, probation or fine beyond this is a typing error, not a sentence
MAX_AMOUNT = 10**9


@unique
class ReviewRefusal(Enum):
    """Why a review, a correction or its application is refused, in English with the values named; the member's
    name in lower case is the stable code the web pages translate (``SealkeeperError.code``)."""

    NOT_A_FACT = "{fact}: not a fact the reader proposes (one of {facts})"
    BAD_VERDICT = "{fact}: verdict must be one of {verdicts}"
    NO_VALUE = "{fact}: a correction needs the value"
    NOTHING_PROPOSED = "{fact}: the reader proposed nothing to confirm: correct it with a value or reject it"
    DIFFERS = "{fact}: differs from the record: put it in only as a correction (the value, typed)"
    NOT_A_DATE = "{fact}: must be a date YYYY-MM-DD"
    NOT_YES_OR_NO = "{fact}: must be true or false"
    NOT_A_TEXT = "{fact}: must be a non-empty text of at most 100 characters"
    NOT_AN_ARTICLE = "{fact}: must cite an article of the Criminal Law (刑法第264条)"
    NO_ARTICLE_NUMBER = "{fact}: no article number can be read in it"
    NOT_A_COUNT = "{fact}: {field} must be a whole number from 0"
    TOO_MANY_MONTHS = "{fact}: {field} must be at most {most} months"
    NO_EVENT_TYPE = "{fact}: must be an object with event one of {events}"
    NO_SENTENCE_KIND = "{fact}: a conviction's sentence needs kind one of {kinds}"
    SUSPENDED_NOT_YES_OR_NO = "{fact}: suspended must be true or false"
    NOT_ONE_OFFENCE = "{fact}: the record's event names {count} offences, not one: correct it at the source"
    NO_SUCH_EVENT = "{fact}: the bundle has no event {record}"
    OTHER_EVENT_TYPE = "{fact}: the record's event is a {recorded}, the fact a {proposed}: change it at the source"
    NO_DATES_FOR_AGE = "{fact}: the record lacks the date of birth or of the offence it is derived from"
    AGE_DIFFERS = "{fact}: the record's dates make the person {age} at the offence: correct the dates"
    ID_NUMBER_BIRTH = "{fact}: differs from the date of birth the stored ID number encodes"
    DATED_LATER = "{fact}: the bundle is dated after {day}"


class ReviewError(SealkeeperError):
    """A review or a correction that cannot be taken; names the fact (never its value)."""

    def __init__(self, why: ReviewRefusal, fact: str, **params: object) -> None:
        self.fact = fact
        super().__init__(why.value.format(fact=fact, **params))
        self.coded(why.name.lower(), fact=fact, **params)


R = ReviewRefusal


def tied_offences(events: list[dict[str, Any]], decided: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The offence events the deciding event names (``offense_ids``), in the bundle's order."""
    ids = set(decided.get("offense_ids") or [])
    return [e for e in events if e.get("type") == "offense" and e.get("id") in ids]


def on_record(facts: Mapping[str, Any], record: str) -> dict[str, Any]:
    """What the stored bundle says for each fact the reader proposes (None where it says nothing)."""
    events: list[dict[str, Any]] = list(facts.get("events") or [])
    decided: dict[str, Any] = next((e for e in events if e.get("id") == record), {})
    offences = tied_offences(events, decided)
    offence = offences[0] if len(offences) == 1 else {}
    named = offence.get("offense") or {}
    birth, committed = (facts.get("person") or {}).get("birth_date"), offence.get("date")
    juvenile = None
    if isinstance(birth, str) and isinstance(committed, str):
        juvenile = age_on(dt.date.fromisoformat(birth), dt.date.fromisoformat(committed)) < 18
    return {"charge": named.get("name"), "article": named.get("statute"),
            "sentence": {"event": decided.get("type"), "sentence": decided.get("sentence")},
            "offence_date": committed, "judgment_date": decided.get("date"), "birth_date": birth,
            "juvenile": juvenile}  # fmt: skip


def same_article(proposed: str, recorded: str) -> bool:
    """刑法第二百六十四条 and 刑法第264条 are the same article."""
    try:
        a, b = parse_criminal_law_citation(proposed), parse_criminal_law_citation(recorded)
    except StatuteParseError:
        return False
    return a is not None and b is not None and a.key == b.key


def charge_name(value: Any) -> Any:
    """A charge as the proposal holds it ({name, statute, code}) or as a correction ({name}): its name."""
    return value.get("name") if isinstance(value, Mapping) else value


def agrees(name: str, proposed: Any, recorded: Any) -> bool | None:
    """Whether a proposed value says what the record says; None when either says nothing."""
    if proposed is None or recorded is None:
        return None
    if name == "charge":
        return bool(charge_name(proposed) == recorded)
    if name == "article":
        return same_article(proposed, recorded)
    if name == "sentence":
        if proposed.get("event") != recorded.get("event"):
            return False
        return proposed.get("sentence") is None or proposed.get("sentence") == recorded.get("sentence")
    return bool(proposed == recorded)


def _count(fact: str, field: str, value: Any, *, required: bool = False) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise ReviewError(R.NOT_A_COUNT, fact, field=f"{fact}.{field}")
    if field != "amount" and value > MAX_MONTHS:
        raise ReviewError(R.TOO_MANY_MONTHS, fact, field=f"{fact}.{field}", most=MAX_MONTHS)
    return value


def _sentence(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping) or value.get("event") not in EVENTS:
        raise ReviewError(R.NO_EVENT_TYPE, "sentence", events=", ".join(EVENTS))
    if value["event"] == "non_prosecution":
        return {"event": "non_prosecution", "sentence": None}
    raw = value.get("sentence")
    if not isinstance(raw, Mapping) or raw.get("kind") not in KINDS:
        raise ReviewError(R.NO_SENTENCE_KIND, "sentence", kinds=", ".join(KINDS))
    out: dict[str, Any] = {"kind": raw["kind"]}
    if (months := _count("sentence", "months", raw.get("months"))) is not None:
        out["months"] = months
    if raw.get("suspended") not in (None, False, True):
        raise ReviewError(R.SUSPENDED_NOT_YES_OR_NO, "sentence")
    if raw.get("suspended"):
        out["suspended"] = True
        out["probation_months"] = _count("sentence", "probation_months", raw.get("probation_months"), required=True)
    if (amount := _count("sentence", "amount", raw.get("amount"))) is not None:
        out["amount"] = amount
    return {"event": "conviction", "sentence": out}


def normalise(name: str, value: Any) -> Any:
    """A clerk's value for fact ``name`` in the proposal's form, or ReviewError saying what it must be."""
    if name not in FIELDS:
        raise ReviewError(R.NOT_A_FACT, name, facts=", ".join(FIELDS))
    if name in DATES:
        try:
            if isinstance(value, str) and len(value) == 10:
                return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
        raise ReviewError(R.NOT_A_DATE, name)
    if name == "juvenile":
        if not isinstance(value, bool):
            raise ReviewError(R.NOT_YES_OR_NO, name)
        return value
    if name == "sentence":
        return _sentence(value)
    text = charge_name(value) if name == "charge" else value
    if not isinstance(text, str) or not text.strip() or len(text) > 100:
        raise ReviewError(R.NOT_A_TEXT, name)
    if name == "article":
        try:
            if parse_criminal_law_citation(text) is None:
                raise ReviewError(R.NOT_AN_ARTICLE, name)
        except StatuteParseError:
            raise ReviewError(R.NO_ARTICLE_NUMBER, name) from None
        return text.strip()
    return {"name": text.strip()}


def review(proposed: Mapping[str, Any], recorded: Mapping[str, Any], name: str, verdict: str,
           value: Any = None) -> dict[str, Any]:  # fmt: skip
    """The review of fact ``name``: ``{"verdict", "value"}`` with the value the record would get (None when
    rejected). ``proposed`` maps each fact to ``{"value", "confidence"}``; ``recorded`` is ``on_record``."""
    if verdict not in VERDICTS:
        raise ReviewError(R.BAD_VERDICT, name, verdicts=", ".join(VERDICTS))
    if name not in FIELDS:
        raise ReviewError(R.NOT_A_FACT, name, facts=", ".join(FIELDS))
    if verdict == REJECT:
        return {"verdict": REJECT, "value": None}
    if verdict == CORRECT:
        if value is None:
            raise ReviewError(R.NO_VALUE, name)
        return {"verdict": CORRECT, "value": normalise(name, value)}
    given = (proposed.get(name) or {}).get("value")
    if given is None:
        raise ReviewError(R.NOTHING_PROPOSED, name)
    said = agrees(name, given, recorded.get(name))
    if said is False:
        raise ReviewError(R.DIFFERS, name)
    # Agreeing with the record (刑法第二百六十四条 for 刑法第264条) confirms the record's own wording.
    return {"verdict": CONFIRM, "value": normalise(name, recorded[name] if said else given)}


def outstanding(proposed: Mapping[str, Any], reviews: Mapping[str, Any]) -> list[str]:
    """The facts with a proposed value that no person has reviewed yet, in the proposal's order."""
    return [n for n in FIELDS if (proposed.get(n) or {}).get("value") is not None and n not in reviews]


def accepted(reviews: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The value of every confirmed or corrected fact; rejected facts are not there."""
    return {n: r["value"] for n, r in reviews.items() if r.get("verdict") in (CONFIRM, CORRECT)}


def _whole(fact: str, field: str, text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        raise ReviewError(R.NOT_A_COUNT, fact, field=f"{fact}.{field}")
    return int(text)


def from_form(name: str, form: Mapping[str, str]) -> Any:
    """A correction as a web form sends it (text fields) in the typed form ``normalise`` reads: ``value`` for
    most facts ("true"/"false" for juvenile); ``kind``, ``months``, ``probation_months`` and ``amount`` for the
    sentence (kind ``non_prosecution`` for a decision not to prosecute; a probation term makes it suspended)."""
    if name == "juvenile":
        return {"true": True, "false": False}.get(form.get("value", ""), form.get("value"))
    if name != "sentence":
        return form.get("value", "").strip()
    kind = form.get("kind", "")
    if kind == "non_prosecution":
        return {"event": "non_prosecution", "sentence": None}
    numbers = {f: _whole(name, f, form.get(f, "")) for f in ("months", "probation_months", "amount")}
    sentence: dict[str, Any] = {"kind": kind, **{f: n for f, n in numbers.items() if n is not None}}
    if numbers["probation_months"] is not None:
        sentence["suspended"] = True
    return {"event": "conviction", "sentence": sentence}
