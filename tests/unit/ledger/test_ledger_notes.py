"""Signed notes, checkpoints and cosignatures: round trips, and any altered byte fails."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.ledger.checkpoint import (
    Checkpoint,
    CosignatureSigner,
    cosignature_time,
    parse_checkpoint,
    parse_cosignature_key,
)
from sealkeeper.ledger.errors import NoteError
from sealkeeper.ledger.merkle import leaf_hash
from sealkeeper.ledger.note import Ed25519Signer, parse_note, parse_verifier_key, sign_note, verify_note

LOG = Ed25519Signer("example.org/log", Ed25519PrivateKey.generate())
WITNESS = CosignatureSigner("example.org/witness", Ed25519PrivateKey.generate())
BODY = Checkpoint("example.org/log", 12345, leaf_hash(b"root")).body()
NOTE = sign_note(BODY, [LOG])


def test_checkpoint_round_trip() -> None:
    parsed, good = verify_note(NOTE, [parse_verifier_key(str(LOG.verifier))])
    assert good == [LOG.verifier]
    assert parse_checkpoint(parsed.text) == Checkpoint("example.org/log", 12345, leaf_hash(b"root"))
    assert str(parsed) == NOTE


def test_extension_lines_are_kept() -> None:
    body = Checkpoint("example.org/log", 1, leaf_hash(b"r"), ("ext one", "ext two")).body()
    assert parse_checkpoint(body).extensions == ("ext one", "ext two")


def test_cosignature_round_trip() -> None:
    line = WITNESS.sign_line(BODY.encode(), 1_700_000_000)
    cosigned = NOTE + line
    key = parse_cosignature_key(str(WITNESS.verifier))
    parsed, good = verify_note(cosigned, [key, LOG.verifier])
    assert set(good) == {key, LOG.verifier}
    assert cosignature_time(parsed.signatures[1].signature) == 1_700_000_000


def test_cosignature_time_is_signed() -> None:
    line = WITNESS.sign_line(BODY.encode(), 1_700_000_000)
    raw = bytearray(base64.b64decode(line.split(" ")[2]))
    raw[11] ^= 1  # inside the 8-byte timestamp (after the 4-byte key ID)
    forged = line.split(" ")[0] + " " + line.split(" ")[1] + " " + base64.b64encode(bytes(raw)).decode() + "\n"
    with pytest.raises(NoteError):
        verify_note(NOTE + forged, [WITNESS.verifier])


def test_an_ed25519_key_is_not_a_cosignature_key() -> None:
    with pytest.raises(NoteError):
        parse_cosignature_key(str(LOG.verifier))
    with pytest.raises(NoteError):
        parse_verifier_key(str(WITNESS.verifier))


@settings(max_examples=300, deadline=None)
@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_any_bit_flip_in_a_signed_checkpoint_fails(position: int, bit: int) -> None:
    raw = bytearray(NOTE.encode("utf-8"))
    raw[position % len(raw)] ^= 1 << bit
    with pytest.raises(NoteError):
        _checked(bytes(raw))


def _checked(note: bytes) -> Checkpoint:
    parsed, _ = verify_note(note, [LOG.verifier])
    return parse_checkpoint(parsed.text)


@pytest.mark.parametrize(
    "note",
    [
        "no blank line\n— a AAAAAAA=\n",
        "text\n\n",
        "text\n\n— a AAAAAAA=",
        "text\n\n- a AAAAAAA=\n",
        "text\n\n— a+b AAAAAAAA\n",
        "te\x07xt\n\n— a AAAAAAAA\n",
        "text\n\n— a AAA\n",
        "text\n\n— a not-base64!\n",
    ],
)
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(NoteError):
        parse_note(note)


@pytest.mark.parametrize(
    "body",
    [
        "origin\n012\nAAAA\n",
        "origin\n12\n" + base64.b64encode(b"short").decode() + "\n",
        "origin\n-1\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "\n12\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n12\n" + base64.b64encode(bytes(32)).decode() + "\n\n",
        "origin\n12\n",
    ],
)
def test_malformed_checkpoints_are_refused(body: str) -> None:
    with pytest.raises(NoteError):
        parse_checkpoint(body)


def test_a_note_needs_a_signer_and_a_final_newline() -> None:
    with pytest.raises(NoteError):
        sign_note("text", [LOG])
    with pytest.raises(NoteError):
        sign_note("text\n", [])
