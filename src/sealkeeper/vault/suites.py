"""Cipher suites: one authenticated cipher and one keyed hash per deployment.

``intl``
    AES-256-GCM (FIPS 197, NIST SP 800-38D) and HMAC-SHA-256 (RFC 2104, FIPS 180-4).
``gm``
    SM4-GCM (GB/T 32907-2016 block cipher in the SP 800-38D mode, as RFC 8998 profiles it) and
    HMAC-SM3 (RFC 2104 over GB/T 32905-2016), the algorithms GB/T 39786 expects of Chinese government systems.

A ciphertext blob is self-describing: ``format byte || 12-byte nonce || ciphertext || 16-byte tag``.
The nonce is random (SP 800-38D §8.2.2); data keys are per person, so each key sees a handful of
invocations, far below the 2^32 limit of §8.3. The format byte is authenticated as well (it is prepended
to the associated data), so a blob cannot be relabelled as another suite's.

Associated data must not be empty: every ciphertext is bound to where it lives (see ``envelope``).
Errors never carry key bytes or plaintext.
"""

from __future__ import annotations

import hashlib
import hmac as _stdlib_hmac
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sealkeeper.errors import IntegrityError, VaultError

NONCE_BYTES = 12  # SP 800-38D §5.2.1.1: 96-bit IVs are the recommended length
TAG_BYTES = 16  # SP 800-38D §5.2.1.2: full 128-bit tags
INDEX_KEY_BYTES = 32  # RFC 2104 §3: a key at least as long as the hash output (both hashes give 32 bytes)
_CHECK_LABEL = b"sealkeeper/key-check/v1"
_AUTH_FAILED = "ciphertext failed authentication"

# (key, nonce, data, aad) -> bytes; the open function raises InvalidTag.
_AeadFn = Callable[[bytes, bytes, bytes, bytes], bytes]


def aes_gcm_seal(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM authenticated encryption, SP 800-38D §7.1; returns ciphertext || tag."""
    return AESGCM(key).encrypt(nonce, plaintext, aad)


def aes_gcm_open(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    """AES-256-GCM authenticated decryption, SP 800-38D §7.2; raises InvalidTag on any change."""
    return AESGCM(key).decrypt(nonce, sealed, aad)


def sm4_gcm_seal(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """SM4-GCM encryption: GB/T 32907 SM4 as the block cipher of SP 800-38D §7.1 (RFC 8998 §3.1)."""
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return body + encryptor.tag


def sm4_gcm_open(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    """SM4-GCM decryption, SP 800-38D §7.2 over GB/T 32907 SM4; raises InvalidTag on any change."""
    body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


def _require_key(key: bytes, length: int, what: str) -> None:
    if not isinstance(key, bytes) or not key:
        raise VaultError(f"{what} is empty or not bytes")
    if len(key) != length:
        raise VaultError(f"{what} must be {length} bytes, got {len(key)}")


@dataclass(frozen=True, slots=True)
class CipherSuite:
    """One deployment's algorithms. Use :data:`INTL` or :data:`GM` (or :func:`suite_by_name`)."""

    name: str
    """``"intl"`` or ``"gm"``; stored with the data and bound into every field's associated data."""
    data_key_bytes: int
    """Length of data keys and key-file KEKs: 32 (AES-256) or 16 (SM4, GB/T 32907 §5)."""
    aead_name: str
    hash_name: str
    format_byte: int
    _seal: _AeadFn
    _open: _AeadFn
    _hash: Callable[[], hashes.HashAlgorithm]

    @property
    def index_key_bytes(self) -> int:
        """Length of blind-index keys: 32 bytes for both HMAC-SHA-256 and HMAC-SM3."""
        return INDEX_KEY_BYTES

    def encrypt(self, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
        """Seal ``plaintext`` under ``key`` bound to ``aad``: ``format || nonce || ciphertext || tag``."""
        _require_key(key, self.data_key_bytes, f"{self.name} {self.aead_name} key")
        if not aad:
            raise VaultError("associated data must not be empty: bind every ciphertext to its place")
        nonce = os.urandom(NONCE_BYTES)
        head = bytes((self.format_byte,))
        return head + nonce + self._seal(key, nonce, plaintext, head + aad)

    def encrypt_many(self, key: bytes, items: Sequence[tuple[bytes, bytes]]) -> list[bytes]:
        """:meth:`encrypt` of several (plaintext, associated data) pairs under one key: the same blobs, each
        with its own random nonce, for one key check, one cipher object and one read of the CSPRNG."""
        _require_key(key, self.data_key_bytes, f"{self.name} {self.aead_name} key")
        if not all(aad for _, aad in items):
            raise VaultError("associated data must not be empty: bind every ciphertext to its place")
        head = bytes((self.format_byte,))
        nonces = os.urandom(NONCE_BYTES * len(items))
        seal = _bound(self._seal, key)
        out = []
        for i, (plaintext, aad) in enumerate(items):
            nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
            out.append(head + nonce + seal(nonce, plaintext, head + aad))
        return out

    def decrypt(self, key: bytes, blob: bytes, aad: bytes) -> bytes:
        """Open a blob from :meth:`encrypt`; :class:`IntegrityError` if it was changed or bound elsewhere."""
        _require_key(key, self.data_key_bytes, f"{self.name} {self.aead_name} key")
        if not aad:
            raise VaultError("associated data must not be empty: bind every ciphertext to its place")
        if len(blob) < 1 + NONCE_BYTES + TAG_BYTES:
            raise IntegrityError(f"{_AUTH_FAILED} (blob too short)")
        if blob[0] != self.format_byte:
            raise IntegrityError(f"{_AUTH_FAILED} (not a {self.name} {self.aead_name} blob)")
        nonce = blob[1 : 1 + NONCE_BYTES]
        try:
            return self._open(key, nonce, blob[1 + NONCE_BYTES :], blob[:1] + aad)
        except InvalidTag:
            raise IntegrityError(_AUTH_FAILED) from None

    def blind_index(self, key: bytes, value: str) -> bytes:
        """Keyed blind index (RFC 2104 HMAC with the suite's hash) of ``value``, 32 bytes.

        Deterministic per key, so equal values can be looked up without storing them. Normalising the
        value (strip, upper-case the check digit ``x`` of an ID number, ...) is the caller's job: this
        hashes the exact UTF-8 bytes. Use a separate index key per indexed field.
        """
        _require_key(key, INDEX_KEY_BYTES, f"{self.name} blind-index key")
        if not value:
            raise VaultError("refusing to index an empty value")
        return self._mac(key, value.encode("utf-8"))

    def check_value(self, key: bytes) -> bytes:
        """Key check value: the first 8 bytes of HMAC(key, label); detects a corrupt or substituted key."""
        if not isinstance(key, bytes) or not key:
            raise VaultError("key is empty or not bytes")
        return self._mac(key, _CHECK_LABEL)[:8]

    def _mac(self, key: bytes, data: bytes) -> bytes:
        name = _hashlib_name(self._hash)
        if name is not None:  # the same RFC 2104 HMAC, in one C call
            return _stdlib_hmac.digest(key, data, name)
        mac = hmac.HMAC(key, self._hash())
        mac.update(data)
        return mac.finalize()


@cache
def _hashlib_name(algorithm: Callable[[], hashes.HashAlgorithm]) -> str | None:
    """The hash's name in the standard library's hashlib, if its OpenSSL offers it (SM3 depends on the
    build); None: use cryptography's HMAC."""
    name = algorithm().name
    return name if name in hashlib.algorithms_available else None


def _bound(seal: _AeadFn, key: bytes) -> Callable[[bytes, bytes, bytes], bytes]:
    """``seal`` with its key fixed; AES-GCM keeps one cipher object (its key schedule) for all messages."""
    if seal is aes_gcm_seal:
        return AESGCM(key).encrypt
    return partial(seal, key)


def same_bytes(a: bytes, b: bytes) -> bool:
    """Constant-time comparison, for check values and index tags."""
    return _stdlib_hmac.compare_digest(a, b)


INTL = CipherSuite("intl", 32, "AES-256-GCM", "SHA-256", 0x01, aes_gcm_seal, aes_gcm_open, hashes.SHA256)
GM = CipherSuite("gm", 16, "SM4-GCM", "SM3", 0x02, sm4_gcm_seal, sm4_gcm_open, hashes.SM3)
SUITES: dict[str, CipherSuite] = {INTL.name: INTL, GM.name: GM}


def suite_by_name(name: str) -> CipherSuite:
    """The suite called ``name``; :class:`VaultError` for anything but ``intl`` and ``gm``."""
    try:
        return SUITES[name]
    except (KeyError, TypeError):
        raise VaultError(f"unknown cipher suite {name!r}: expected one of {', '.join(sorted(SUITES))}") from None
