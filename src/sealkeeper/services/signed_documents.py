"""What certificates and letters share: the home's signing key, storing a signed document, reading one back,
checking it for a third party, and the person's name for printing.

The signed payload prints the person's name, so it is stored sealed under the person's data key (AEAD bound to
the document's code), like their identity: the ``documents`` table holds no name and no ID number, and a
deletion (crypto-shredding) takes the stored documents' content with it. Code, kind, subject token, day and
signature stay in clear.

The document signing key is ``<home>/document-signing.key`` (``documents.keyfile``). It is created at the
first use (the first document issued), not at ``init``: a home made before documents existed gets one the
same way, and a home that never issues a document has none. It is read once per process.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from sealkeeper.config import Settings
from sealkeeper.documents import (
    CodeError,
    Kind,
    SignatureError,
    SignedDocument,
    ensure_signing_key,
    key_id,
    key_path,
    load_signing_key,
    normalize_code,
    public_key,
)
from sealkeeper.documents import verify as verify_signature
from sealkeeper.errors import SealkeeperError, StoreError
from sealkeeper.services.protection import Protector
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.store import document_repository as docs
from sealkeeper.store import repository as repo

_KEYS: dict[str, bytes] = {}


class DocumentNotFoundError(SealkeeperError):
    """No document is stored under this verification code (or none of this kind)."""


@dataclass(frozen=True)
class IssuedDocument:
    """A document as issued: its code, kind and day; ``pdf`` only when asked for (rendering takes a while)."""

    code: str
    kind: str
    issued_on: dt.date
    subject: str = field(repr=False)
    pdf: bytes | None = field(default=None, repr=False)


def signing_key(settings: Settings) -> bytes:
    """The home's document signing key, made at the first use (see the module's docstring)."""
    home = str(settings.home)
    if home not in _KEYS:
        _KEYS[home] = ensure_signing_key(settings.home)
    return _KEYS[home]


def _public_key(settings: Settings) -> bytes | None:
    """The public key to check documents with; None when this home never signed one."""
    home = str(settings.home)
    if home in _KEYS:
        return public_key(_KEYS[home])
    if not key_path(settings.home).exists():
        return None
    _KEYS[home] = load_signing_key(settings.home)
    return public_key(_KEYS[home])


PAYLOAD_FIELD = "document_payload"


def store(
    conn: Connection, sealer: Sealer, signed: SignedDocument, issued_on: dt.date, *, while_keyed: bool = False
) -> bool:
    """Store a signed document, its payload sealed under the person's key. ``while_keyed``: only if the
    person's data key has not been destroyed meanwhile (False then, and nothing written)."""
    sealed = sealer.protector.seal(sealer.key, signed.code, PAYLOAD_FIELD, 1, signed.payload)
    text = base64.b64encode(sealed).decode("ascii")
    row = (signed.code, str(signed.kind), sealer.token, issued_on, text, signed.signature)
    if while_keyed:
        return docs.store_document_while_keyed(conn, *row)
    docs.store_document(conn, *row)
    return True


def payload_of_row(conn: Connection, protector: Protector, row: Any) -> str:
    """The signed payload of a stored row, opened in memory (KeyDestroyedError after the person's deletion)."""
    key = person_key(conn, protector, str(row.subject))
    return protector.unseal(key, str(row.code), PAYLOAD_FIELD, 1, base64.b64decode(str(row.payload)))


def issued_event(signed: SignedDocument, subject: str, at: dt.datetime, **extra: Any) -> dict[str, Any]:
    """The ledger event of an issuance: the kind, a digest of the signature (not the code: the code is the
    capability to verify), the subject (the ledger commits it) and what the caller adds. No name, no number."""
    digest = hashlib.sha256(signed.signature).hexdigest()
    return {"type": "document.issued", "kind": str(signed.kind), "document": digest, "subject": subject,
            "key_id": signed.key_id, "at": at.isoformat(), **extra}  # fmt: skip


def canonical_code(code: str) -> str:
    """The stored form of a typed code; CodeError (a 4xx naming ``code``) when it cannot be one."""
    try:
        return normalize_code(code)
    except CodeError as exc:
        raise CodeError(f"code: {exc}").coded(exc.code, **exc.params) from None


def signed_from_row(settings: Settings, row: Any, payload: str) -> SignedDocument:
    """A stored row and its opened payload as a signed document, after checking the signature."""
    public = _public_key(settings)
    if public is None:
        raise StoreError(f"document signing key {key_path(settings.home)} is missing: no document can be checked")
    if not verify_signature(payload, bytes(row.signature), public):
        raise SignatureError.of(ServiceRefusal.STORED_PAYLOAD_UNVERIFIED, document=row.code)
    return SignedDocument(Kind(row.kind), payload, bytes(row.signature), key_id(public), str(row.code))


def check(settings: Settings, row: Any, payload: str) -> bool:
    """Whether a stored row's signature verifies its payload under this home's key."""
    public = _public_key(settings)
    return public is not None and verify_signature(payload, bytes(row.signature), public)


def person_key(conn: Connection, protector: Protector, token: str) -> bytes:
    """The person's data key (KeyDestroyedError once they were deleted)."""
    kek_id, blob = repo.wrapped_keys(conn, [token]).get(token, (None, None))
    return protector.data_key(token, kek_id, blob)


@dataclass(frozen=True)
class Sealer:
    """What sealing a document under one person's key takes."""

    protector: Protector
    token: str
    key: bytes = field(repr=False)


def open_person(conn: Connection, protector: Protector, token: str) -> tuple[Sealer, str]:
    """The person's sealer and their name, decrypted in memory for printing (only the name field is opened)."""
    return person_of_row(protector, token, docs.identity_and_key(conn, token))


def person_of_row(protector: Protector, token: str, row: Any) -> tuple[Sealer, str]:
    """As ``open_person``, from a row read already with the person's sealed name and wrapped key (columns
    ``version``, ``name``, ``keyed``, ``kek_id``, ``wrapped``; None: none stored)."""
    if row is None or row.name is None or row.keyed is None:
        raise StoreError.of(ServiceRefusal.NO_NAME_STORED, subject=token)
    key = protector.data_key(token, row.kek_id, None if row.wrapped is None else bytes(row.wrapped))
    return Sealer(protector, token, key), protector.unseal(key, token, "name", row.version, bytes(row.name))
