"""C2SP signed-note: text signed by one or more keys, with Ed25519 signatures (signature type 0x01); SM2 lines
(the ``gm`` suite) are in ``sm2_note``.

    <text ending in a newline>
    <empty line>
    — <key name> base64(4-byte key ID || signature)

Key ID = SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4]; a verifier key is written
``name+hex(key ID)+base64(signature type ‖ public key)``. Verification ignores signatures from unknown keys,
rejects the note when a known key's signature fails, and rejects it when no known key signed it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sealkeeper.ledger.errors import NoteError

ED25519 = 0x01
DASH = "\u2014 "
MAX_SIGNATURES = 64
MAX_NOTE_BYTES = 1 << 20


def _type_bytes(sig_type: int | bytes) -> bytes:
    return bytes([sig_type]) if isinstance(sig_type, int) else sig_type


def key_id(name: str, sig_type: int | bytes, public: bytes) -> bytes:
    """signed-note §Signatures: SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4]; a type is one byte,
    or 0xff followed by a longer identifier."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + _type_bytes(sig_type) + public).digest()[:4]


def check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name) or any(ord(c) < 0x20 for c in name):
        raise NoteError(f"key name {name!r} is empty or holds a space or a plus sign")
    return name


class Verifier(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def verify(self, text: bytes, signature: bytes) -> bool: ...


class Signer(Protocol):
    def sign_line(self, text: bytes) -> str: ...


@dataclass(frozen=True)
class Ed25519Verifier:
    name: str
    public: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, ED25519, self.public)

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, text)
        except (InvalidSignature, ValueError):
            return False
        return True

    def __str__(self) -> str:
        return format_verifier_key(self.name, ED25519, self.public)


@dataclass(frozen=True)
class Ed25519Signer:
    name: str
    private: Ed25519PrivateKey

    @property
    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(check_name(self.name), self.private.public_key().public_bytes_raw())

    def sign_line(self, text: bytes) -> str:
        sig = self.verifier.key_id + self.private.sign(text)
        return f"{DASH}{self.name} {base64.b64encode(sig).decode('ascii')}\n"


def format_verifier_key(name: str, sig_type: int | bytes, public: bytes) -> str:
    encoded = base64.b64encode(_type_bytes(sig_type) + public).decode("ascii")
    return f"{check_name(name)}+{key_id(name, sig_type, public).hex()}+{encoded}"


def split_verifier_key(vkey: str) -> tuple[str, bytes, bytes]:
    """A note verifier key ``name+keyid+base64(type ‖ public key)`` cut into (name, key ID, type ‖ key)."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteError("a verifier key is name+keyid+base64(type ‖ public key)")
    name, hexid, encoded = parts
    try:
        return name, bytes.fromhex(hexid), base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("verifier key: bad key ID or base64") from None


def parse_verifier_key(vkey: str) -> Ed25519Verifier:
    """An Ed25519 verifier key ``name+keyid+base64(0x01 ‖ pub)``; the key ID must match."""
    name, kid, raw = split_verifier_key(vkey)
    if len(raw) != 33 or raw[0] != ED25519:
        raise NoteError("verifier key: not an Ed25519 key (type 0x01, 32 bytes)")
    verifier = Ed25519Verifier(check_name(name), raw[1:])
    if len(kid) != 4 or kid != verifier.key_id:
        raise NoteError("verifier key: the key ID does not match the name and key")
    return verifier


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        return f"{DASH}{self.name} {base64.b64encode(self.key_id + self.signature).decode('ascii')}\n"


@dataclass(frozen=True)
class Note:
    text: str  # ends with a newline
    signatures: tuple[Signature, ...]

    def __str__(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)


def _parse_signature(line: str) -> Signature:
    if not line.startswith(DASH):
        raise NoteError("a signature line starts with an em dash and a space")
    fields = line[len(DASH) :].split(" ")
    if len(fields) != 2:
        raise NoteError("a signature line is: em dash, key name, base64 signature")
    name, encoded = fields
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise NoteError("signature is not base64") from None
    if base64.b64encode(raw).decode("ascii") != encoded:  # unused bits set: one signature, two spellings
        raise NoteError("signature is not canonical base64")
    if len(raw) < 5:
        raise NoteError("signature is shorter than a key ID")
    return Signature(check_name(name), raw[:4], raw[4:])


def parse_note(note: str | bytes) -> Note:
    """Split a signed note into its text and signatures (nothing is verified here)."""
    if isinstance(note, bytes):
        if len(note) > MAX_NOTE_BYTES:
            raise NoteError("note is too large")
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("note is not UTF-8") from None
    if len(note.encode("utf-8")) > MAX_NOTE_BYTES:
        raise NoteError("note is too large")
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("note holds a control character other than newline")
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise NoteError("note has no blank line before its signatures, or does not end in a newline")
    text, lines = note[: split + 1], note[split + 2 :].splitlines()
    if not lines or len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has {len(lines)} signatures (1 to {MAX_SIGNATURES} allowed)")
    return Note(text, tuple(_parse_signature(line) for line in lines))


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    if not text.endswith("\n") or not signers:
        raise NoteError("a note text ends in a newline and is signed by at least one key")
    body = text.encode("utf-8")
    return text + "\n" + "".join(s.sign_line(body) for s in signers)


def verify_note(note: str | bytes | Note, verifiers: Iterable[Verifier]) -> tuple[Note, list[Verifier]]:
    """The note and the known keys whose signatures verify; NoteError if a known one fails or none is known."""
    parsed = note if isinstance(note, Note) else parse_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    body = parsed.text.encode("utf-8")
    good: list[Verifier] = []
    for sig in parsed.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(body, sig.signature):
            raise NoteError(f"the signature of {sig.name} does not verify")
        good.append(verifier)
    if not good:
        raise NoteError("no signature from a known key")
    return parsed, good
