"""The default key provider: key-encryption keys in a local key file, mode 0600, outside the database.

The file (format in ``_keyfile_io``) holds the suite's KEKs by id, the current id and a check value per
KEK. Data keys are wrapped with the suite's AEAD (AES-256-GCM for ``intl``, SM4-GCM for ``gm``; NIST
SP 800-38D) under the KEK, with associated data ``b"sealkeeper/kek-wrap/v1" + kek_id``, so a wrapped key
only opens under the KEK it names. The wrapped blob is the suite's self-describing ciphertext.

Every change (create, rotate, retire) writes a new file atomically (0600 temporary file, fsync, rename)
under a directory lock, after re-reading the file, so concurrent rotations do not lose KEKs. A running
provider notices when another process rewrote the file (a ``stat``: on every ``current_kek_id``/``kek_ids``,
at most once per ``WRAP_RECHECK_SECONDS`` in ``wrap``, and whenever ``unwrap`` meets an unknown KEK id) and
reloads it, so the service wraps under the new KEK after ``sealkeeper keys rotate`` without a restart.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from sealkeeper.errors import IntegrityError, KeyUnavailableError, VaultError
from sealkeeper.vault._keyfile_io import (
    KeyFileState,
    Stamp,
    locked_directory,
    parse,
    read_private_file,
    serialize,
    stamp_of,
    write_private_file,
)
from sealkeeper.vault.providers import DATA_KEY_LENGTHS, WrappedKey, check_data_key, new_kek_id, sorted_kek_ids
from sealkeeper.vault.suites import CipherSuite

WRAP_AAD_LABEL = b"sealkeeper/kek-wrap/v1"
WRAP_RECHECK_SECONDS = 1.0


def wrap_aad(kek_id: str) -> bytes:
    """Associated data for wrapping under ``kek_id``."""
    return WRAP_AAD_LABEL + kek_id.encode("ascii")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class KeyFileProvider:
    """KEKs from a key file. Make one with :meth:`create` (new installation) or :meth:`open`."""

    def __init__(self, path: Path, state: KeyFileState, stamp: Stamp | None) -> None:
        self._path = path
        self._state: KeyFileState | None = state
        self._stamp = stamp
        self._checked = time.monotonic()

    @classmethod
    def create(cls, path: str | os.PathLike[str], suite: CipherSuite) -> KeyFileProvider:
        """Write a new key file with one fresh KEK; :class:`VaultError` if ``path`` already exists.
        A missing parent directory is created with mode 0700."""
        target = Path(path)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        kek_id = new_kek_id([])
        state = KeyFileState(suite, kek_id, {kek_id: os.urandom(suite.data_key_bytes)}, {kek_id: _now()})
        with locked_directory(target.parent):
            write_private_file(target, serialize(state), replace=False)
            stamp = stamp_of(target)
        return cls(target, state, stamp)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> KeyFileProvider:
        """Open an existing key file; :class:`KeyUnavailableError` if it is missing, unreadable, readable
        by group or others, malformed, or a KEK does not match its check value."""
        target = Path(path)
        data, stamp = read_private_file(target)
        return cls(target, parse(target, data), stamp)

    @property
    def name(self) -> str:
        return "keyfile"

    @property
    def path(self) -> Path:
        return self._path

    @property
    def suite(self) -> CipherSuite:
        return self._live().suite

    def current_kek_id(self) -> str:
        self._refresh()
        return self._live().current

    def kek_ids(self) -> list[str]:
        self._refresh()
        return sorted_kek_ids(list(self._live().keks))

    def wrap(self, dek: bytes) -> WrappedKey:
        """Wrap a data key or blind-index key (16 or 32 bytes) under the current KEK."""
        check_data_key(dek)
        if time.monotonic() - self._checked > WRAP_RECHECK_SECONDS:
            self._refresh()
        state = self._live()
        kek_id = state.current
        return WrappedKey(kek_id, state.suite.encrypt(state.keks[kek_id], dek, wrap_aad(kek_id)))

    def unwrap(self, wrapped: WrappedKey) -> bytes:
        if not isinstance(wrapped, WrappedKey):
            raise VaultError("unwrap needs a WrappedKey")
        key = self._live().keks.get(wrapped.kek_id)
        if key is None:  # perhaps another process rotated: look at the file again
            self._refresh()
            key = self._live().keks.get(wrapped.kek_id)
        if key is None:
            raise KeyUnavailableError(
                f"data key is wrapped under key-encryption key {wrapped.kek_id!r}, which key file {self._path} "
                "does not hold (retired, or a different key file): wrong or lost key"
            )
        state = self._live()
        try:
            dek = state.suite.decrypt(key, wrapped.blob, wrap_aad(wrapped.kek_id))
        except IntegrityError:
            raise KeyUnavailableError(
                f"data key wrapped under key-encryption key {wrapped.kek_id!r} does not unwrap with key file "
                f"{self._path}: wrong or lost key, or the wrapped key was altered"
            ) from None
        if len(dek) not in DATA_KEY_LENGTHS:
            raise KeyUnavailableError(f"key file {self._path}: unwrapped data key has the wrong length")
        return dek

    def rotate(self) -> str:
        """Add a new KEK and make it current; the file is re-read first and rewritten atomically."""
        with locked_directory(self._path.parent):
            self._reload()
            state = self._live()
            kek_id = new_kek_id(list(state.keks))
            keks = {**state.keks, kek_id: os.urandom(state.suite.data_key_bytes)}
            self._write(KeyFileState(state.suite, kek_id, keks, {**state.created, kek_id: _now()}))
        return kek_id

    def retire(self, kek_id: str) -> None:
        """Remove an old KEK from the file. Refuses the current KEK and ids the file does not hold."""
        with locked_directory(self._path.parent):
            self._reload()
            state = self._live()
            if kek_id == state.current:
                raise VaultError(f"refusing to retire the current key-encryption key {kek_id!r}: rotate first")
            if kek_id not in state.keks:
                raise VaultError(f"key file {self._path} holds no key-encryption key {kek_id!r}")
            keks = {k: v for k, v in state.keks.items() if k != kek_id}
            created = {k: v for k, v in state.created.items() if k != kek_id}
            self._write(KeyFileState(state.suite, state.current, keks, created))

    def close(self) -> None:
        """Forget the keys held in memory (best effort: Python cannot wipe ``bytes``)."""
        self._state = None

    def __enter__(self) -> KeyFileProvider:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _live(self) -> KeyFileState:
        if self._state is None:
            raise VaultError(f"key provider for {self._path} is closed")
        return self._state

    def _refresh(self) -> None:
        self._live()
        if stamp_of(self._path) != self._stamp:
            self._reload()
        self._checked = time.monotonic()

    def _reload(self) -> None:
        self._live()
        data, stamp = read_private_file(self._path)
        state = parse(self._path, data)
        if state.suite != self._live().suite:
            raise KeyUnavailableError(
                f"key file {self._path} now holds {state.suite.name} keys, not {self._live().suite.name}: "
                "a different key file was put in its place"
            )
        self._state, self._stamp = state, stamp

    def _write(self, state: KeyFileState) -> None:
        write_private_file(self._path, serialize(state), replace=True)
        self._state, self._stamp = state, stamp_of(self._path)
