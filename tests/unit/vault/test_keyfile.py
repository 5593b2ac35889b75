"""The key-file provider: 0600 and atomic, refuses lost, wrong, exposed or corrupt key files, rotates."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.errors import KeyUnavailableError, VaultError
from sealkeeper.vault import keyfile
from sealkeeper.vault.keyfile import KeyFileProvider
from sealkeeper.vault.providers import KeyProvider, WrappedKey
from sealkeeper.vault.suites import GM, INTL, CipherSuite


@pytest.fixture(params=[INTL, GM], ids=lambda s: s.name)
def suite(request: pytest.FixtureRequest) -> CipherSuite:
    assert isinstance(request.param, CipherSuite)
    return request.param


@pytest.fixture
def key_path(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "sealkeeper.key"


def rewrite(path: Path, change: Any) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def test_create_writes_an_owner_only_file_atomically(key_path: Path, suite: CipherSuite) -> None:
    provider = KeyFileProvider.create(key_path, suite)
    assert isinstance(provider, KeyProvider)
    assert provider.name == "keyfile"
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_path.parent.stat().st_mode) == 0o700
    assert os.listdir(key_path.parent) == [key_path.name]  # no temporary file left behind
    doc = json.loads(key_path.read_text())
    assert (doc["format"], doc["version"], doc["suite"]) == ("sealkeeper-keyfile", 1, suite.name)
    assert list(doc["keks"]) == [doc["current"]] == provider.kek_ids()
    entry = doc["keks"][doc["current"]]
    assert len(base64.b64decode(entry["key"])) == suite.data_key_bytes
    assert len(bytes.fromhex(entry["check"])) == 8


def test_create_refuses_to_overwrite(key_path: Path) -> None:
    KeyFileProvider.create(key_path, INTL)
    before = key_path.read_bytes()
    with pytest.raises(VaultError, match="already exists"):
        KeyFileProvider.create(key_path, INTL)
    assert key_path.read_bytes() == before
    assert os.listdir(key_path.parent) == [key_path.name]


def test_wrap_then_unwrap_after_reopening(key_path: Path, suite: CipherSuite) -> None:
    dek, index_key = os.urandom(suite.data_key_bytes), os.urandom(32)
    with KeyFileProvider.create(key_path, suite) as provider:
        wrapped, wrapped_index = provider.wrap(dek), provider.wrap(index_key)
        assert wrapped.kek_id == provider.current_kek_id()
        assert dek not in wrapped.blob
    reopened = KeyFileProvider.open(key_path)
    assert reopened.suite is suite
    assert reopened.unwrap(wrapped) == dek
    assert reopened.unwrap(wrapped_index) == index_key
    assert "blob=<" in repr(wrapped)
    assert dek.hex() not in repr(wrapped)


@settings(max_examples=50, deadline=None)
@given(dek=st.binary(min_size=16, max_size=16) | st.binary(min_size=32, max_size=32))
def test_round_trip_any_key(tmp_path_factory: pytest.TempPathFactory, dek: bytes) -> None:
    provider = KeyFileProvider.create(tmp_path_factory.mktemp("kf") / "k", INTL)
    assert provider.unwrap(provider.wrap(dek)) == dek


@pytest.mark.parametrize("bad", [b"", b"\x00" * 15, b"\x00" * 24, b"\x00" * 64])
def test_wrap_refuses_empty_or_odd_keys(key_path: Path, bad: bytes) -> None:
    with pytest.raises(VaultError, match="data key"):
        KeyFileProvider.create(key_path, INTL).wrap(bad)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KeyUnavailableError, match=re.escape(f"key file {tmp_path / 'gone.key'} not found")):
        KeyFileProvider.open(tmp_path / "gone.key")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o606, 0o610])
def test_group_or_world_access_is_refused(key_path: Path, mode: int) -> None:
    KeyFileProvider.create(key_path, INTL)
    key_path.chmod(mode)
    with pytest.raises(KeyUnavailableError, match=re.escape(f"run `chmod 600 {key_path}`")):
        KeyFileProvider.open(key_path)


def test_owner_read_only_is_accepted(key_path: Path) -> None:
    KeyFileProvider.create(key_path, INTL)
    key_path.chmod(0o400)
    assert KeyFileProvider.open(key_path).kek_ids()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(key_path: Path) -> None:
    KeyFileProvider.create(key_path, INTL)
    key_path.chmod(0o000)
    with pytest.raises(KeyUnavailableError, match="cannot be read"):
        KeyFileProvider.open(key_path)


def _flip_key_bit(doc: dict[str, Any]) -> None:
    entry = doc["keks"][doc["current"]]
    raw = bytearray(base64.b64decode(entry["key"]))
    raw[0] ^= 1
    entry["key"] = base64.b64encode(bytes(raw)).decode()


CORRUPTIONS: dict[str, Any] = {
    "key bit flipped": (_flip_key_bit, "does not match its check value"),
    "check value changed": (lambda d: d["keks"][d["current"]].update(check="00" * 8), "check value"),
    "key not base64": (lambda d: d["keks"][d["current"]].update(key="***"), "not encoded properly"),
    "key too short": (lambda d: d["keks"][d["current"]].update(key="AAAA"), "key bytes"),
    "current missing": (lambda d: d.update(current="k9-00000000"), "current key-encryption key"),
    "no keks": (lambda d: d.update(keks={}), "no key-encryption keys"),
    "unknown suite": (lambda d: d.update(suite="rot13"), "unknown cipher suite"),
    "newer version": (lambda d: d.update(version=2), "unsupported key file version"),
    "not ours": (lambda d: d.update(format="other"), "format"),
    "bad kek id": (lambda d: d.update(keks={"../x": {}}, current="../x"), "malformed entry"),
}


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_corrupt_file_is_refused_without_key_bytes(key_path: Path, case: str) -> None:
    KeyFileProvider.create(key_path, INTL)
    key_b64 = next(iter(json.loads(key_path.read_text())["keks"].values()))["key"]
    change, message = CORRUPTIONS[case]
    rewrite(key_path, change)
    with pytest.raises(KeyUnavailableError, match=message) as caught:
        KeyFileProvider.open(key_path)
    assert str(key_path) in str(caught.value)
    assert key_b64 not in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"{", b"\xff\xfe", b"[]", b'{"a": 1, "a": 2}'])
def test_garbage_is_refused(key_path: Path, content: bytes) -> None:
    key_path.parent.mkdir()
    key_path.write_bytes(content)
    key_path.chmod(0o600)
    with pytest.raises(KeyUnavailableError, match="corrupt or not a sealkeeper key file"):
        KeyFileProvider.open(key_path)


def test_wrong_key_file(tmp_path: Path) -> None:
    first = KeyFileProvider.create(tmp_path / "a.key", INTL)
    second = KeyFileProvider.create(tmp_path / "b.key", INTL)
    wrapped = first.wrap(os.urandom(32))
    with pytest.raises(KeyUnavailableError, match="wrong or lost key"):
        second.unwrap(wrapped)
    # Even under the same KEK id, another key does not unwrap it.
    with pytest.raises(KeyUnavailableError, match="does not unwrap"):
        second.unwrap(WrappedKey(second.current_kek_id(), wrapped.blob))


def test_altered_wrapped_key(key_path: Path) -> None:
    provider = KeyFileProvider.create(key_path, GM)
    wrapped = provider.wrap(os.urandom(16))
    blob = bytearray(wrapped.blob)
    blob[-1] ^= 0x80
    with pytest.raises(KeyUnavailableError, match="altered"):
        provider.unwrap(WrappedKey(wrapped.kek_id, bytes(blob)))


def test_rotation_keeps_old_wraps_and_retire_destroys_them(key_path: Path, suite: CipherSuite) -> None:
    provider = KeyFileProvider.create(key_path, suite)
    old_id = provider.current_kek_id()
    dek = os.urandom(suite.data_key_bytes)
    old = provider.wrap(dek)
    new_id = provider.rotate()
    assert new_id != old_id
    assert provider.current_kek_id() == new_id
    assert provider.kek_ids() == [old_id, new_id]
    assert provider.wrap(dek).kek_id == new_id
    assert provider.unwrap(old) == dek
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    with pytest.raises(VaultError, match="refusing to retire the current"):
        provider.retire(new_id)
    provider.retire(old_id)
    assert provider.kek_ids() == [new_id]
    with pytest.raises(KeyUnavailableError, match="wrong or lost key"):
        provider.unwrap(old)
    with pytest.raises(KeyUnavailableError, match="wrong or lost key"):
        KeyFileProvider.open(key_path).unwrap(old)
    with pytest.raises(VaultError, match="holds no key-encryption key"):
        provider.retire(old_id)
    assert os.listdir(key_path.parent) == [key_path.name]


def test_rotation_by_another_process_is_picked_up(key_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = KeyFileProvider.create(key_path, INTL)
    admin = KeyFileProvider.open(key_path)
    monkeypatch.setattr(keyfile, "WRAP_RECHECK_SECONDS", 3600.0)
    first = admin.rotate()
    assert service.wrap(os.urandom(32)).kek_id != first  # wrap looks at the file only now and then
    monkeypatch.setattr(keyfile, "WRAP_RECHECK_SECONDS", 0.0)
    assert service.wrap(os.urandom(32)).kek_id == first
    second = admin.rotate()
    assert service.current_kek_id() == second  # always looks
    assert service.unwrap(admin.wrap(b"\x05" * 32)) == b"\x05" * 32


def test_concurrent_rotations_lose_no_key(key_path: Path) -> None:
    first = KeyFileProvider.create(key_path, INTL)
    second = KeyFileProvider.open(key_path)
    a, b = first.rotate(), second.rotate()  # second's view was stale: it re-reads before writing
    assert set(KeyFileProvider.open(key_path).kek_ids()) >= {a, b}


def test_a_different_suite_put_in_place_is_refused(key_path: Path, tmp_path: Path) -> None:
    service = KeyFileProvider.create(key_path, INTL)
    other = tmp_path / "gm.key"
    KeyFileProvider.create(other, GM)
    os.replace(other, key_path)
    with pytest.raises(KeyUnavailableError, match="different key file"):
        service.current_kek_id()


def test_exposed_file_stops_a_running_provider(key_path: Path) -> None:
    provider = KeyFileProvider.create(key_path, INTL)
    key_path.chmod(0o644)
    with pytest.raises(KeyUnavailableError, match="chmod 600"):
        provider.rotate()


def test_closed_provider_refuses(key_path: Path) -> None:
    provider = KeyFileProvider.create(key_path, INTL)
    wrapped = provider.wrap(os.urandom(32))
    provider.close()
    for call in (lambda: provider.unwrap(wrapped), lambda: provider.wrap(os.urandom(32))):
        with pytest.raises(VaultError, match="closed"):
            call()
