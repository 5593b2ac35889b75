"""The import planner's pure helpers: subject tokens."""

from __future__ import annotations

import base64
import re

from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.services.import_plan import new_token, new_tokens

TOKEN = re.compile(r"s[a-z2-7]{24}")


@given(st.integers(min_value=1, max_value=300))
def test_tokens_made_in_a_batch_look_like_single_ones_and_differ(n: int) -> None:
    tokens = new_tokens(n)
    assert len(tokens) == n
    assert len(set(tokens)) == n
    assert all(TOKEN.fullmatch(t) for t in [*tokens, new_token()])


@given(st.lists(st.binary(min_size=15, max_size=15), min_size=1, max_size=20))
def test_base32_of_15_byte_pieces_is_the_base32_of_their_concatenation_cut_every_24(pieces: list[bytes]) -> None:
    """What new_tokens relies on: 15 bytes are 120 bits, exactly 24 base32 characters, no padding."""
    whole = base64.b32encode(b"".join(pieces)).decode("ascii")
    assert [whole[i : i + 24] for i in range(0, len(whole), 24)] == [
        base64.b32encode(p).decode("ascii") for p in pieces
    ]
