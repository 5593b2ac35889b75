"""Protection of the stored records: bound ciphertexts, lost or wrong keys, deletion, rotation, both suites."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import make_settings, person_bundle, write_jsonl

from sealkeeper.config import Settings
from sealkeeper.errors import ConfigError, IntegrityError, KeyDestroyedError, KeyUnavailableError, StoreError
from sealkeeper.services.importing import import_file
from sealkeeper.services.records import delete_subject, find_subject, init_home, person_view, rotate_keys, status
from sealkeeper.services.store_access import open_store
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.store.tables import data_keys, identities

AS_OF = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 11, 27)


def _two_people(settings: Settings, tmp_path: Path) -> tuple[str, str]:
    people = [person_bundle(1, name="甲某"), person_bundle(2, name="乙某")]
    import_file(settings, write_jsonl(tmp_path / "two.jsonl", people), AS_OF, TODAY)
    tokens = [find_subject(settings, p["person"]["id_number"]) for p in people]
    assert tokens[0] is not None
    assert tokens[1] is not None
    return tokens[0], tokens[1]


def test_a_ciphertext_moved_to_another_record_fails_with_an_integrity_error(home: Settings, tmp_path: Path) -> None:
    first, second = _two_people(home, tmp_path)
    engine = open_store(home)
    with engine.begin() as conn:
        stolen = conn.execute(sa.select(identities.c.name).where(identities.c.token == first)).scalar_one()
        conn.execute(sa.update(identities).where(identities.c.token == second).values(name=stolen))
    with pytest.raises(IntegrityError, match=f"{second}.*name"):
        person_view(home, second)


def test_a_ciphertext_moved_to_another_field_fails(home: Settings, tmp_path: Path) -> None:
    first, _ = _two_people(home, tmp_path)
    with open_store(home).begin() as conn:
        name = conn.execute(sa.select(identities.c.name).where(identities.c.token == first)).scalar_one()
        conn.execute(sa.update(identities).where(identities.c.token == first).values(address=name))
    with pytest.raises(IntegrityError, match="address"):
        person_view(home, first)


def test_a_wrong_key_file_refuses_to_start_and_changes_nothing(home: Settings, tmp_path: Path) -> None:
    _two_people(home, tmp_path)
    other = make_settings(tmp_path / "other", f"sqlite:///{tmp_path / 'other' / 'sealkeeper.db'}")
    init_home(other)
    shutil.copy(other.key_path, home.key_path)
    database = Path(home.database_url.removeprefix("sqlite:///"))
    before = database.read_bytes() if database.exists() and home.database_url.startswith("sqlite") else b""
    with pytest.raises(KeyUnavailableError, match="cannot open this database's keys"):
        status(home)
    with pytest.raises(KeyUnavailableError):
        import_file(home, write_jsonl(tmp_path / "more.jsonl", [person_bundle(9)]), AS_OF, TODAY)
    if before:
        assert database.read_bytes() == before


def test_a_lost_key_file_is_named_in_a_clear_error(home: Settings, tmp_path: Path) -> None:
    _two_people(home, tmp_path)
    home.key_path.unlink()
    with pytest.raises(KeyUnavailableError, match=str(home.key_path)):
        status(home)


def test_deletion_destroys_the_key_and_keeps_the_counts(home: Settings, tmp_path: Path) -> None:
    first, second = _two_people(home, tmp_path)
    before = status(home)
    delete_subject(home, first, TODAY)
    view = person_view(home, first)
    assert view["identity"] is None
    assert view["deleted_on"] == TODAY.isoformat()
    assert len(view["decisions"]) == 1, "the decision stays: counts and the audit trail remain valid"
    assert person_view(home, second)["identity"] is not None
    after = status(home)
    assert (after["bundles"], after["decisions"], after["deleted"]) == (before["bundles"], before["decisions"], 1)
    assert find_subject(home, person_bundle(1)["person"]["id_number"]) is None
    with open_store(home).connect() as conn:
        row = conn.execute(sa.select(data_keys).where(data_keys.c.token == first)).one()
    assert row.wrapped is None
    assert row.kek_id is None


def test_of_two_concurrent_deletions_one_succeeds_and_one_is_told_it_was_already_done(
    home: Settings, tmp_path: Path
) -> None:
    first, _ = _two_people(home, tmp_path)
    barrier = threading.Barrier(2)

    def delete() -> str:
        barrier.wait()
        try:
            delete_subject(home, first, TODAY)
        except StoreError as exc:
            return str(exc)
        return "deleted"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(lambda _: delete(), range(2)))
    assert outcomes == ["deleted", f"subject {first} was already deleted on {TODAY.isoformat()}"]
    with open_store(home).connect() as conn:
        entries = conn.execute(sa.select(ledger_entries.c.data)).scalars().all()
    assert sum(b'"subject.deleted"' in bytes(e) for e in entries) == 1


def test_a_deleted_persons_fields_cannot_be_decrypted_by_any_path(home: Settings, tmp_path: Path) -> None:
    from sealkeeper.services.protection import open_protector  # noqa: PLC0415

    first, _ = _two_people(home, tmp_path)
    delete_subject(home, first, TODAY)
    with open_store(home).connect() as conn:
        protector = open_protector(conn, home)
        with pytest.raises(KeyDestroyedError, match=first):
            protector.data_key(first, None, None)


def test_rotation_rewraps_every_key_and_retires_the_old_one(home: Settings, tmp_path: Path) -> None:
    first, _ = _two_people(home, tmp_path)
    old = status(home)["current_kek"]
    result = rotate_keys(home, batch=1, retire=True)
    assert result["rewrapped"] == 2
    assert result["retired"] == [old]
    state = status(home)
    assert state["current_kek"] == result["current"] != old
    assert state["keks"] == {result["current"]: 2}
    assert person_view(home, first)["identity"]["name"] == "甲某"
    import_file(home, write_jsonl(tmp_path / "after.jsonl", [person_bundle(3)]), AS_OF, TODAY)
    assert status(home)["keks"] == {result["current"]: 3}


def test_the_gm_suite_round_trips_and_is_recorded(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path / "home", database_url, SEALKEEPER_SUITE="gm")
    init_home(settings)
    first, _ = _two_people(settings, tmp_path)
    assert person_view(settings, first)["identity"]["name"] == "甲某"
    assert status(settings)["suite"] == "gm"
    intl = make_settings(tmp_path / "home", database_url, SEALKEEPER_SUITE="intl")
    with pytest.raises(ConfigError, match="suite 'gm'"):
        status(intl)


def test_reads_go_on_while_keys_are_rotated(home: Settings, tmp_path: Path) -> None:
    import threading  # noqa: PLC0415

    people = [person_bundle(n) for n in range(1, 121)]
    import_file(home, write_jsonl(tmp_path / "many.jsonl", people), AS_OF, TODAY)
    token = find_subject(home, people[60]["person"]["id_number"])
    assert token is not None
    failures: list[BaseException] = []
    reads = 0
    done = threading.Event()

    def reader() -> None:
        nonlocal reads
        while not done.is_set():
            try:
                assert person_view(home, token)["identity"]["name"] == "张三"
                reads += 1
            except BaseException as exc:  # any failure of a read during rotation is the finding
                failures.append(exc)
                return

    thread = threading.Thread(target=reader)
    thread.start()
    result = rotate_keys(home, batch=10)
    done.set()
    thread.join()
    assert failures == []
    assert reads > 0
    assert result["rewrapped"] == 120


def test_retiring_during_an_import_never_loses_a_key(home: Settings, tmp_path: Path) -> None:
    import threading  # noqa: PLC0415

    _two_people(home, tmp_path)
    outcome: list[object] = []

    def rotate() -> None:
        try:
            outcome.append(rotate_keys(home, retire=True))
        except KeyUnavailableError as exc:
            outcome.append(exc)

    workers: list[threading.Thread] = []

    def progress(stage: str) -> None:
        if stage == "protecting" and not workers:  # the import holds the writer lock now
            workers.append(threading.Thread(target=rotate))
            workers[0].start()

    people = [person_bundle(n) for n in range(10, 40)]
    import_file(home, write_jsonl(tmp_path / "more.jsonl", people), AS_OF, TODAY, progress=progress)
    workers[0].join()
    assert outcome, "the rotation ran"
    if isinstance(outcome[0], KeyUnavailableError):
        assert "nothing was retired" in str(outcome[0])
    for person in people:
        token = find_subject(home, person["person"]["id_number"])
        assert token is not None
        assert person_view(home, token)["identity"]["name"] == "张三"
