"""The store's changes are in the ledger, in the same transaction: no change without its entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import person_bundle, write_jsonl

from sealkeeper.config import Settings
from sealkeeper.errors import SealkeeperError
from sealkeeper.ledger.errors import LedgerError
from sealkeeper.services import ledger as ledger_service
from sealkeeper.services.importing import import_file
from sealkeeper.services.ledger_queries import trail, verify
from sealkeeper.services.records import delete_subject, find_subject, rotate_keys, status

AS_OF = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 11, 27)


def test_every_decision_and_deletion_is_in_the_persons_trail(home: Settings, tmp_path: Path) -> None:
    people = [person_bundle(n) for n in (1, 2)]
    import_file(home, write_jsonl(tmp_path / "in.jsonl", people), AS_OF, TODAY)
    token = find_subject(home, people[0]["person"]["id_number"])
    assert token is not None
    delete_subject(home, token, TODAY)
    mine = trail(home, token)
    kinds = [e["event"]["type"] for e in mine["entries"]]
    assert kinds == ["decision", "subject.deleted"]
    decision = mine["entries"][0]["event"]
    assert "subject" not in decision
    assert decision["subject_commitment"] == mine["subject_commitment"]
    assert "IT-0001" not in str(mine["entries"]), "the case (bundle) id is committed, not written"
    assert verify(home)["entries"] >= 4


def test_an_import_whose_entries_cannot_be_logged_writes_nothing(
    home: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> range:
        raise LedgerError("the log is unavailable")

    monkeypatch.setattr(ledger_service.Ledger, "append_many", refuse)
    with pytest.raises(SealkeeperError):
        import_file(home, write_jsonl(tmp_path / "in.jsonl", [person_bundle(1)]), AS_OF, TODAY)
    assert status(home)["bundles"] == 0


def test_key_rotation_is_logged(home: Settings, tmp_path: Path) -> None:
    import_file(home, write_jsonl(tmp_path / "in.jsonl", [person_bundle(1)]), AS_OF, TODAY)
    before = verify(home)["entries"]
    rotate_keys(home, retire=True)
    assert verify(home)["entries"] == before + 3  # key.created, key.retired, key.rotated
