"""SM2 signature lines in signed notes (the gm suite's second checkpoint signature), with OpenSSL's SM2."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.ledger.checkpoint import Checkpoint
from sealkeeper.ledger.errors import NoteError
from sealkeeper.ledger.merkle import leaf_hash
from sealkeeper.ledger.note import (
    ED25519,
    Ed25519Signer,
    key_id,
    parse_note,
    parse_verifier_key,
    sign_note,
    verify_note,
)
from sealkeeper.ledger.sm2_note import SM2_SM3, Sm2Signer, is_sm2_key, parse_sm2_verifier_key
from sealkeeper.vault import sm2

NAME = "example.org/log"
PEM = sm2.generate_private_pem()
ED = Ed25519Signer(NAME, Ed25519PrivateKey.generate())
SM = Sm2Signer(NAME, sm2.public_point(PEM), lambda text: sm2.sign(PEM, text), sm2.verify)
BODY = Checkpoint(NAME, 12345, leaf_hash(b"root")).body()
NOTE = sign_note(BODY, [ED, SM])


def test_a_gm_checkpoint_carries_both_lines_and_both_verify() -> None:
    parsed, good = verify_note(NOTE, [ED.verifier, SM.verifier])
    assert good == [ED.verifier, SM.verifier]
    assert [s.name for s in parsed.signatures] == [NAME, NAME]
    assert [s.key_id for s in parsed.signatures] == [ED.verifier.key_id, SM.verifier.key_id]


def test_an_ed25519_only_verifier_ignores_the_sm2_line() -> None:
    _, good = verify_note(NOTE, [parse_verifier_key(str(ED.verifier))])
    assert good == [ED.verifier]


def test_the_sm2_type_is_0xff_and_an_identifier_never_the_ed25519_key_id() -> None:
    assert SM2_SM3[0] == 0xFF
    assert SM2_SM3[1:] == b"sealkeeper/sm2-sm3/v1"
    raw = base64.b64decode(str(SM.verifier).split("+", 2)[2])
    assert raw == SM2_SM3 + SM.public
    assert SM.verifier.key_id != key_id(NAME, ED25519, SM.public)
    assert parse_sm2_verifier_key(str(SM.verifier), sm2.verify) == SM.verifier
    assert is_sm2_key(str(SM.verifier))
    assert not is_sm2_key(str(ED.verifier))


@pytest.mark.parametrize(
    "vkey",
    [
        str(ED.verifier),  # an Ed25519 key is not an SM2 key
        str(SM.verifier).replace("+", "+00", 1),  # wrong key ID
        f"{NAME}+{SM.verifier.key_id.hex()}+" + base64.b64encode(SM2_SM3 + SM.public[:-1]).decode(),  # short point
        f"{NAME}+{SM.verifier.key_id.hex()}",
    ],
    ids=["ed25519-key", "wrong-key-id", "short-point", "no-key"],  # stable ids: the keys are random per run
)
def test_malformed_sm2_keys_are_refused(vkey: str) -> None:
    with pytest.raises(NoteError):
        parse_sm2_verifier_key(vkey, sm2.verify)


@given(st.data())
def test_any_bit_flip_in_the_sm2_line_fails_the_note(data: st.DataObject) -> None:
    line = parse_note(NOTE).signatures[1]
    raw = bytearray(line.key_id + line.signature)
    bit = data.draw(st.integers(0, 8 * len(raw) - 1))
    raw[bit // 8] ^= 1 << (bit % 8)
    forged = BODY + "\n" + ED.sign_line(BODY.encode()) + f"\u2014 {NAME} {base64.b64encode(bytes(raw)).decode()}\n"
    if bit < 32:  # a changed key ID: a line from an unknown key, ignored, so the SM2 key has not signed
        assert verify_note(forged, [ED.verifier, SM.verifier])[1] == [ED.verifier]
    else:
        with pytest.raises(NoteError, match="does not verify"):
            verify_note(forged, [ED.verifier, SM.verifier])
