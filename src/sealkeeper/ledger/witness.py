"""A witness's decision on an add-checkpoint request (C2SP tlog-witness), without I/O or a clock.

Request body: ``old <size>``, up to 63 base64 consistency-proof lines, an empty line, then the signed
checkpoint note. The witness cosigns only a checkpoint signed by a log it knows, whose old size is the size
it last cosigned for that origin, and that is consistent with what it last saw; the same size with another
root is a fork, refused with 409 and a message that says so.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sealkeeper.ledger.checkpoint import Checkpoint, CosignatureSigner, parse_checkpoint
from sealkeeper.ledger.errors import NoteError, ProofError
from sealkeeper.ledger.merkle import verify_consistency
from sealkeeper.ledger.note import Verifier, parse_note, verify_note

MAX_PROOF_LINES = 63
SIZE_TYPE = "text/x.tlog.size"


@dataclass(frozen=True)
class Seen:
    size: int
    root: bytes


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: str
    update: tuple[str, Seen] | None = None  # (origin, new state) to persist before answering


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", message + "\n")


def parse_request(body: bytes) -> tuple[int, list[bytes], str]:
    text = body.decode("utf-8")
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise NoteError("request has no empty line before the checkpoint")
    lines = head.split("\n")
    old_line, proof_lines = lines[0], lines[1:]
    if not old_line.startswith("old ") or not old_line[4:].isdigit() or old_line[4:] != str(int(old_line[4:])):
        raise NoteError("the first line is `old <size>` in decimal without leading zeros")
    if len(proof_lines) > MAX_PROOF_LINES:
        raise NoteError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    try:
        proof = [base64.b64decode(line, validate=True) for line in proof_lines]
    except binascii.Error:
        raise NoteError("a consistency proof line is not base64") from None
    return int(old_line[4:]), proof, note


def add_checkpoint(
    body: bytes,
    logs: Mapping[str, Sequence[Verifier]],
    state: Mapping[str, Seen],
    signer: CosignatureSigner,
    timestamp: int,
) -> Answer:
    """Decide one request: the answer and, when cosigned, the state to persist first."""
    try:
        old, proof, note_text = parse_request(body)
        note = parse_note(note_text)
        checkpoint: Checkpoint = parse_checkpoint(note.text)
    except (NoteError, UnicodeDecodeError) as exc:
        return _text(400, f"bad request: {exc}")
    verifiers = logs.get(checkpoint.origin)
    if verifiers is None:
        return _text(404, f"unknown log origin {checkpoint.origin}")
    try:
        verify_note(note, verifiers)
    except NoteError as exc:
        return _text(403, f"checkpoint signature: {exc}")
    refusal = _refusal(old, proof, checkpoint, state.get(checkpoint.origin))
    if refusal is not None:
        return refusal
    line = signer.sign_line(note.text.encode("utf-8"), timestamp)
    return Answer(200, "text/plain; charset=utf-8", line, (checkpoint.origin, Seen(checkpoint.size, checkpoint.root)))


def _refusal(old: int, proof: Sequence[bytes], checkpoint: Checkpoint, seen: Seen | None) -> Answer | None:
    """Why this checkpoint cannot be cosigned after ``seen`` (None: it can)."""
    if old > checkpoint.size:
        return _text(400, f"old size {old} is larger than the checkpoint size {checkpoint.size}")
    if old != (seen.size if seen else 0):
        return Answer(409, SIZE_TYPE, f"{seen.size if seen else 0}\n")
    if seen is None:
        return _text(422, "the consistency proof must be empty when the old size is 0") if proof else None
    return _checked_growth(old, proof, checkpoint, seen)


def _checked_growth(old: int, proof: Sequence[bytes], checkpoint: Checkpoint, seen: Seen) -> Answer | None:
    if seen.size == checkpoint.size:
        if seen.root == checkpoint.root:
            return None
        message = f"the log {checkpoint.origin} signed two different roots for tree size {checkpoint.size}"
        return _text(409, f"fork: {message}; refusing to cosign")
    try:
        verify_consistency(old, checkpoint.size, seen.root, checkpoint.root, proof)
    except ProofError as exc:
        return _text(422, f"fork: not consistent with the checkpoint of size {old} seen before ({exc})")
    return None
