"""SM2 signature lines in C2SP signed notes: the second signature on checkpoints of a ``gm`` deployment.

signed-note assigns one-byte signature types (0x01 Ed25519, 0x02 ECDSA, 0x04 cosignatures, 0x05 RFC 6962) and
reserves 0xff for types it does not assign, "followed by a longer identifier that is unlikely to collide". SM2
has no assigned byte, so its type is ``SM2_SM3``: 0xff followed by the ASCII identifier
``sealkeeper/sm2-sm3/v1``. It cannot collide with Ed25519 (0x01): the key ID hashes the whole type, and a
verifier key names it:

    key ID       = SHA-256(key name ‖ 0x0A ‖ 0xff ‖ "sealkeeper/sm2-sm3/v1" ‖ public key)[:4]
    verifier key = name + "+" + hex(key ID) + "+" + base64(0xff ‖ "sealkeeper/sm2-sm3/v1" ‖ public key)
    signature    = base64(key ID ‖ DER SEQUENCE {r, s})

The public key is the uncompressed point 0x04 ‖ X ‖ Y (65 bytes); the signature is SM2 (GB/T 32918.2) over
SM3(Z_A ‖ note text) with the default distinguishing ID ``1234567812345678``, so ``openssl pkeyutl -verify
-rawin -digest sm3 -pkeyopt distid:1234567812345678`` checks it too. Verifiers that know only the Ed25519 key
ignore this line, as signed-note requires of unknown keys.

This module stays pure: the SM2 arithmetic (``sealkeeper.vault.sm2``, OpenSSL) is passed in as functions.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field

from sealkeeper.ledger.errors import NoteError
from sealkeeper.ledger.note import DASH, check_name, format_verifier_key, key_id, split_verifier_key

SM2_SM3 = b"\xff" + b"sealkeeper/sm2-sm3/v1"
POINT_BYTES = 65

#: (public point, message, signature) -> whether the signature verifies
CheckSm2 = Callable[[bytes, bytes, bytes], bool]


@dataclass(frozen=True)
class Sm2Verifier:
    name: str
    public: bytes
    check: CheckSm2 = field(compare=False, repr=False)

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, SM2_SM3, self.public)

    def verify(self, text: bytes, signature: bytes) -> bool:
        return self.check(self.public, text, signature)

    def __str__(self) -> str:
        return format_verifier_key(self.name, SM2_SM3, self.public)


@dataclass(frozen=True)
class Sm2Signer:
    name: str
    public: bytes
    sign: Callable[[bytes], bytes] = field(compare=False, repr=False)  # message -> DER signature
    check: CheckSm2 = field(compare=False, repr=False)

    @property
    def verifier(self) -> Sm2Verifier:
        return Sm2Verifier(check_name(self.name), self.public, self.check)

    def sign_line(self, text: bytes) -> str:
        raw = self.verifier.key_id + self.sign(text)
        return f"{DASH}{self.name} {base64.b64encode(raw).decode('ascii')}\n"


def is_sm2_key(vkey: str) -> bool:
    """Whether a verifier key is of the SM2 type (its other fields unchecked)."""
    parts = vkey.strip().split("+", 2)
    try:
        return len(parts) == 3 and base64.b64decode(parts[2], validate=True).startswith(SM2_SM3)
    except binascii.Error:
        return False


def parse_sm2_verifier_key(vkey: str, check: CheckSm2) -> Sm2Verifier:
    """An SM2 verifier key ``name+keyid+base64(SM2_SM3 ‖ point)``; the key ID must match."""
    name, kid, raw = split_verifier_key(vkey)
    if len(raw) != len(SM2_SM3) + POINT_BYTES or not raw.startswith(SM2_SM3) or raw[len(SM2_SM3)] != 0x04:
        raise NoteError("verifier key: not an SM2 key (type 0xff sealkeeper/sm2-sm3/v1, a 65-byte point)")
    verifier = Sm2Verifier(check_name(name), raw[len(SM2_SM3) :], check)
    if len(kid) != 4 or kid != verifier.key_id:
        raise NoteError("verifier key: the key ID does not match the name and key")
    return verifier
