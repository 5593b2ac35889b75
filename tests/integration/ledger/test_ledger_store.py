"""The ledger in the store, on SQLite and PostgreSQL: appends, checkpoints, proofs, fail-closed, tampering."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from ledger_helpers import event, fill, ready

from sealkeeper.config import Settings
from sealkeeper.errors import SealkeeperError
from sealkeeper.ledger import merkle
from sealkeeper.ledger.checkpoint import parse_checkpoint
from sealkeeper.ledger.errors import EntryRejectedError, ForkError, LedgerError, TamperedError
from sealkeeper.ledger.note import parse_note, verify_note
from sealkeeper.ledger.tree import TreeHashes
from sealkeeper.services import ledger_queries as queries
from sealkeeper.services.ledger import fetcher
from sealkeeper.store import ledger_repository as repo
from sealkeeper.store import repository as store_repo
from sealkeeper.store.database import transaction
from sealkeeper.store.ledger_tables import ledger_checkpoints, ledger_entries, ledger_head, ledger_nodes


def test_batches_give_the_rfc_root_and_proofs_verify(home: Settings) -> None:
    ledger, engine = ready(home)
    fill(ledger, engine, 150, batch=13)
    with transaction(engine) as conn:
        index = ledger.append(conn, event(999))
        signed = ledger.checkpoint(conn)
    assert index == 150
    datas = [ledger.prepare(event(i))[0] for i in [*range(150), 999]]
    reference = TreeHashes()
    reference.append([merkle.leaf_hash(d) for d in datas])
    assert signed.size == 151
    assert signed.root == reference.root()
    for i in (0, 77, 150):
        p = queries.proof(home, i)
        merkle.verify_inclusion(
            i, 151, bytes.fromhex(p["leaf_hash"]), [bytes.fromhex(h) for h in p["hashes"]], signed.root
        )
    c = queries.consistency(home, 40, 151)
    old_root = merkle.root_of([merkle.leaf_hash(d) for d in datas[:40]])
    merkle.verify_consistency(40, 151, old_root, signed.root, [bytes.fromhex(h) for h in c["hashes"]])
    assert queries.verify(home)["entries"] == 151


def test_checkpoint_note_is_signed_by_the_published_key(home: Settings) -> None:
    ledger, engine = ready(home)
    fill(ledger, engine, 5)
    note = queries.checkpoint(home)
    parsed, _ = verify_note(note, [ledger.keys.verifier])
    body = parse_checkpoint(parsed.text)
    assert (body.origin, body.size) == (ledger.origin, 5)
    assert queries.verifier_key(home) == str(ledger.keys.verifier)
    assert queries.checkpoint(home) == note  # nothing appended: the same checkpoint, not a new signature


def test_fail_closed_the_change_and_its_entry_commit_together(home: Settings) -> None:
    ledger, engine = ready(home)

    def change_and_log(event: dict[str, str]) -> None:
        with transaction(engine) as conn:
            store_repo.put_setting(conn, "test.change", "done")
            ledger.append(conn, event)

    with pytest.raises(EntryRejectedError):
        change_and_log({"type": "person.viewed", "name": "张三"})
    with transaction(engine) as conn:
        assert store_repo.get_setting(conn, "test.change") is None
        assert repo.head(conn).size == 0
    change_and_log({"type": "setting.changed", "key": "test.change"})
    with transaction(engine) as conn:
        assert store_repo.get_setting(conn, "test.change") == "done"
        assert repo.head(conn).size == 1


def test_a_failed_caller_transaction_takes_the_entry_with_it(home: Settings) -> None:
    ledger, engine = ready(home)

    def log_then_fail() -> None:
        with transaction(engine) as conn:
            ledger.append(conn, event(1))
            raise RuntimeError("the change failed after logging")

    with pytest.raises(RuntimeError):
        log_then_fail()
    with transaction(engine) as conn:
        assert repo.head(conn).size == 0


def test_an_altered_entry_is_named_by_verify(home: Settings) -> None:
    ledger, engine = ready(home)
    fill(ledger, engine, 40)
    queries.checkpoint(home)
    with transaction(engine) as conn:
        conn.execute(sa.update(ledger_entries).where(ledger_entries.c.idx == 17).values(data=b'{"type":"forged"}'))
    with pytest.raises(TamperedError, match="entry 17") as caught:
        queries.verify(home)
    assert caught.value.index == 17


def test_a_rewritten_log_fails_its_checkpoint(home: Settings) -> None:
    """Entry and every stored hash rewritten together: the signed checkpoint still catches it."""
    ledger, engine = ready(home)
    fill(ledger, engine, 20)
    queries.checkpoint(home)
    with transaction(engine) as conn:
        conn.execute(sa.delete(ledger_nodes))
        conn.execute(sa.delete(ledger_entries).where(ledger_entries.c.idx >= 0))
        conn.execute(sa.update(ledger_head).values(size=0, frontier=b""))
    fill(ledger, engine, 20, subject="sforged")
    with pytest.raises(TamperedError, match="checkpoint at size 20"):
        queries.verify(home)
    with pytest.raises(ForkError), transaction(engine) as conn:
        ledger.checkpoint(conn)  # never signs a second, different root for size 20


def test_never_signs_a_checkpoint_inconsistent_with_the_last(home: Settings) -> None:
    ledger, engine = ready(home)
    fill(ledger, engine, 10)
    queries.checkpoint(home)
    with transaction(engine) as conn:  # the stored checkpoint no longer matches the stored tree
        conn.execute(sa.update(ledger_checkpoints).values(root=merkle.leaf_hash(b"another root")))
    fill(ledger, engine, 5)
    with pytest.raises(ForkError, match="not consistent with checkpoint 10"), transaction(engine) as conn:
        ledger.checkpoint(conn)


def test_trail_lists_only_the_persons_entries_with_proofs(home: Settings) -> None:
    ledger, engine = ready(home)
    fill(ledger, engine, 9, subject="sperson")
    fill(ledger, engine, 30, subject="sother")
    with transaction(engine) as conn:
        ledger.append(conn, event(5, "sperson"))
    trail = queries.trail(home, "sperson")
    assert [e["index"] for e in trail["entries"]] == [*range(9), 39]
    root = parse_checkpoint(parse_note(trail["checkpoint"]).text).root
    for item in trail["entries"]:
        proof = item["proof"]
        hashes = [bytes.fromhex(h) for h in proof["hashes"]]
        merkle.verify_inclusion(item["index"], proof["tree_size"], bytes.fromhex(proof["leaf_hash"]), hashes, root)
        assert "sperson" not in str(item["event"])
    again = queries.trail(home, "sperson")  # the subject index is caught up incrementally
    assert len(again["entries"]) == 10
    assert queries.trail(home, "snobody")["entries"] == []


def test_errors_for_impossible_requests(home: Settings) -> None:
    ledger, engine = ready(home)
    with pytest.raises(LedgerError, match="empty"), transaction(engine) as conn:
        ledger.checkpoint(conn)
    fill(ledger, engine, 3)
    for call in (
        lambda: queries.proof(home, 3),
        lambda: queries.proof(home, 0, 4),
        lambda: queries.consistency(home, 3, 3),
        lambda: queries.entry(home, 9),
    ):
        with pytest.raises(SealkeeperError):
            call()


def test_proofs_read_from_the_store_match_memory(home: Settings) -> None:
    ledger, engine = ready(home)
    fill(ledger, engine, 300, batch=61)
    datas = [ledger.prepare(event(i))[0] for i in range(300)]
    reference = TreeHashes()
    reference.append([merkle.leaf_hash(d) for d in datas])
    with transaction(engine) as conn:
        fetch = fetcher(conn)
        for size in (1, 64, 65, 129, 300):
            assert merkle.root_from(size, fetch) == merkle.root_from(size, reference.fetch)
            for index in {0, size // 2, size - 1}:
                assert merkle.inclusion_proof(index, size, fetch) == merkle.inclusion_proof(
                    index, size, reference.fetch
                )


def test_viewing_a_trail_is_logged_before_it_is_read(home: Settings) -> None:
    ledger, engine = ready(home)
    fill(ledger, engine, 3, subject="sperson")
    seen = queries.trail(home, "sperson", viewed_at=dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC))
    assert [e["event"]["type"] for e in seen["entries"]] == ["access.decision"] * 3 + ["trail.viewed"]
    assert seen["entries"][-1]["event"]["at"] == "2026-11-27T09:30:00+00:00"
    assert seen["entries"][-1]["event"]["subject_commitment"] == seen["subject_commitment"]  # the token, committed
    with transaction(engine) as conn:
        assert repo.head(conn).size == 4
    assert len(queries.trail(home, "sperson")["entries"]) == 4  # without viewed_at nothing more is logged
