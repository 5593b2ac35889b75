"""Private files appear whole or not at all, with mode 0600, and are never overwritten unless asked."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.privatefiles import write_private_file


def test_a_new_file_is_0600_and_holds_the_data(tmp_path: Path) -> None:
    path = tmp_path / "k"
    write_private_file(path, b"secret", replace=False)
    assert path.read_bytes() == b"secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_existing_file_is_kept_unless_replace_is_asked(tmp_path: Path) -> None:
    path = tmp_path / "k"
    write_private_file(path, b"first", replace=False)
    with pytest.raises(FileExistsError):
        write_private_file(path, b"second", replace=False)
    assert path.read_bytes() == b"first"
    write_private_file(path, b"third", replace=True)
    assert path.read_bytes() == b"third"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_private_file(tmp_path / "missing-dir" / "k", b"x", replace=False)
    assert list(tmp_path.iterdir()) == []


@given(data=st.binary(max_size=70_000))
def test_any_bytes_come_back_unchanged(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("pf") / "k"
    write_private_file(path, data, replace=False)
    assert path.read_bytes() == data
