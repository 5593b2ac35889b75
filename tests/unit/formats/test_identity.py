"""Identity fields: the resident ID check character (GB 11643-1999) and messages that never echo values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.errors import BundleFormatError
from sealkeeper.formats.identity import check_id_number, id_check_character, split_identity, split_notes

# GB 11643-1999 Appendix example and a widely published sample (check characters X and 2).
KNOWN = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("number", KNOWN)
def test_published_examples_pass(number: str) -> None:
    assert id_check_character(number[:17]) == number[17]
    assert check_id_number("B-01", number.lower(), None) == number


digits17 = st.text(alphabet="0123456789", min_size=17, max_size=17)


@given(digits17, st.sampled_from("0123456789X"))
def test_only_the_computed_check_character_passes(body: str, check: str) -> None:
    birth = dt.date(1990, 1, 1)
    body = body[:6] + birth.strftime("%Y%m%d") + body[14:]
    number = body + check
    if check == id_check_character(body):
        assert check_id_number(None, number, "1990-01-01") == number
    else:
        with pytest.raises(BundleFormatError) as caught:
            check_id_number("B-01", number, None)
        assert number not in str(caught.value)
        assert caught.value.field == "person.id_number"


def test_the_birth_date_must_agree_with_the_bundle() -> None:
    with pytest.raises(BundleFormatError, match=r"differs from person\.birth_date"):
        check_id_number("B-01", KNOWN[0], "1949-12-30")


@pytest.mark.parametrize("bad", ["123", "1101051949123100XX", "11010519491331002X", 11010519491231002, ""])
def test_malformed_numbers_are_named_without_echo(bad: object) -> None:
    with pytest.raises(BundleFormatError) as caught:
        check_id_number("B-01", bad, None)
    assert str(bad) not in str(caught.value) or str(bad) == ""


def test_split_identity_leaves_the_input_untouched_and_checks_fields() -> None:
    obj: dict[str, Any] = {
        "id": "B-01",
        "person": {"birth_date": "1949-12-31", "name": " 王某 ", "id_number": KNOWN[0]},
    }
    rest, identity = split_identity(obj)
    assert rest["person"] == {"birth_date": "1949-12-31"}
    assert obj["person"]["name"] == " 王某 "
    assert (identity.name, identity.id_number, identity.address) == ("王某", KNOWN[0], None)
    assert "王某" not in repr(identity)
    with pytest.raises(BundleFormatError, match=r"person\.name: must be a non-empty string"):
        split_identity({"id": "B-01", "person": {"birth_date": "1949-12-31", "name": "  "}})


def test_notes_are_split_off_by_path() -> None:
    obj = {"note": "a", "events": [{"id": "e1", "note": "b", "offense": {"note": "c"}}]}
    assert split_notes(obj) == {"note": "a", "events[0].note": "b", "events[0].offense.note": "c"}
    assert obj == {"events": [{"id": "e1", "offense": {}}]}
