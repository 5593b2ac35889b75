"""C2SP tlog-checkpoint (the note body of a signed tree head) and C2SP tlog-cosignature (witnesses).

Checkpoint body: the origin line, the tree size in decimal, the base64 root hash, then optional extension
lines, each ending in a newline. A cosignature (signature type 0x04) is a signed-note signature whose bytes
are an 8-byte big-endian UNIX time followed by an Ed25519 signature over
``"cosignature/v1\\ntime <time>\\n" + checkpoint body``. The time is a parameter: nothing here reads a clock.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sealkeeper.ledger.errors import NoteError
from sealkeeper.ledger.merkle import HASH_SIZE
from sealkeeper.ledger.note import DASH, check_name, format_verifier_key, key_id

COSIGNATURE = 0x04


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        if len(self.root) != HASH_SIZE or self.size < 0:
            raise NoteError("a checkpoint has a size >= 0 and a 32-byte root")
        lines = [check_origin(self.origin), str(self.size), base64.b64encode(self.root).decode("ascii")]
        return "".join(line + "\n" for line in [*lines, *self.extensions])


def check_origin(origin: str) -> str:
    if not origin or origin != origin.strip() or "\n" in origin:
        raise NoteError("a checkpoint origin is one non-empty line without surrounding spaces")
    return origin


def parse_checkpoint(text: str) -> Checkpoint:
    """tlog-checkpoint: parse a note text (the signed part of the note, ending in a newline)."""
    if not text.endswith("\n"):
        raise NoteError("a checkpoint body ends in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("a checkpoint body has an origin, a size and a root hash")
    origin, size_text, root_text, *extensions = lines
    if not size_text.isdigit() or not size_text.isascii() or (size_text != "0" and size_text.startswith("0")):
        raise NoteError("checkpoint size is not a decimal without leading zeros")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error:
        raise NoteError("checkpoint root hash is not base64") from None
    if len(root) != HASH_SIZE:
        raise NoteError("checkpoint root hash is not 32 bytes")
    if any(not line for line in extensions):
        raise NoteError("checkpoint extension lines are not empty")
    return Checkpoint(check_origin(origin), int(size_text), root, tuple(extensions))


def cosigned_message(body: bytes, timestamp: int) -> bytes:
    """tlog-cosignature: the bytes a witness signs for ``body`` at ``timestamp``."""
    if not 0 <= timestamp < 1 << 63:
        raise NoteError("cosignature time out of range")
    return b"cosignature/v1\ntime " + str(timestamp).encode("ascii") + b"\n" + body


@dataclass(frozen=True)
class CosignatureVerifier:
    name: str
    public: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, COSIGNATURE, self.public)

    def verify(self, text: bytes, signature: bytes) -> bool:
        if len(signature) != 8 + 64:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature[8:], cosigned_message(text, timestamp))
        except (InvalidSignature, ValueError, NoteError):
            return False
        return True

    def __str__(self) -> str:
        return format_verifier_key(self.name, COSIGNATURE, self.public)


@dataclass(frozen=True)
class CosignatureSigner:
    name: str
    private: Ed25519PrivateKey

    @property
    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(check_name(self.name), self.private.public_key().public_bytes_raw())

    def sign_line(self, body: bytes, timestamp: int) -> str:
        sig = self.private.sign(cosigned_message(body, timestamp))
        raw = self.verifier.key_id + timestamp.to_bytes(8, "big") + sig
        return f"{DASH}{self.name} {base64.b64encode(raw).decode('ascii')}\n"


def parse_cosignature_key(vkey: str) -> CosignatureVerifier:
    """A witness verifier key ``name+keyid+base64(0x04 ‖ pub)``; the key ID must match."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteError("a witness key is name+keyid+base64(0x04 ‖ public key)")
    try:
        raw = base64.b64decode(parts[2], validate=True)
        kid = bytes.fromhex(parts[1])
    except (binascii.Error, ValueError):
        raise NoteError("witness key: bad key ID or base64") from None
    if len(raw) != 33 or raw[0] != COSIGNATURE:
        raise NoteError("witness key: not a cosignature/v1 key (type 0x04, 32 bytes)")
    verifier = CosignatureVerifier(check_name(parts[0]), raw[1:])
    if kid != verifier.key_id:
        raise NoteError("witness key: the key ID does not match the name and key")
    return verifier


def cosignature_time(signature: bytes) -> int:
    if len(signature) != 72:
        raise NoteError("a cosignature is 8 bytes of time and 64 bytes of signature")
    return int.from_bytes(signature[:8], "big")
