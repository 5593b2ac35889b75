"""The document signing key in the home: ``<home>/document-signing.key`` (I/O; the rest of the package is pure).

The file holds the raw Ed25519 private key as hex on one line, mode 0600, like the vault's key file: created
atomically (:mod:`sealkeeper.privatefiles`: never half-written, never overwritten, so a key once made is
never replaced), refused when it is not a regular file or
is accessible to group or others. Errors name the path, never the key.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from sealkeeper.documents.errors import SigningKeyError
from sealkeeper.documents.signing import KEY_BYTES
from sealkeeper.privatefiles import write_private_file

FILE_NAME = "document-signing.key"


def key_path(home: str | os.PathLike[str]) -> Path:
    return Path(home) / FILE_NAME


def create_signing_key(home: str | os.PathLike[str]) -> Path:
    """Write a new signing key (mode 0600; the home is made 0700 if missing); :class:`SigningKeyError` if one
    is already there."""
    path = key_path(home)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        write_private_file(path, os.urandom(KEY_BYTES).hex().encode("ascii") + b"\n", replace=False)
    except FileExistsError:
        raise SigningKeyError(f"document signing key {path} already exists: it is never replaced") from None
    except OSError as exc:
        raise SigningKeyError(f"document signing key {path} cannot be written: {exc.strerror}") from None
    return path


def load_signing_key(home: str | os.PathLike[str]) -> bytes:
    """The raw 32-byte private key from the home's key file."""
    path = key_path(home)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise SigningKeyError(
            f"document signing key {path} not found (create it once with create_signing_key)"
        ) from None
    except OSError as exc:
        raise SigningKeyError(f"document signing key {path} cannot be read: {exc.strerror}") from None
    try:
        _check_private(path, os.fstat(fd))
        data = b""
        while chunk := os.read(fd, 4096):
            data += chunk
    finally:
        os.close(fd)
    try:
        key = bytes.fromhex(data.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise SigningKeyError(f"document signing key {path} is not a hex key") from None
    if len(key) != KEY_BYTES:
        raise SigningKeyError(f"document signing key {path} does not hold {KEY_BYTES} key bytes")
    return key


def _check_private(path: Path, st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise SigningKeyError(f"document signing key {path} is not a regular file")
    if st.st_mode & 0o077:
        raise SigningKeyError(
            f"document signing key {path} is accessible to group or others (mode {stat.S_IMODE(st.st_mode):04o}):"
            f" refusing to use it; run `chmod 600 {path}`"
        )


def ensure_signing_key(home: str | os.PathLike[str]) -> bytes:
    """Load the home's signing key, creating it first if there is none (idempotent; for ``init``)."""
    if not key_path(home).exists():
        with contextlib.suppress(SigningKeyError):  # another process made it first: load theirs
            create_signing_key(home)
    return load_signing_key(home)
