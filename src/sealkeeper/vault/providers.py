"""The key-provider interface: key-encryption keys (KEKs) that wrap per-person data keys.

A provider holds one or more KEKs, each with an id. :meth:`KeyProvider.wrap` always uses the current
KEK and records its id in the :class:`WrappedKey`; :meth:`KeyProvider.unwrap` uses the KEK named there.
Rotation (:meth:`KeyProvider.rotate`) adds a new current KEK while the old ones keep unwrapping, so data
keys can be re-wrapped in the background without downtime; :meth:`KeyProvider.retire` destroys an old
KEK once nothing is wrapped under it any more (the caller must make sure of that: a data key still
wrapped under a retired KEK is lost).

Implementations: ``keyfile.KeyFileProvider`` (default) and ``pkcs11.Pkcs11Provider`` (HSM).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from sealkeeper.errors import VaultError

DATA_KEY_LENGTHS = (16, 32)  # SM4 (GB/T 32907) and AES-256 data keys
_KEK_ID = re.compile(r"k([1-9][0-9]{0,8})-[0-9a-f]{8}")


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A data key encrypted under the KEK ``kek_id``; safe to store in the database."""

    kek_id: str
    blob: bytes

    def __repr__(self) -> str:
        return f"WrappedKey(kek_id={self.kek_id!r}, blob=<{len(self.blob)} bytes>)"


@runtime_checkable
class KeyProvider(Protocol):
    """Where the key-encryption keys live. Every method raises only :class:`VaultError` subclasses."""

    @property
    def name(self) -> str:
        """The provider kind: ``"keyfile"`` or ``"pkcs11"``."""
        ...

    def current_kek_id(self) -> str:
        """The id of the KEK that :meth:`wrap` uses."""
        ...

    def kek_ids(self) -> list[str]:
        """Every KEK that can still unwrap, oldest first (the current one last)."""
        ...

    def wrap(self, dek: bytes) -> WrappedKey:
        """Encrypt a data key under the current KEK."""
        ...

    def unwrap(self, wrapped: WrappedKey) -> bytes:
        """The data key; :class:`KeyUnavailableError` if the KEK is unknown or retired, or the blob does
        not unwrap under it (wrong or lost key)."""
        ...

    def rotate(self) -> str:
        """Create a new KEK and make it current; returns its id. Older KEKs still unwrap."""
        ...

    def retire(self, kek_id: str) -> None:
        """Destroy an old KEK. Refuses the current one. Data keys still wrapped under it become unreadable."""
        ...

    def close(self) -> None:
        """Release the provider (sessions, in-memory keys). Further calls raise :class:`VaultError`."""
        ...


def new_kek_id(existing: list[str]) -> str:
    """A new KEK id ``k<n>-<8 hex>``: ``n`` is one more than the highest in ``existing`` (so ids sort by
    age), the random suffix keeps ids from different key files or tokens apart."""
    return f"k{max((kek_sequence(k) for k in existing), default=0) + 1}-{secrets.token_hex(4)}"


def kek_sequence(kek_id: str) -> int:
    """The ``n`` of a KEK id ``k<n>-<hex>``; :class:`VaultError` if the id is malformed."""
    match = _KEK_ID.fullmatch(kek_id) if isinstance(kek_id, str) else None
    if match is None:
        raise VaultError(f"malformed key-encryption key id {kek_id!r}")
    return int(match.group(1))


def is_kek_id(value: str) -> bool:
    """True if ``value`` has the form of a KEK id."""
    return isinstance(value, str) and _KEK_ID.fullmatch(value) is not None


def sorted_kek_ids(ids: list[str]) -> list[str]:
    """KEK ids oldest first (by sequence number, then id, so that two processes rotating at once agree)."""
    return sorted(ids, key=lambda kek_id: (kek_sequence(kek_id), kek_id))


def check_data_key(dek: bytes, allowed: tuple[int, ...] = DATA_KEY_LENGTHS) -> None:
    """Refuse empty, non-bytes or wrongly sized data keys before wrapping them."""
    if not isinstance(dek, bytes) or not dek:
        raise VaultError("data key is empty or not bytes")
    if len(dek) not in allowed:
        raise VaultError(f"data key must be {' or '.join(map(str, allowed))} bytes, got {len(dek)}")
