"""Canonical JSON and reading JSON: the same text and values as the standard library, for every JSON value."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.formats.canonical import canonical, loads


def standard(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


every_character = st.characters(codec=None)  # surrogates, controls, U+2028, astral planes: all of them
texts = st.text(alphabet=every_character, max_size=12)
numbers = (
    st.integers()  # beyond 64 bits too
    | st.floats()  # NaN, infinities, subnormals, -0.0
    | st.floats(min_value=-1e-3, max_value=1e-3)  # where the two libraries write floats differently
    | st.sampled_from([1e-05, 2.5e-08, 1e16, 1e300, 5e-324, 2**63, -(2**63) - 1, 2**64])
)
scalars = st.none() | st.booleans() | numbers | texts
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(json_values)
def test_canonical_is_the_standard_librarys_text(value: Any) -> None:
    assert canonical(value) == standard(value)


@settings(max_examples=500, deadline=None)
@given(json_values)
def test_loads_reads_what_the_standard_library_reads(value: Any) -> None:
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
        if not _encodable(text):
            continue  # a file holding a lone surrogate is not UTF-8: read_text refuses it before JSON
        expected = json.loads(text)
        got = loads(text)
        assert standard(got) == standard(expected)  # the same text: NaN, -0.0, ints vs floats all count
        assert _types(got) == _types(expected)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


@pytest.mark.parametrize(
    "text",
    ['{"a": 1,}', '{"a": ', "[1 2]", '{"a": "x\ny"}', "nul", '{"a": 1} x'],
)
def test_bad_json_gets_the_standard_librarys_message_and_place(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        loads(text)
    assert (got.value.msg, got.value.lineno, got.value.colno) == (
        expected.value.msg,
        expected.value.lineno,
        expected.value.colno,
    )


def test_numbers_orjson_reads_otherwise_are_read_as_python_reads_them() -> None:
    assert loads('{"a": 18446744073709551616}') == {"a": 18446744073709551616}
    assert loads('{"a": -9223372036854775809}') == {"a": -9223372036854775809}
    assert repr(loads('{"a": NaN}')["a"]) == "nan"
    assert loads('{"a": 1e400}') == {"a": float("inf")}
