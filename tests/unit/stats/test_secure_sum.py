"""BFV secure sum, in one process: the total agrees with the plaintext sum, the aggregator cannot decrypt,
bad contributions are refused with the party named and leave the total as it was."""

from __future__ import annotations

import pytest
import tenseal as ts  # type: ignore[import-untyped]  # TenSEAL ships no type information
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.stats import secure_sum as he
from sealkeeper.stats.errors import CiphertextRejectedError, StatsError

AUTHORITY = he.Authority()  # key generation takes a few ms; one key pair serves the module
CELLS = 8


def vectors(parties: int) -> list[list[int]]:
    return [[(p * 37 + c * 11) % 500 for c in range(CELLS)] for p in range(parties)]


def aggregate(envelopes: list[he.Envelope]) -> he.Aggregator:
    aggregator = he.Aggregator(AUTHORITY.public, CELLS)
    for envelope in envelopes:
        aggregator.accept(envelope)
    return aggregator


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=1000), min_size=CELLS, max_size=CELLS), min_size=1,
                max_size=6))  # fmt: skip
def test_the_decrypted_total_is_the_plaintext_sum(counts: list[list[int]]) -> None:
    aggregator = aggregate([he.encrypt(AUTHORITY.public, f"a{i}", v) for i, v in enumerate(counts)])
    total = AUTHORITY.decrypt_total(aggregator.total(), CELLS, len(counts), 1000)
    assert total == [sum(column) for column in zip(*counts, strict=True)]


def test_the_aggregator_holds_no_secret_key_and_cannot_decrypt() -> None:
    aggregator = aggregate([he.encrypt(AUTHORITY.public, f"a{i}", v) for i, v in enumerate(vectors(3))])
    assert not aggregator.context.is_private()
    assert not ts.context_from(AUTHORITY.public).is_private()  # what the authority hands out has no secret key
    with pytest.raises(ValueError, match="secret"):
        ts.bfv_vector_from(aggregator.context, aggregator.total()).decrypt()


def test_an_envelope_under_another_key_is_refused_and_the_total_is_untouched() -> None:
    good = vectors(2)
    aggregator = aggregate([he.encrypt(AUTHORITY.public, f"a{i}", v) for i, v in enumerate(good)])
    stranger = he.Authority()
    with pytest.raises(CiphertextRejectedError, match=r"^contribution of rogue rejected: encrypted under another key"):
        aggregator.accept(he.encrypt(stranger.public, "rogue", [999] * CELLS))
    assert aggregator.parties == ["a0", "a1"]
    assert AUTHORITY.decrypt_total(aggregator.total(), CELLS, 2, 1000) == [a + b for a, b in zip(*good, strict=True)]


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda e: he.Envelope(e.party, e.key_id, e.cells, b"not a ciphertext"), "not a BFV ciphertext"),
        (lambda e: he.Envelope(e.party, e.key_id, e.cells, e.ciphertext[: len(e.ciphertext) // 2]), "not a BFV"),
        (lambda e: he.Envelope(e.party, e.key_id, CELLS + 1, e.ciphertext), "cells: 9, this round has 8"),
    ],
)
def test_a_malformed_envelope_is_refused_naming_the_party(mutate: object, reason: str) -> None:
    good = vectors(1)[0]
    aggregator = aggregate([he.encrypt(AUTHORITY.public, "a0", good)])
    bad = mutate(he.encrypt(AUTHORITY.public, "broken", good))  # type: ignore[operator]
    with pytest.raises(CiphertextRejectedError, match=f"contribution of broken rejected: {reason}"):
        aggregator.accept(bad)
    assert AUTHORITY.decrypt_total(aggregator.total(), CELLS, 1, 1000) == good


def test_a_vector_of_the_wrong_length_and_a_second_contribution_are_refused() -> None:
    aggregator = aggregate([he.encrypt(AUTHORITY.public, "a0", vectors(1)[0])])
    short = he.encrypt(AUTHORITY.public, "short", [1, 2, 3])
    with pytest.raises(CiphertextRejectedError, match="holds 3 slots, not 8"):
        aggregator.accept(he.Envelope("short", short.key_id, CELLS, short.ciphertext))
    with pytest.raises(CiphertextRejectedError, match="already contributed"):
        aggregator.accept(he.encrypt(AUTHORITY.public, "a0", vectors(1)[0]))
    assert aggregator.parties == ["a0"]


def test_a_foreign_ciphertext_that_lies_about_its_key_is_caught_by_the_authoritys_range_check() -> None:
    aggregator = aggregate([he.encrypt(AUTHORITY.public, "a0", vectors(1)[0])])
    lie = he.encrypt(he.Authority().public, "liar", [5] * CELLS)
    aggregator.accept(he.Envelope("liar", aggregator.key_id, CELLS, lie.ciphertext))  # no key, no way to tell
    with pytest.raises(StatsError, match="out of range; a contribution was bad"):
        AUTHORITY.decrypt_total(aggregator.total(), CELLS, 2, 1000)


def test_envelopes_from_json_name_the_field() -> None:
    with pytest.raises(CiphertextRejectedError, match="party: "):
        he.Envelope.from_json({"party": "a b", "key_id": "", "cells": 1, "ciphertext": ""})
    with pytest.raises(CiphertextRejectedError, match="contribution of a rejected: ciphertext: not valid base64"):
        he.Envelope.from_json({"party": "a", "key_id": "k", "cells": 1, "ciphertext": "@@@"})
    envelope = he.encrypt(AUTHORITY.public, "a", [1])
    assert he.Envelope.from_json(envelope.json()) == envelope


def test_counts_outside_the_plaintext_range_are_refused_before_encryption() -> None:
    with pytest.raises(StatsError, match=r"counts\[1\]"):
        he.encrypt(AUTHORITY.public, "a", [1, -1])
    with pytest.raises(StatsError, match=r"counts\[0\]"):
        he.encrypt(AUTHORITY.public, "a", [True, 1])  # a bool is no count
    with pytest.raises(StatsError, match=r"counts\[2\]"):
        he.encrypt(AUTHORITY.public, "a", [0, 1, he.MAX_TOTAL])


def test_the_coefficient_modulus_leaves_room_for_thousands_of_additions() -> None:
    """One data prime of 54 bits (secure_sum's docstring): the worst case for the noise is one ciphertext added
    to itself (its noise grows linearly, not as a square root), 4,000 times, and the total is still exact."""
    envelope = he.encrypt(AUTHORITY.public, "a", [100, 0, 7, 100, 1, 2, 3, 100])
    aggregator = he.Aggregator(AUTHORITY.public, CELLS)
    for i in range(4000):
        aggregator.accept(he.Envelope(f"a{i}", envelope.key_id, CELLS, envelope.ciphertext))
    total = AUTHORITY.decrypt_total(aggregator.total(), CELLS, 4000, 100)
    assert total == [4000 * c for c in (100, 0, 7, 100, 1, 2, 3, 100)]
    assert len(envelope.ciphertext) < 70_000  # one 54-bit prime: 2 x 4,096 x 8 bytes at most, plus a header
