"""The storage codec of procedure cases: narrative kept apart, every field validated on the way back."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.adapters import case_codec
from sealkeeper.errors import StoreError
from sealkeeper.procedures import application
from sealkeeper.procedures.base import Actor, Reason, Role, transition

AT = dt.datetime(2026, 3, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PERSON = Actor("u-person", Role.SUBJECT)
CLERK = Actor("u-clerk", Role.CLERK)
APPROVER = Actor("u-approver", Role.APPROVER)


def decided(texts: tuple[str, ...]) -> application.ApplicationCase:
    case, _ = application.file_application("AP-1", "stok", PERSON, AT, records=("CN-01/r1",), materials=("M-1",))
    case, _ = transition(case, application.ReviewMaterials(), CLERK, AT)
    reasons = tuple(Reason(f"rule.{i}", "刑事诉讼法第286条", text) for i, text in enumerate(texts))
    case, _ = transition(case, application.Decide(application.Outcome.REFUSE, reasons), APPROVER, AT)
    return case


@given(texts=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=4))
def test_reason_texts_leave_the_body_and_come_back_in_order(texts: list[str]) -> None:
    case = decided(tuple(texts))
    body, narrative = case_codec.encode(case)
    assert narrative == texts
    assert all(reason["text"] == "" for reason in json.loads(body)["reasons"])
    assert case_codec.decode("application", body, narrative) == case


def test_body_is_canonical_json() -> None:
    body, _ = case_codec.encode(decided(("x",)))
    assert body == json.dumps(json.loads(body), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def test_an_altered_field_is_refused_with_the_case_and_the_field_named() -> None:
    body, narrative = case_codec.encode(decided(("x",)))
    tree = json.loads(body)
    tree["state"] = "no-such-state"
    with pytest.raises(StoreError, match=r"case AP-1: stored fields are invalid: state"):
        case_codec.decode("application", json.dumps(tree), narrative)


def test_a_narrative_that_does_not_fit_its_reasons_is_refused() -> None:
    body, _ = case_codec.encode(decided(("x", "y")))
    with pytest.raises(StoreError, match="narrative does not match"):
        case_codec.decode("application", body, ["only one"])


@pytest.mark.parametrize(("procedure", "body"), [("nope", "{}"), ("application", "not json")])
def test_unknown_procedure_or_garbage_is_a_store_error(procedure: str, body: str) -> None:
    with pytest.raises(StoreError):
        case_codec.decode(procedure, body)
