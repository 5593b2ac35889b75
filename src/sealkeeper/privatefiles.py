"""Writing a private file (mode 0600) so that a reader never sees it half-written (I/O, stdlib only).

Used for every key the home holds: the vault's key file, the document signing key and the ledger's keys. The
data goes to a temporary file in the same directory, created 0600 with O_EXCL and fsynced; it then appears
whole under its name, by ``os.replace`` (``replace=True``) or by a hard link, which refuses to overwrite; the
directory is fsynced so the name survives a crash. Two processes creating the same key at once therefore
cannot hand each other an empty file: one wins, the other gets :class:`FileExistsError` and reads the winner's.
"""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from pathlib import Path


def write_private_file(path: Path, data: bytes, *, replace: bool) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600. :class:`FileExistsError` when ``replace`` is
    false and ``path`` exists; other :class:`OSError` as raised (callers wrap them in their own error)."""
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, path)
        else:
            _link_no_clobber(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(tmp)


def _link_no_clobber(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        # No hard links on this file system: check, then rename (callers that need more hold a directory lock).
        if os.path.lexists(path):
            raise FileExistsError(path) from None
        os.replace(tmp, path)
