"""Signing: the signature verifies, fails after any change to the payload or the signature or under another key;
the verification code comes from the signature, so a stored code cannot be made to fit another document."""

from __future__ import annotations

import dataclasses

import pytest
from doc_helpers import CASE_NO, HOLDER, KEY, OTHER_KEY, SEALED_LABEL, SEALED_SEXUAL, SHOWN_LABEL, certificate, letter
from doc_strategies import documents
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.documents import (
    Certificate,
    CodeError,
    Document,
    Kind,
    SignatureError,
    normalize_code,
    open_signed,
    public_key,
    sign,
    verification_code,
    verify,
)

PUBLIC = public_key(KEY)
SIGNED = sign(certificate("minor_contact_employment", SEALED_SEXUAL), KEY)


@given(documents)
def test_a_signed_document_verifies_and_reads_back(doc: Document) -> None:
    signed = sign(doc, KEY)
    assert verify(signed.payload, signed.signature, PUBLIC)
    assert open_signed(signed.payload, signed.signature, PUBLIC, signed.code) == doc
    assert signed.document == doc
    assert signed.kind == doc.kind


@given(st.data())
def test_any_bit_flip_in_the_payload_fails_verification(data: st.DataObject) -> None:
    payload = bytearray(SIGNED.payload.encode("utf-8"))
    bit = data.draw(st.integers(0, len(payload) * 8 - 1))
    payload[bit // 8] ^= 1 << (bit % 8)
    assert not verify(bytes(payload), SIGNED.signature, PUBLIC)


@given(st.data())
def test_any_bit_flip_in_the_signature_fails_verification(data: st.DataObject) -> None:
    signature = bytearray(SIGNED.signature)
    bit = data.draw(st.integers(0, len(signature) * 8 - 1))
    signature[bit // 8] ^= 1 << (bit % 8)
    assert not verify(SIGNED.payload, bytes(signature), PUBLIC)


def test_another_key_does_not_verify() -> None:
    assert not verify(SIGNED.payload, SIGNED.signature, public_key(OTHER_KEY))
    with pytest.raises(SignatureError, match="does not verify"):
        open_signed(SIGNED.payload, SIGNED.signature, public_key(OTHER_KEY))


@pytest.mark.parametrize(("signature", "public"), [(b"short", PUBLIC), (SIGNED.signature, b"short")])
def test_malformed_signatures_and_keys_do_not_verify(signature: bytes, public: bytes) -> None:
    assert not verify(SIGNED.payload, signature, public)


def test_a_changed_field_changes_the_signature_and_the_code() -> None:
    doc = SIGNED.document
    assert isinstance(doc, Certificate)
    changed = sign(dataclasses.replace(doc, purpose="general", entries=(), exceptions=()), KEY)
    assert (changed.signature, changed.code) != (SIGNED.signature, SIGNED.code)
    with pytest.raises(SignatureError, match="does not belong"):
        open_signed(SIGNED.payload, SIGNED.signature, PUBLIC, changed.code)


def test_signing_is_deterministic_and_the_code_is_derived_from_the_signature() -> None:
    again = sign(SIGNED.document, KEY)
    assert again == SIGNED
    assert verification_code(SIGNED) == SIGNED.code == normalize_code(SIGNED.code.lower())
    assert sign(SIGNED.document, OTHER_KEY).code != SIGNED.code


def test_a_mistyped_code_is_a_code_error() -> None:
    typed = ("0" if SIGNED.code[0] != "0" else "1") + SIGNED.code[1:]
    with pytest.raises(CodeError):
        open_signed(SIGNED.payload, SIGNED.signature, PUBLIC, typed)


def test_the_key_id_names_the_public_key() -> None:
    assert SIGNED.key_id == sign(letter(Kind.REFUSAL), KEY).key_id != sign(letter(Kind.REFUSAL), OTHER_KEY).key_id


@pytest.mark.parametrize("key", [b"", b"\x00" * 31, b"\x00" * 64])
def test_a_private_key_is_32_raw_bytes(key: bytes) -> None:
    with pytest.raises(SignatureError, match="32 raw bytes"):
        sign(letter(Kind.REFUSAL), key)


def test_a_lone_surrogate_is_refused_when_signing() -> None:
    doc = dataclasses.replace(letter(Kind.REFUSAL), records=("\ud800",))
    with pytest.raises(SignatureError, match="not valid Unicode"):
        sign(doc, KEY)


def test_reprs_show_no_name_record_or_payload() -> None:
    doc = certificate("minor_contact_employment", SEALED_SEXUAL)
    shown = repr(doc) + repr(sign(doc, KEY)) + repr(letter(Kind.REFUSAL))
    for private in (HOLDER, SEALED_LABEL, SHOWN_LABEL, CASE_NO):
        assert private not in shown
    assert "refusal" in shown
    assert "cn.juvenile.over_five_years" in shown
