"""Reading, checking and atomically writing the key file (format version 1). Used by ``keyfile``.

Format (JSON, UTF-8)::

    {"format": "sealkeeper-keyfile", "version": 1, "suite": "intl" | "gm", "current": "<kek id>",
     "keks": {"<kek id>": {"key": "<base64>", "check": "<hex, 8 bytes>", "created": "<ISO 8601 UTC>"}}}

``check`` is the suite's key check value (``CipherSuite.check_value``), so a damaged or substituted key is
detected when the file is opened rather than when a data key fails to unwrap. Messages name the path and
the KEK id, never key bytes.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sealkeeper import privatefiles
from sealkeeper.errors import KeyUnavailableError, VaultError
from sealkeeper.vault.providers import is_kek_id
from sealkeeper.vault.suites import SUITES, CipherSuite, same_bytes

FORMAT = "sealkeeper-keyfile"
VERSION = 1
Stamp = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class KeyFileState:
    """The parsed content of a key file. ``keks`` maps KEK id to key bytes (never shown in repr)."""

    suite: CipherSuite
    current: str
    keks: Mapping[str, bytes] = field(repr=False)
    created: Mapping[str, str]


def stamp_of(path: Path) -> Stamp | None:
    """What identifies one version of the file (device, inode, size, mtime, ctime); None if it is gone."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read_private_file(path: Path) -> tuple[bytes, Stamp]:
    """Read the key file, refusing it unless it is a regular file that only its owner can access."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise KeyUnavailableError(
            f"key file {path} not found: the key-encryption keys are missing (restore the key file from its "
            "backup; `sealkeeper init` makes a new one only for a new installation)"
        ) from None
    except OSError as exc:
        raise KeyUnavailableError(f"key file {path} cannot be read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise KeyUnavailableError(f"key file {path} is not a regular file")
        if st.st_mode & 0o077:
            raise KeyUnavailableError(
                f"key file {path} is accessible to group or others (mode {stat.S_IMODE(st.st_mode):04o}): "
                f"refusing to use it; run `chmod 600 {path}`"
            )
        data = handle.read()
    return data, (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def parse(path: Path, data: bytes) -> KeyFileState:
    """Validate and decode the key file; :class:`KeyUnavailableError` naming the path if anything is off."""

    def corrupt(problem: str) -> KeyUnavailableError:
        return KeyUnavailableError(f"key file {path} is corrupt or not a sealkeeper key file: {problem}")

    try:
        doc = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError):
        raise corrupt("not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise corrupt(f'no "format": "{FORMAT}"')
    if doc.get("version") != VERSION:
        raise corrupt(f"unsupported key file version {doc.get('version')!r} (this build reads {VERSION})")
    suite_name = doc.get("suite")
    suite = SUITES.get(suite_name) if isinstance(suite_name, str) else None
    if suite is None:
        raise corrupt(f"unknown cipher suite {doc.get('suite')!r}")
    entries = doc.get("keks")
    if not isinstance(entries, dict) or not entries:
        raise corrupt("no key-encryption keys")
    keks: dict[str, bytes] = {}
    created: dict[str, str] = {}
    for kek_id, entry in entries.items():
        if not is_kek_id(kek_id) or not isinstance(entry, dict):
            raise corrupt(f"malformed entry {kek_id!r}")
        key, check, made = entry.get("key"), entry.get("check"), entry.get("created")
        try:
            raw = base64.b64decode(key, validate=True) if isinstance(key, str) else b""
            expected = bytes.fromhex(check) if isinstance(check, str) else b""
        except (binascii.Error, ValueError):
            raise corrupt(f"key-encryption key {kek_id}: key or check value is not encoded properly") from None
        if len(raw) != suite.data_key_bytes:
            raise corrupt(f"key-encryption key {kek_id}: expected {suite.data_key_bytes} key bytes")
        if not same_bytes(suite.check_value(raw), expected):
            raise corrupt(f"key-encryption key {kek_id} does not match its check value")
        keks[kek_id] = raw
        created[kek_id] = made if isinstance(made, str) else ""
    if doc.get("current") not in keks:
        raise corrupt(f"current key-encryption key {doc.get('current')!r} is not in the file")
    return KeyFileState(suite, doc["current"], keks, created)


def serialize(state: KeyFileState) -> bytes:
    """The key file's bytes for ``state`` (stable key order, one trailing newline)."""
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "suite": state.suite.name,
        "current": state.current,
        "keks": {
            kek_id: {
                "key": base64.b64encode(key).decode("ascii"),
                "check": state.suite.check_value(key).hex(),
                "created": state.created.get(kek_id, ""),
            }
            for kek_id, key in state.keks.items()
        },
    }
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


@contextmanager
def locked_directory(directory: Path) -> Iterator[None]:
    """An exclusive advisory lock (flock) on the key file's directory, so that two processes rotating or
    retiring at once cannot lose each other's KEKs. Released on exit."""
    fd = os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_private_file(path: Path, data: bytes, *, replace: bool) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600 (:mod:`sealkeeper.privatefiles`); a hard link,
    which refuses to overwrite, unless ``replace``. Errors become :class:`VaultError` naming the path."""
    try:
        privatefiles.write_private_file(path, data, replace=replace)
    except FileExistsError:
        raise VaultError(f"key file {path} already exists: refusing to overwrite it") from None
    except OSError as exc:
        raise VaultError(f"cannot write key file {path}: {exc.strerror}") from None
