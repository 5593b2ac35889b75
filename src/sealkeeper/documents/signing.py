"""Signing documents with Ed25519 and checking them (pure: keys are bytes given by the caller).

``sign(document, private_key)`` signs the canonical payload (``payload.payload_of``) with the raw 32-byte
Ed25519 private key and returns a :class:`SignedDocument`: the payload, the 64-byte signature, the id of the
public key (first 8 bytes of its SHA-256, hex) and the verification code derived from the signature
(``code.code_for_signature``). Ed25519 signatures are deterministic, so one document signed with one key always
gets the same code. ``verify(payload, signature, public_key)`` says whether the signature holds;
``open_signed`` also reads the document back and checks a typed code against it.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sealkeeper.documents.code import code_for_signature, normalize_code
from sealkeeper.documents.errors import SignatureError
from sealkeeper.documents.model import Document, Kind
from sealkeeper.documents.payload import document_from_payload, payload_of

KEY_BYTES = 32
SIGNATURE_BYTES = 64


@dataclass(frozen=True, slots=True)
class SignedDocument:
    """What the service stores (by ``code``) and what a PDF is rendered from."""

    kind: Kind
    payload: str = field(repr=False)  # holds the printed name: never in a log
    signature: bytes
    key_id: str
    code: str

    @property
    def document(self) -> Document:
        return document_from_payload(self.payload)


def _signer(private_key: bytes) -> tuple[Ed25519PrivateKey, str]:
    """The key object and the id of its public key."""
    if not isinstance(private_key, bytes) or len(private_key) != KEY_BYTES:
        raise SignatureError(f"a document signing key is {KEY_BYTES} raw bytes (Ed25519 private key)")
    return _loaded(private_key)


@functools.lru_cache(maxsize=8)
def _loaded(private_key: bytes) -> tuple[Ed25519PrivateKey, str]:
    """Made once per key: a service signs every certificate with one key, and loading it and deriving the
    public key each time cost more than the signature."""
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    return key, key_id(key.public_key().public_bytes_raw())


def public_key(private_key: bytes) -> bytes:
    """The raw 32-byte public key of a raw Ed25519 private key."""
    return _signer(private_key)[0].public_key().public_bytes_raw()


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:16]


def sign(document: Document, private_key: bytes) -> SignedDocument:
    """Sign ``document``'s canonical payload."""
    key, public_id = _signer(private_key)
    payload = payload_of(document)
    try:
        data = payload.encode("utf-8")
    except UnicodeEncodeError:
        raise SignatureError(f"{document.kind}: a field holds text that is not valid Unicode") from None
    signature = key.sign(data)
    return SignedDocument(document.kind, payload, signature, public_id, code_for_signature(signature))


def verification_code(signed: SignedDocument) -> str:
    """The printed verification code of a signed document (derived from its signature, not trusted as stored)."""
    return code_for_signature(signed.signature)


def verify(payload: str | bytes, signature: bytes, public: bytes) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature of ``payload`` (UTF-8 if text) under ``public``."""
    if len(public) != KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def open_signed(payload: str | bytes, signature: bytes, public: bytes, typed_code: str | None = None) -> Document:
    """The document behind a stored or presented payload, after checking its signature (and, if given, that
    ``typed_code`` is this signature's code); :class:`SignatureError` or ``CodeError`` otherwise."""
    if not verify(payload, signature, public):
        raise SignatureError("the document's signature does not verify under the office's public key")
    if typed_code is not None and normalize_code(typed_code) != code_for_signature(signature):
        raise SignatureError("the verification code does not belong to this document")
    return document_from_payload(payload)
