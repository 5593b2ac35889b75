"""The fields of a request that opens a case: each wrong one is refused naming the procedure, the field and
what it must be, with a code the pages translate, never with Python's own words."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.procedures import Reason
from sealkeeper.procedures.representation import Capacity
from sealkeeper.services import opening_fields as field
from sealkeeper.services.procedure_catalogue import InputError

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


def test_good_fields_are_read() -> None:
    grounds = [{"rule": "r", "citation": "CPL Art. 286"}, {"rule": "s", "citation": "c", "text": "t"}]
    body = {"capacity": "guardian", "document": "委托书", "records": ["r1", "r2"], "grounds": grounds}
    assert field.choice("representation", body, "capacity", Capacity) is Capacity.GUARDIAN
    assert field.text("representation", body, "document") == "委托书"
    assert field.texts("application", body, "records") == ("r1", "r2")
    assert field.reasons("unsealing", body, "grounds") == (Reason("r", "CPL Art. 286"), Reason("s", "c", "t"))
    assert (field.text("x", {}, "document"), field.texts("x", {}, "records"), field.reasons("x", {}, "g")) == (
        "",
        (),
        (),
    )


@pytest.mark.parametrize(
    ("read", "body", "code", "message"),
    [
        (lambda b: field.choice("representation", b, "capacity", Capacity), {"capacity": "uncle"}, "opening_choice",
         "representation.capacity: one of guardian, counsel"),
        (lambda b: field.text("objection", b, "contest"), {"contest": 7}, "opening_text", "objection.contest: a text"),
        (lambda b: field.texts("application", b, "records"), {"records": "r1"}, "opening_texts",
         "application.records: a list of texts"),
        (lambda b: field.reasons("unsealing", b, "grounds"), {"grounds": [{"rule": "r", "cite": "c"}]},
         "opening_reasons", "unsealing.grounds: a list of grounds, each with a rule and a citation (and a text)"),
        (lambda b: field.reasons("unsealing", b, "grounds"), {"grounds": [{"rule": "", "citation": "c"}]},
         "opening_reasons", "unsealing.grounds: a list of grounds"),
    ],
)  # fmt: skip
def test_a_wrong_field_is_named_with_what_it_must_be(read: Any, body: dict[str, Any], code: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        read(body)
    assert refused.value.code == code
    assert str(refused.value).startswith(message)


@given(value=JSON)
def test_any_value_is_read_or_refused_with_a_code(value: object) -> None:
    body = {"f": value}
    refusals = []
    for read in (
        lambda: field.choice("p", body, "f", Capacity),
        lambda: field.text("p", body, "f"),
        lambda: field.texts("p", body, "f"),
        lambda: field.reasons("p", body, "f"),
    ):
        try:
            read()
        except InputError as exc:  # anything else escapes and fails the test
            refusals.append(exc)
    assert all(exc.code.startswith("opening_") and str(exc).startswith("p.f: ") for exc in refusals), refusals
