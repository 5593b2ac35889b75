"""Canonical JSON: the same text as the standard library's, for every JSON value."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.formats.canonical import canonical


def standard(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


every_character = st.characters(codec=None)  # surrogates, controls, U+2028, astral planes: all of them
texts = st.text(alphabet=every_character, max_size=12)
numbers = (
    st.integers()  # beyond 64 bits too
    | st.floats()  # NaN, infinities, subnormals, -0.0
    | st.floats(min_value=-1e-3, max_value=1e-3)  # where the two libraries write floats differently
    | st.sampled_from([1e-05, 2.5e-08, 1e16, 1e300, 5e-324, 2**63, -(2**63) - 1, 2**64, math.nan, math.inf, -math.inf])
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
