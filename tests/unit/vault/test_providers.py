"""KEK ids and the shared checks of the key-provider interface."""

from __future__ import annotations

import pytest

from sealkeeper.errors import VaultError
from sealkeeper.vault.providers import check_data_key, is_kek_id, kek_sequence, new_kek_id, sorted_kek_ids


def test_new_ids_count_up_and_sort_by_age() -> None:
    first = new_kek_id([])
    assert first.startswith("k1-")
    second = new_kek_id([first])
    assert second.startswith("k2-")
    tenth = new_kek_id([f"k9-{'a' * 8}", first])
    assert kek_sequence(tenth) == 10
    assert sorted_kek_ids([tenth, second, first]) == [first, second, tenth]
    assert new_kek_id([]) != new_kek_id([])  # the random part keeps key files and tokens apart


@pytest.mark.parametrize("bad", ["", "k0-00000000", "k1", "k1-0000000g", "K1-00000000", "x/../k1-00000000"])
def test_malformed_ids(bad: str) -> None:
    assert not is_kek_id(bad)
    with pytest.raises(VaultError, match="malformed"):
        kek_sequence(bad)


@pytest.mark.parametrize("bad", [b"", b"\x00" * 8, b"\x00" * 33])
def test_data_key_checks(bad: bytes) -> None:
    with pytest.raises(VaultError, match="data key"):
        check_data_key(bad)
    check_data_key(b"\x00" * 16)
    check_data_key(b"\x00" * 32)
