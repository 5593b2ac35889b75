"""The document signing key file: made once with mode 0600, never replaced, refused when others can read it."""

from __future__ import annotations

import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sealkeeper.documents import (
    SigningKeyError,
    create_signing_key,
    ensure_signing_key,
    key_path,
    load_signing_key,
    public_key,
)


def test_a_new_key_is_0600_in_a_0700_home_and_loads_back(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = create_signing_key(home)
    assert path == key_path(home) == home / "document-signing.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    key = load_signing_key(home)
    assert len(key) == 32
    assert len(public_key(key)) == 32


def test_a_key_is_never_replaced(tmp_path: Path) -> None:
    create_signing_key(tmp_path)
    key = load_signing_key(tmp_path)
    with pytest.raises(SigningKeyError, match="already exists"):
        create_signing_key(tmp_path)
    assert ensure_signing_key(tmp_path) == key == load_signing_key(tmp_path)


def test_ensure_makes_a_key_once(tmp_path: Path) -> None:
    first = ensure_signing_key(tmp_path)
    assert ensure_signing_key(tmp_path) == first


def test_a_missing_key_names_its_path(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match=f"{tmp_path}/document-signing.key not found"):
        load_signing_key(tmp_path)


def test_a_key_others_can_read_is_refused(tmp_path: Path) -> None:
    path = create_signing_key(tmp_path)
    os.chmod(path, 0o644)
    with pytest.raises(SigningKeyError, match="accessible to group or others"):
        load_signing_key(tmp_path)


@pytest.mark.parametrize(("content", "problem"), [(b"zz\n", "not a hex key"), (b"00" * 16 + b"\n", "32 key bytes")])
def test_a_damaged_key_file_is_refused_without_showing_the_key(tmp_path: Path, content: bytes, problem: str) -> None:
    path = key_path(tmp_path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, content)
    os.close(fd)
    with pytest.raises(SigningKeyError, match=problem) as caught:
        load_signing_key(tmp_path)
    assert "00000000" not in str(caught.value)


def test_a_directory_in_place_of_the_key_is_refused(tmp_path: Path) -> None:
    key_path(tmp_path).mkdir(mode=0o700)
    with pytest.raises(SigningKeyError, match=r"not a regular file|cannot be read"):
        load_signing_key(tmp_path)


def test_many_first_users_at_once_all_get_the_one_key_never_a_half_written_file(tmp_path: Path) -> None:
    """The CI failure of stop 14: a thread read the key file between its creation and its write."""
    for attempt in range(20):
        home = tmp_path / f"home{attempt}"
        barrier = threading.Barrier(8)

        def first_use(home: Path = home, barrier: threading.Barrier = barrier) -> bytes:
            barrier.wait()
            return ensure_signing_key(home)

        with ThreadPoolExecutor(8) as pool:
            keys = [future.result() for future in [pool.submit(first_use) for _ in range(8)]]
        assert len(set(keys)) == 1
        assert [p.name for p in home.iterdir()] == ["document-signing.key"]  # no temporary file left
