"""Envelope encryption of one person's fields (DESIGN.md, "Data protection").

Each person has a random data key (DEK); the DEK is wrapped by a key provider's KEK (``providers``) and
every identity or narrative field is sealed under the DEK with the suite's AEAD (``suites``). The
associated data (NIST SP 800-38D §5.2.1: "AAD") binds the ciphertext to the suite, record id, field and
version, so a ciphertext copied to another record, field or version fails with :class:`IntegrityError`.

Messages name the record id and field (record ids are pseudonymous) and never any plaintext.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from sealkeeper.errors import IntegrityError, VaultError
from sealkeeper.vault.suites import CipherSuite

AAD_LABEL = b"sealkeeper/field/v1"
_MAX_VERSION = 2**64 - 1


def _part(value: str, what: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise VaultError(f"associated data: {what} must be a non-empty string")
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError:
        raise VaultError(f"associated data: {what} is not valid Unicode") from None
    return len(raw).to_bytes(4, "big") + raw


def field_aad(suite_name: str, record_id: str, field: str, version: int) -> bytes:
    """Canonical associated data: a label, then suite, record id and field each with a 4-byte length
    prefix, then the version as 8 bytes big-endian. Length prefixes make the encoding injective:
    ``("a|b", "c")`` and ``("a", "b|c")`` give different bytes.
    """
    return _record_aad(suite_name, record_id) + _part(field, "field") + _version_aad(version)


def _record_aad(suite_name: str, record_id: str) -> bytes:
    """The first half of :func:`field_aad`, the same for every field of a record."""
    return AAD_LABEL + _part(suite_name, "suite") + _part(record_id, "record id")


def _version_aad(version: int) -> bytes:
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= _MAX_VERSION:
        raise VaultError(f"associated data: version must be an integer in 0..2^64-1, got {version!r}")
    return version.to_bytes(8, "big")


def new_data_key(suite: CipherSuite) -> bytes:
    """A fresh random data key of the suite's length (os.urandom: the kernel CSPRNG)."""
    return os.urandom(suite.data_key_bytes)


def new_index_key(suite: CipherSuite) -> bytes:
    """A fresh random blind-index key (32 bytes for both suites). Store it wrapped, like a data key."""
    return os.urandom(suite.index_key_bytes)


def seal_field(  # noqa: PLR0917 - positional, in the order of the associated data
    suite: CipherSuite, dek: bytes, record_id: str, field: str, version: int, plaintext: str
) -> bytes:
    """Encrypt ``plaintext`` (UTF-8) under ``dek`` bound to (suite, record id, field, version)."""
    aad = field_aad(suite.name, record_id, field, version)
    try:
        data = plaintext.encode("utf-8")
    except UnicodeEncodeError:
        # The codec's message quotes the offending character: keep it out of logs.
        raise VaultError(f"record {record_id}: field {field}: text is not valid Unicode") from None
    return suite.encrypt(dek, data, aad)


def seal_fields(
    suite: CipherSuite, dek: bytes, record_id: str, version: int, fields: Sequence[tuple[str, str]]
) -> list[bytes]:
    """:func:`seal_field` of several (field, plaintext) pairs of one record and version, in one batch."""
    common, tail = _record_aad(suite.name, record_id), _version_aad(version)
    aads = [common + _part(field, "field") + tail for field, _ in fields]
    try:
        data = [plaintext.encode("utf-8") for _, plaintext in fields]
    except UnicodeEncodeError:
        bad = next(f for f, text in fields if not _encodable(text))
        raise VaultError(f"record {record_id}: field {bad}: text is not valid Unicode") from None
    return suite.encrypt_many(dek, list(zip(data, aads, strict=True)))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def open_field(  # noqa: PLR0917 - positional, in the order of the associated data
    suite: CipherSuite, dek: bytes, record_id: str, field: str, version: int, blob: bytes
) -> str:
    """Decrypt a blob from :func:`seal_field`; :class:`IntegrityError` naming record and field if it
    belongs elsewhere (another record, field, version or suite), was altered, or the key is not its key.
    """
    aad = field_aad(suite.name, record_id, field, version)
    try:
        data = suite.decrypt(dek, blob, aad)
    except IntegrityError as exc:
        raise IntegrityError(
            f"record {record_id}: field {field} (version {version}): {exc} "
            "(moved from another record, field or version, altered, or sealed under another key)"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise IntegrityError(f"record {record_id}: field {field}: authenticated data is not UTF-8 text") from None
