"""Encrypted backups: consistent while imports run, verified before restore, deletion reaches them."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from conftest import person_bundle, write_jsonl

from sealkeeper.config import Settings
from sealkeeper.errors import IntegrityError, StoreError
from sealkeeper.services.backup import backup, restore
from sealkeeper.services.importing import import_file
from sealkeeper.services.records import delete_subject, find_subject, person_view, status

AS_OF = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 11, 27)


def _import(settings: Settings, tmp_path: Path, numbers: range, name: str) -> None:
    import_file(settings, write_jsonl(tmp_path / name, [person_bundle(n) for n in numbers]), AS_OF, TODAY)


def _token(settings: Settings, number: int) -> str:
    token = find_subject(settings, person_bundle(number)["person"]["id_number"])
    assert token is not None
    return token


def test_restore_brings_back_the_backed_up_state(home: Settings, tmp_path: Path) -> None:
    _import(home, tmp_path, range(1, 6), "a.jsonl")
    taken = backup(home, tmp_path / "b.skb", TODAY)
    assert taken["counts"]["bundles"] == 5
    assert "张三".encode() not in (tmp_path / "b.skb").read_bytes()
    _import(home, tmp_path, range(6, 9), "later.jsonl")
    restore(home, tmp_path / "b.skb")
    state = status(home)
    assert (state["subjects"], state["bundles"], state["decisions"]) == (5, 5, 5)
    assert person_view(home, _token(home, 3))["identity"]["name"] == "张三"
    assert find_subject(home, person_bundle(7)["person"]["id_number"]) is None


def test_a_deletion_after_the_backup_survives_the_restore(home: Settings, tmp_path: Path) -> None:
    _import(home, tmp_path, range(1, 4), "a.jsonl")
    backup(home, tmp_path / "b.skb", TODAY)
    gone = _token(home, 2)
    delete_subject(home, gone, TODAY)
    restore(home, tmp_path / "b.skb")
    assert person_view(home, gone)["identity"] is None
    assert find_subject(home, person_bundle(2)["person"]["id_number"]) is None
    assert person_view(home, _token(home, 1))["identity"] is not None
    assert status(home)["bundles"] == 3, "counts stay valid"


@pytest.mark.parametrize("where", ["header", "body", "truncated"])
def test_a_damaged_backup_is_refused_before_anything_is_replaced(home: Settings, tmp_path: Path, where: str) -> None:
    _import(home, tmp_path, range(1, 4), "a.jsonl")
    path = tmp_path / "b.skb"
    backup(home, path, TODAY)
    _import(home, tmp_path, range(4, 6), "later.jsonl")
    data = bytearray(path.read_bytes())
    if where == "header":
        data[data.index(b'"sha256": "') + 12] ^= 0x01
    elif where == "body":
        data[-5] ^= 0x01
    else:
        del data[-10:]
    path.write_bytes(bytes(data))
    with pytest.raises(IntegrityError):
        restore(home, path)
    assert status(home)["bundles"] == 5, "nothing was replaced"


def test_a_backup_never_overwrites_a_file(home: Settings, tmp_path: Path) -> None:
    (tmp_path / "b.skb").write_text("keep me")
    with pytest.raises(StoreError, match="exists"):
        backup(home, tmp_path / "b.skb", TODAY)
    assert (tmp_path / "b.skb").read_text() == "keep me"


def test_a_backup_taken_during_an_import_holds_all_of_that_file_or_none(home: Settings, tmp_path: Path) -> None:
    _import(home, tmp_path, range(1, 3), "a.jsonl")
    big = write_jsonl(tmp_path / "big.jsonl", [person_bundle(n) for n in range(100, 1600)])
    worker = threading.Thread(target=import_file, args=(home, big, AS_OF, TODAY))
    worker.start()
    counts = [backup(home, tmp_path / f"b{i}.skb", TODAY)["counts"] for i in range(4)]
    worker.join()
    taken = [c.get("bundles", 0) for c in counts]
    assert all(n in (2, 1502) for n in taken), taken
    assert all(c.get("subjects", 0) == c.get("bundles", 0) for c in counts), "one snapshot: people and records agree"
    restore(home, tmp_path / "b0.skb")
    assert status(home)["bundles"] == taken[0]


def test_a_backup_holds_no_blind_index_and_restore_rebuilds_it(home: Settings, tmp_path: Path) -> None:
    from sealkeeper.services.backup import _read  # noqa: PLC0415 - the backup's decrypted rows

    _import(home, tmp_path, range(1, 4), "a.jsonl")
    backup(home, tmp_path / "b.skb", TODAY)
    _, rows = _read(home, tmp_path / "b.skb")
    subjects = [r["r"] for r in rows if r["t"] == "subjects"]
    assert len(subjects) == 3
    assert all(s["id_index"] is None for s in subjects), "a deleted person's ID number must not be guessable"
    restore(home, tmp_path / "b.skb")
    assert find_subject(home, person_bundle(2)["person"]["id_number"]) == _token(home, 2)
