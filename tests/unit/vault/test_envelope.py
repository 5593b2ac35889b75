"""Field envelope: a ciphertext opens only at its own record, field, version and suite, under its own key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.errors import IntegrityError, VaultError
from sealkeeper.vault.envelope import field_aad, new_data_key, new_index_key, open_field, seal_field, seal_fields
from sealkeeper.vault.suites import GM, INTL, CipherSuite

SUITES = [INTL, GM]
names = st.text(min_size=1, max_size=30)
versions = st.integers(min_value=0, max_value=2**64 - 1)


@settings(max_examples=200, deadline=None)
@given(suite=st.sampled_from(SUITES), record_id=names, field=names, version=versions, text=st.text(max_size=200))
def test_round_trip(suite: CipherSuite, record_id: str, field: str, version: int, text: str) -> None:
    dek = new_data_key(suite)
    blob = seal_field(suite, dek, record_id, field, version, text)
    assert open_field(suite, dek, record_id, field, version, blob) == text


@settings(max_examples=200, deadline=None)
@given(a=st.tuples(names, names, names, versions), b=st.tuples(names, names, names, versions))
def test_associated_data_is_injective(a: tuple[str, str, str, int], b: tuple[str, str, str, int]) -> None:
    assert (field_aad(*a) == field_aad(*b)) == (a == b)


def test_separators_cannot_collide() -> None:
    assert field_aad("intl", "a|b", "c", 1) != field_aad("intl", "a", "b|c", 1)
    assert field_aad("intl", "ab", "c", 1) != field_aad("intl", "a", "bc", 1)


@settings(max_examples=150, deadline=None)
@given(
    suite=st.sampled_from(SUITES),
    place=st.tuples(names, names, versions),
    moved=st.tuples(names, names, versions),
    text=st.text(max_size=50),
)
def test_moved_ciphertext_fails_naming_record_and_field(
    suite: CipherSuite, place: tuple[str, str, int], moved: tuple[str, str, int], text: str
) -> None:
    if place == moved:
        return
    dek = new_data_key(suite)
    blob = seal_field(suite, dek, *place, text)
    with pytest.raises(IntegrityError) as caught:
        open_field(suite, dek, *moved, blob)
    assert f"record {moved[0]}: field {moved[1]}" in str(caught.value)


@settings(max_examples=150, deadline=None)
@given(suite=st.sampled_from(SUITES), text=st.text(max_size=40), data=st.data())
def test_any_flipped_bit_fails(suite: CipherSuite, text: str, data: st.DataObject) -> None:
    dek = new_data_key(suite)
    blob = bytearray(seal_field(suite, dek, "r-1", "name", 3, text))
    bit = data.draw(st.integers(0, len(blob) * 8 - 1), label="bit")
    blob[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(IntegrityError, match="record r-1: field name"):
        open_field(suite, dek, "r-1", "name", 3, bytes(blob))


def test_other_suite_and_other_key_fail() -> None:
    blob = seal_field(INTL, new_data_key(INTL), "r-1", "name", 1, "x")
    with pytest.raises(IntegrityError, match="record r-1: field name"):
        open_field(GM, new_data_key(GM), "r-1", "name", 1, blob)
    with pytest.raises(IntegrityError, match="record r-1: field name"):
        open_field(INTL, new_data_key(INTL), "r-1", "name", 1, blob)


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_messages_never_carry_plaintext(suite: CipherSuite) -> None:
    marker = "CANARY-张三-110101199003074258"
    dek = new_data_key(suite)
    blob = seal_field(suite, dek, "r-9", "name", 1, marker)
    assert marker.encode() not in blob
    with pytest.raises(IntegrityError) as caught:
        open_field(suite, dek, "r-9", "address", 1, blob)
    assert "CANARY" not in str(caught.value)
    with pytest.raises(VaultError) as bad_text:
        seal_field(suite, dek, "r-9", "name", 1, "CANARY\ud800")
    assert "CANARY" not in str(bad_text.value)
    assert "\ud800" not in str(bad_text.value)


@pytest.mark.parametrize(
    ("record_id", "field", "version"),
    [("", "name", 1), ("r", "", 1), ("r", "name", -1), ("r", "name", True), ("r", "name", 2**64)],
)
def test_malformed_places_are_refused(record_id: str, field: str, version: int) -> None:
    with pytest.raises(VaultError, match="associated data"):
        seal_field(INTL, new_data_key(INTL), record_id, field, version, "x")


def test_keys_are_fresh_and_sized() -> None:
    assert len(new_data_key(INTL)) == 32
    assert len(new_data_key(GM)) == 16
    assert len(new_index_key(GM)) == 32
    assert new_data_key(INTL) != new_data_key(INTL)
    with pytest.raises(VaultError, match="key"):
        seal_field(INTL, new_data_key(GM), "r", "name", 1, "x")


@settings(max_examples=100, deadline=None)
@given(
    suite=st.sampled_from(SUITES),
    record_id=names,
    version=versions,
    fields=st.dictionaries(names, st.text(max_size=60), min_size=1, max_size=4),
)
def test_fields_sealed_together_open_one_by_one_at_their_own_place(
    suite: CipherSuite, record_id: str, version: int, fields: dict[str, str]
) -> None:
    dek = new_data_key(suite)
    pairs = list(fields.items())
    blobs = seal_fields(suite, dek, record_id, version, pairs)
    assert len({blob[1:13] for blob in blobs}) == len(blobs)  # a fresh nonce each
    for (field, text), blob in zip(pairs, blobs, strict=True):
        assert open_field(suite, dek, record_id, field, version, blob) == text
        for other, _ in pairs:
            if other != field:
                with pytest.raises(IntegrityError):
                    open_field(suite, dek, record_id, other, version, blob)


def test_fields_sealed_together_refuse_what_one_field_refuses() -> None:
    dek = new_data_key(INTL)
    with pytest.raises(VaultError, match="associated data"):
        seal_fields(INTL, dek, "", 1, [("name", "x")])
    with pytest.raises(VaultError, match="associated data"):
        seal_fields(INTL, dek, "r", 1, [("name", "x"), ("", "y")])
    with pytest.raises(VaultError, match="associated data"):
        seal_fields(INTL, dek, "r", -1, [("name", "x")])
    with pytest.raises(VaultError) as bad_text:
        seal_fields(INTL, dek, "r-9", 1, [("name", "ok"), ("address", "CANARY\ud800")])
    assert "field address" in str(bad_text.value)
    assert "CANARY" not in str(bad_text.value)
