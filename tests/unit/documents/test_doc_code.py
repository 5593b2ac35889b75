"""Verification codes: printed form, forgiving reading, and the check symbol catching a mistyped symbol."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.documents import CodeError, normalize_code
from sealkeeper.documents.code import ALPHABET, check_symbol, code_for_signature

SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}-[0-9A-HJKMNP-TV-Z]$")
signatures = st.binary(min_size=64, max_size=64)


@given(signatures)
def test_a_code_is_four_groups_of_four_and_a_check_symbol(signature: bytes) -> None:
    code = code_for_signature(signature)
    assert SHAPE.match(code), code
    assert normalize_code(code) == code


@given(signatures)
def test_reading_forgives_case_spaces_hyphens_and_lookalikes(signature: bytes) -> None:
    code = code_for_signature(signature)
    typed = " ".join(code.replace("-", "").lower()).replace("0", "o").replace("1", "l")
    assert normalize_code(typed) == code


@given(signatures, st.data())
def test_any_one_wrong_symbol_fails_the_check(signature: bytes, data: st.DataObject) -> None:
    symbols = code_for_signature(signature).replace("-", "")
    at = data.draw(st.integers(0, len(symbols) - 1))
    wrong = data.draw(st.sampled_from([s for s in ALPHABET if s != symbols[at]]))
    with pytest.raises(CodeError, match="check symbol"):
        normalize_code(symbols[:at] + wrong + symbols[at + 1 :])


def test_different_signatures_give_different_codes() -> None:
    assert code_for_signature(b"\x00" * 64) != code_for_signature(b"\x00" * 63 + b"\x01")


@pytest.mark.parametrize(
    ("typed", "problem"), [("ABCD-EFGH", "17 symbols"), ("ABCD-EFGH-JKMN-PQRS-U", "no symbol U"), ("", "17 symbols")]
)
def test_malformed_codes_say_what_is_wrong(typed: str, problem: str) -> None:
    with pytest.raises(CodeError, match=problem):
        normalize_code(typed)


def test_the_check_symbol_is_luhn_mod_32() -> None:
    # "0…01": the rightmost data symbol (value 1) is doubled → sum 2 → check 32 - 2 = 30 → "Y".
    assert check_symbol("0" * 15 + "1") == "Y"
    assert normalize_code("0000-0000-0000-0001-Y") == "0000-0000-0000-0001-Y"
