"""Accepted facts written into a bundle: each in its one place, nothing else touched, the input never changed;
what the record already says changes nothing; a fact with no place it can go is refused, naming the fact."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_review import BUNDLE, VALUE_OF

from sealkeeper.reader.amend import amend
from sealkeeper.reader.extract import age_on
from sealkeeper.reader.review import ReviewError, normalise, on_record

PLACED = ("charge", "article", "sentence", "offence_date", "judgment_date", "birth_date")


def _written(name: str, value: Any) -> Any:
    """What ``on_record`` reads back for an accepted value."""
    return value["name"] if name == "charge" else value


def _normalised(name: str) -> st.SearchStrategy[Any]:
    return VALUE_OF[name].map(lambda value: normalise(name, value))


def _accepted(names: set[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({name: _normalised(name) for name in names})


accepted_facts = st.sets(st.sampled_from(PLACED)).flatmap(_accepted)


@given(accepted_facts)
def test_each_accepted_fact_is_read_back_and_nothing_else_changes(accepted: dict[str, Any]) -> None:
    accepted = {n: v for n, v in accepted.items() if not (n == "sentence" and v["event"] != "conviction")}
    original = copy.deepcopy(BUNDLE)
    out = amend(BUNDLE, "e2", accepted)
    assert original == BUNDLE  # the input is left as it was
    before, after = on_record(BUNDLE, "e2"), on_record(out.facts, "e2")
    for name in PLACED:
        expected = _written(name, accepted[name]) if name in accepted else before[name]
        assert after[name] == expected
    assert set(out.changed) == {n for n in accepted if before[n] != after[n]}
    assert {k: v for k, v in out.facts.items() if k not in ("person", "events")} == {
        k: v for k, v in BUNDLE.items() if k not in ("person", "events")}  # fmt: skip
    assert [e["id"] for e in out.facts["events"]] == ["e1", "e2"]
    assert out.facts["events"][1]["offense_ids"] == ["e1"]


@given(st.sampled_from(PLACED))
def test_what_the_record_already_says_changes_nothing(name: str) -> None:
    said = on_record(BUNDLE, "e2")[name]
    out = amend(BUNDLE, "e2", {name: normalise(name, {"name": said} if name == "charge" else said)})
    assert out.changed == ()
    assert out.facts == BUNDLE


@given(st.dates(dt.date(1950, 1, 1), dt.date(2019, 12, 31)), st.booleans())
def test_under_18_is_checked_against_the_dates_it_derives_from(birth: dt.date, juvenile: bool) -> None:
    accepted = {"birth_date": birth.isoformat(), "juvenile": juvenile}
    if (age_on(birth, dt.date(2020, 1, 10)) < 18) == juvenile:
        same = birth.isoformat() == BUNDLE["person"]["birth_date"]
        assert amend(BUNDLE, "e2", accepted).changed == (() if same else ("birth_date",))
    else:
        with pytest.raises(ReviewError, match=r"^juvenile: the record's dates make the person"):
            amend(BUNDLE, "e2", accepted)


def test_facts_with_no_place_are_refused() -> None:
    with pytest.raises(ReviewError, match=r"^sentence: the record's event is a conviction"):
        amend(BUNDLE, "e2", {"sentence": {"event": "non_prosecution", "sentence": None}})
    with pytest.raises(ReviewError, match="no event e9"):
        amend(BUNDLE, "e9", {"birth_date": "2003-01-01"})
    two = copy.deepcopy(BUNDLE)
    two["events"].insert(1, {**two["events"][0], "id": "e0"})
    two["events"][2]["offense_ids"] = ["e0", "e1"]
    with pytest.raises(ReviewError, match=r"^charge: the record's event names 2 offences"):
        amend(two, "e2", {"charge": {"name": "诈骗罪"}})
    assert amend(two, "e2", {"judgment_date": "2020-06-01"}).changed == ("judgment_date",)
    without_birth = copy.deepcopy(BUNDLE)
    del without_birth["person"]["birth_date"]
    with pytest.raises(ReviewError, match=r"^juvenile: the record lacks"):
        amend(without_birth, "e2", {"juvenile": True})
