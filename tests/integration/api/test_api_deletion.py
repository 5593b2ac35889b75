"""A person's deletion request, accepted and carried out over HTTP: the clerk's ConfirmErased destroys the person's
data key in the same transaction as the step (if the destruction fails, the case does not say erased); afterwards
the person's data is unreadable while cases, counts and the ledger stay valid. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from procedure_desk import REASON, Desk

from sealkeeper.config import Settings
from sealkeeper.errors import KeyDestroyedError, StoreError
from sealkeeper.services import ledger_queries, records
from sealkeeper.services.cases import CaseBook
from sealkeeper.services.protection import open_protector
from sealkeeper.services.store_access import open_store
from sealkeeper.store import case_repository
from sealkeeper.store import repository as repo
from sealkeeper.store.procedure_tables import cases


@pytest.fixture
def desk(home: Settings, tmp_path: Path) -> Desk:
    made = Desk(home, tmp_path, people=2)
    made.sign_in("person", ["data_subject"], subject=made.records[0][1])
    for role in ("clerk", "approver"):
        made.sign_in(role, [role])
    return made


def accepted_deletion(desk: Desk) -> str:
    status, filed = desk.post("person", "/cases", {"procedure": "deletion", "record_case": desk.records[0][0]})
    assert status == 201, filed
    cid = str(filed["case_id"])
    status, decided = desk.post("approver", f"/cases/{cid}/Decide", {"verdict": "accept", "reasons": [REASON]})
    assert (status, decided["state"]) == (200, "decided"), decided
    return cid


def data_key(home: Settings, token: str) -> bytes:
    with open_store(home).connect() as conn:
        kek_id, blob = repo.wrapped_keys(conn, [token])[token]
        return open_protector(conn, home).data_key(token, kek_id, blob)


def test_the_confirmed_erasure_destroys_the_key_and_keeps_counts_and_ledger(desk: Desk, home: Settings) -> None:
    record_case, token = desk.records[0]
    cid = accepted_deletion(desk)
    status, _ = desk.post("clerk", f"/cases/{cid}/SendNotice", {})
    assert status == 409  # carried out before the notice
    assert records.person_view(home, token)["identity"] is not None
    with open_store(home).connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one()
    status, erased = desk.post("clerk", f"/cases/{cid}/ConfirmErased", {})
    assert (status, erased["state"], erased["erased_on"]) == (200, "erased", "2026-07-01"), erased
    with pytest.raises(KeyDestroyedError):
        data_key(home, token)
    view = records.person_view(home, token)
    assert (view["identity"], view["deleted_on"]) == (None, "2026-07-01")
    assert view["decisions"]  # facts and decisions stay for counts
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one() == before
        row = case_repository.get_cases(conn, [cid])[cid]
        stored = CaseBook(conn, open_protector(conn, home)).read(row)
    assert [r.text for r in stored.reasons] == [""]  # type: ignore[attr-defined]  # the narrative went with the key
    assert desk.get("clerk", f"/cases/{record_case}")[1]["state"] == "closed"
    status, mine = desk.get("person", "/me/cases")
    assert status == 200
    assert {c["case_id"] for c in mine} >= {cid, record_case}
    status, notified = desk.post("clerk", f"/cases/{cid}/SendNotice", {})
    assert (status, notified["state"]) == (200, "closed"), notified
    kinds = [e["type"] for e in desk.ledger()]
    assert kinds.index("subject.deleted") < kinds.index("deletion.erased") < kinds.index("sealing.closed")
    assert kinds.count("subject.deleted") == 1
    assert REASON["text"] not in str(desk.ledger())
    assert ledger_queries.verify(home)["entries"] == len(kinds)
    other = desk.records[1][1]
    assert records.person_view(home, other)["identity"] is not None  # only that person's key went


def test_when_the_key_cannot_be_destroyed_the_case_does_not_claim_erased(
    desk: Desk, home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = desk.records[0][1]
    cid = accepted_deletion(desk)
    entries = len(desk.ledger())

    def broken(*_: object) -> None:
        raise StoreError("the key store refused the write")

    monkeypatch.setattr(repo, "shred", broken)
    status, answer = desk.post("clerk", f"/cases/{cid}/ConfirmErased", {})
    assert status == 409, answer
    assert len(desk.ledger()) == entries  # nothing of the step was logged, not even its access decision
    assert desk.get("clerk", f"/cases/{cid}")[1]["state"] == "decided"
    assert data_key(home, token)  # still there
    monkeypatch.undo()
    status, erased = desk.post("clerk", f"/cases/{cid}/ConfirmErased", {})
    assert (status, erased["state"]) == (200, "erased")
