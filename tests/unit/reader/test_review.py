"""Reviewing a proposal fact by fact: a confirmation never contradicts the record, a correction is the clerk's own
value in the proposal's form, a rejection carries no value, and only confirmed or corrected facts are accepted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.reader.facts import FIELDS
from sealkeeper.reader.review import (
    CONFIRM,
    CORRECT,
    KINDS,
    REJECT,
    ReviewError,
    accepted,
    from_form,
    normalise,
    on_record,
    outstanding,
    review,
)

BUNDLE: dict[str, Any] = {
    "id": "T-1", "jurisdiction": "CN", "as_of": "2026-06-30", "person": {"birth_date": "1990-01-01"},
    "events": [
        {"id": "e1", "type": "offense", "date": "2020-01-10", "offense": {"name": "盗窃罪", "statute": "刑法第264条"}},
        {"id": "e2", "type": "conviction", "date": "2020-05-01", "offense_ids": ["e1"],
         "sentence": {"kind": "criminal_detention", "months": 3}},
    ],
}  # fmt: skip
RECORDED = on_record(BUNDLE, "e2")


def proposal(**values: Any) -> dict[str, Any]:
    return {name: {"value": value, "confidence": 0.9} for name, value in values.items()}


AGREEING = proposal(
    charge={"name": "盗窃罪", "statute": "刑法第二百六十四条", "code": "theft"}, article="刑法第二百六十四条",
    sentence={"event": "conviction", "sentence": {"kind": "criminal_detention", "months": 3}},
    offence_date="2020-01-10", judgment_date="2020-05-01", birth_date="1990-01-01", juvenile=False,
)  # fmt: skip

dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)


def _conviction(kind: str, months: int | None, probation: int | None, amount: int | None) -> dict[str, Any]:
    sentence: dict[str, Any] = {"kind": kind}
    if months is not None:
        sentence["months"] = months
    if probation is not None:
        sentence |= {"suspended": True, "probation_months": probation}
    if amount is not None:
        sentence["amount"] = amount
    return {"event": "conviction", "sentence": sentence}


sentences = st.just({"event": "non_prosecution", "sentence": None}) | st.builds(
    _conviction,
    st.sampled_from(KINDS),
    st.none() | st.integers(0, 1200),
    st.none() | st.integers(0, 1200),
    st.none() | st.integers(0, 10**9),
)
#: A valid value of each fact, as a clerk may type it.
VALUE_OF: dict[str, st.SearchStrategy[Any]] = {
    "offence_date": dates, "judgment_date": dates, "birth_date": dates, "juvenile": st.booleans(),
    "sentence": sentences,
    "charge": st.text(min_size=1, max_size=20).filter(str.strip).map(lambda t: {"name": t.strip()}),
    "article": st.integers(1, 452).map(lambda n: f"刑法第{n}条"),
}  # fmt: skip
values = st.one_of(*(st.tuples(st.just(name), strategy) for name, strategy in VALUE_OF.items()))


def test_the_record_is_read_in_the_proposals_terms() -> None:
    assert RECORDED == {"charge": "盗窃罪", "article": "刑法第264条",
                        "sentence": {"event": "conviction", "sentence": {"kind": "criminal_detention", "months": 3}},
                        "offence_date": "2020-01-10", "judgment_date": "2020-05-01", "birth_date": "1990-01-01",
                        "juvenile": False}  # fmt: skip


@given(values)
def test_a_corrected_value_is_normal_and_normalising_it_again_changes_nothing(item: tuple[str, Any]) -> None:
    name, value = item
    taken = review({}, RECORDED, name, CORRECT, value)
    assert taken == {"verdict": CORRECT, "value": normalise(name, value)}
    assert normalise(name, taken["value"]) == taken["value"]


@given(st.sampled_from(FIELDS), st.sampled_from([CONFIRM, CORRECT, REJECT]), st.data())
def test_a_rejection_carries_no_value_and_is_never_accepted(name: str, verdict: str, data: st.DataObject) -> None:
    reviews = {"charge": review(AGREEING, RECORDED, "charge", REJECT)}
    if verdict != REJECT:
        value = data.draw(VALUE_OF[name]) if verdict == CORRECT else None
        reviews[name] = review(AGREEING, RECORDED, name, verdict, value)
    assert reviews["charge"]["value"] is None or name == "charge"
    assert set(accepted(reviews)) == {n for n, r in reviews.items() if r["verdict"] != REJECT}


def test_confirming_an_agreeing_fact_keeps_the_records_wording() -> None:
    assert review(AGREEING, RECORDED, "article", CONFIRM) == {"verdict": CONFIRM, "value": "刑法第264条"}
    assert review(AGREEING, RECORDED, "charge", CONFIRM) == {"verdict": CONFIRM, "value": {"name": "盗窃罪"}}


@pytest.mark.parametrize(
    ("name", "value"),
    [("birth_date", "2003-03-01"), ("juvenile", True), ("article", "刑法第二百六十六条"),
     ("sentence", {"event": "non_prosecution", "sentence": None}), ("charge", {"name": "诈骗罪"})],
)  # fmt: skip
def test_a_contradiction_is_confirmed_only_as_a_correction(name: str, value: Any) -> None:
    contradicting = {**AGREEING, **proposal(**{name: value})}
    with pytest.raises(ReviewError, match=rf"^{name}: differs from the record"):
        review(contradicting, RECORDED, name, CONFIRM)
    assert review(contradicting, RECORDED, name, CORRECT, value)["verdict"] == CORRECT


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("birth_date", "1990-02-30", "must be a date"), ("birth_date", 19900101, "must be a date"),
     ("juvenile", "yes", "true or false"), ("article", "第266条", "must cite an article"),
     ("article", "刑法第零条", "no article number"), ("charge", " ", "non-empty"),
     ("sentence", {"event": "conviction", "sentence": {"kind": "death"}}, "kind one of"),
     ("sentence", {"event": "conviction", "sentence": {"kind": "fixed_term", "months": -1}}, "whole number"),
     ("sentence", {"event": "conviction", "sentence": {"kind": "fixed_term", "suspended": True}}, "probation_months"),
     ("sentence", {"event": "acquittal"}, "event one of"), ("name", "x", "not a fact")],
)  # fmt: skip
def test_a_bad_correction_is_refused_naming_the_fact_not_the_value(name: str, value: Any, message: str) -> None:
    with pytest.raises(ReviewError, match=message) as caught:
        review(AGREEING, RECORDED, name, CORRECT, value)
    assert str(caught.value).startswith(f"{name}: ")
    assert not isinstance(value, str) or not value.strip() or value not in str(caught.value)


def test_nothing_proposed_is_not_confirmed_and_a_correction_needs_its_value() -> None:
    with pytest.raises(ReviewError, match="proposed nothing to confirm"):
        review(proposal(birth_date=None), RECORDED, "birth_date", CONFIRM)
    with pytest.raises(ReviewError, match="needs the value"):
        review(AGREEING, RECORDED, "birth_date", CORRECT)
    with pytest.raises(ReviewError, match="verdict must be"):
        review(AGREEING, RECORDED, "birth_date", "maybe")


def test_outstanding_are_the_proposed_facts_nobody_reviewed() -> None:
    partial = {**AGREEING, **proposal(birth_date=None)}
    assert outstanding(partial, {}) == [n for n in FIELDS if n != "birth_date"]
    reviews = {n: review(partial, RECORDED, n, REJECT) for n in FIELDS if n != "juvenile"}
    assert outstanding(partial, reviews) == ["juvenile"]


@given(VALUE_OF["sentence"])
def test_a_sentence_typed_in_the_form_reads_as_the_same_correction(value: dict[str, Any]) -> None:
    form = {"kind": "non_prosecution"}
    if value["event"] == "conviction":
        s = value["sentence"]
        form = {"kind": s["kind"], **{f: str(s[f]) for f in ("months", "probation_months", "amount") if f in s}}
    assert normalise("sentence", from_form("sentence", form)) == normalise("sentence", value)


@pytest.mark.parametrize(
    ("name", "form", "value"),
    [("juvenile", {"value": "true"}, True), ("juvenile", {"value": "false"}, False),
     ("birth_date", {"value": " 2003-03-01 "}, "2003-03-01"), ("article", {"value": "刑法第264条"}, "刑法第264条")],
)  # fmt: skip
def test_form_fields_are_read_as_typed_values(name: str, form: dict[str, str], value: Any) -> None:
    assert from_form(name, form) == value


def test_a_number_that_is_not_one_is_refused_in_the_form() -> None:
    with pytest.raises(ReviewError, match=r"^sentence: sentence.months must be a whole number"):
        from_form("sentence", {"kind": "fixed_term", "months": "十二"})
    with pytest.raises(ReviewError, match=r"^juvenile: must be true or false"):
        normalise("juvenile", from_form("juvenile", {"value": "maybe"}))
