"""Encrypted backups: consistent while imports run, verified before restore, deletion reaches them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from conftest import make_settings, person_bundle, write_jsonl

from sealkeeper.config import Settings
from sealkeeper.errors import ConfigError, IntegrityError, StoreError
from sealkeeper.services.accounts import LOCAL_OPERATOR, create_account, list_accounts, set_disabled
from sealkeeper.services.backup import backup, restore
from sealkeeper.services.importing import import_file
from sealkeeper.services.ledger_queries import verify as ledger_verify
from sealkeeper.services.records import delete_subject, find_subject, init_home, person_view, status
from sealkeeper.services.sealing_runs import run as sealing_run
from sealkeeper.services.store_access import open_store
from sealkeeper.store.database import transaction
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.store.procedure_tables import cases

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


# --------------------------------------------------------------------------- every table, by the restore policy

AT = dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only: the library's defaults are slow


def _count(settings: Settings, table: sa.Table) -> int:
    with transaction(open_store(settings)) as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _ledger_types(settings: Settings) -> list[str]:
    with transaction(open_store(settings)) as conn:
        return [json.loads(bytes(d))["type"] for d in conn.execute(sa.select(ledger_entries.c.data)).scalars()]


def test_a_backup_holds_every_table_but_the_keys_the_settings_and_the_sign_ins(home: Settings, tmp_path: Path) -> None:
    from sealkeeper.services.backup import _read  # noqa: PLC0415 - the backup's decrypted rows

    _import(home, tmp_path, range(1, 4), "a.jsonl")
    sealing_run(home, TODAY, AT)
    create_account(home, LOCAL_OPERATOR, "clerk1", ["clerk"], AT, jurisdictions=["CN"], hasher=FAST)
    backup(home, tmp_path / "b.skb", TODAY)
    held = {r["t"] for r in _read(home, tmp_path / "b.skb")[1]}
    assert {"cases", "accounts", "ledger_entries", "ledger_head", "bundles"} <= held
    assert not held & {"data_keys", "settings", "sessions"}


def test_restore_rolls_back_the_cases_but_never_the_accounts_or_the_ledger(home: Settings, tmp_path: Path) -> None:
    _import(home, tmp_path, range(1, 4), "a.jsonl")
    sealing_run(home, TODAY, AT)
    create_account(home, LOCAL_OPERATOR, "clerk1", ["clerk"], AT, jurisdictions=["CN"], hasher=FAST)
    backup(home, tmp_path / "b.skb", TODAY)
    cases_then = _count(home, cases)
    _import(home, tmp_path, range(4, 7), "later.jsonl")
    sealing_run(home, TODAY, AT)
    assert _count(home, cases) > cases_then
    set_disabled(home, LOCAL_OPERATOR, "clerk1", True, AT)  # after the backup: must stay disabled
    create_account(home, LOCAL_OPERATOR, "clerk2", ["clerk"], AT, jurisdictions=["CN"], hasher=FAST)
    size_then = len(_ledger_types(home))
    done = restore(home, tmp_path / "b.skb")
    assert done["ledger"] == "keep_live"
    types = _ledger_types(home)
    assert len(types) == size_then + 1, "the ledger is never rolled back"
    assert types[-1] == "store.restored"
    assert ledger_verify(home)["entries"] == len(types)
    assert _count(home, cases) == cases_then
    accounts = {a.username: a for a in list_accounts(home, LOCAL_OPERATOR, AT)}
    assert accounts["clerk1"].disabled, "an account disabled after the backup is not re-enabled by a restore"
    assert "clerk2" in accounts


def _recovered_home(source: Settings, tmp_path: Path) -> Settings:
    """A new machine: an empty SQLite database, the old home's key file and ledger keys copied over."""
    target = make_settings(tmp_path / "new-home", f"sqlite:///{tmp_path / 'new-home' / 'sealkeeper.db'}")
    shutil.copytree(source.home / "keys", target.home / "keys")
    if source.key_path.parent != source.home / "keys":
        target.key_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source.key_path, target.key_path)
    init_home(target, recover=True)
    return target


def test_a_backup_restored_on_a_new_machine_brings_back_facts_cases_and_ledger_not_identities(
    home: Settings, tmp_path: Path
) -> None:
    _import(home, tmp_path, range(1, 4), "a.jsonl")
    sealing_run(home, TODAY, AT)
    backup(home, tmp_path / "b.skb", TODAY)
    before = _ledger_types(home)
    new = _recovered_home(home, tmp_path)
    done = restore(new, tmp_path / "b.skb")
    assert done["ledger"] == "restore"
    assert _ledger_types(new) == [*before, "store.restored"]
    assert ledger_verify(new)["entries"] == len(before) + 1
    assert _count(new, cases) == _count(home, cases)
    assert status(new)["bundles"] == 3
    # The data keys never leave the database they protect (deletion must reach backups): identities stay sealed.
    assert done["identities_without_key"] == 3
    assert find_subject(new, person_bundle(2)["person"]["id_number"]) is None


def test_init_recover_needs_the_key_file_and_plain_init_refuses_to_replace_it(home: Settings, tmp_path: Path) -> None:
    target = make_settings(tmp_path / "bare", f"sqlite:///{tmp_path / 'bare' / 'sealkeeper.db'}")
    with pytest.raises(ConfigError, match="--recover needs the key file"):
        init_home(target, recover=True)
    with pytest.raises(ConfigError, match="init --recover"):
        init_home(make_settings(home.home, f"sqlite:///{tmp_path / 'other.db'}"))


def test_a_backup_of_another_home_is_refused_and_nothing_changes(home: Settings, tmp_path: Path) -> None:
    _import(home, tmp_path, range(1, 3), "a.jsonl")
    backup(home, tmp_path / "b.skb", TODAY)
    other = _recovered_home(home, tmp_path)  # same keys, its own history
    _import(other, tmp_path, range(5, 7), "b.jsonl")
    history = _ledger_types(other)
    with pytest.raises(StoreError, match="fork the published log"):
        restore(other, tmp_path / "b.skb")
    assert _ledger_types(other) == history
    assert status(other)["bundles"] == 2
    assert find_subject(other, person_bundle(6)["person"]["id_number"]) is not None
