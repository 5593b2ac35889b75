"""What outside verifiers and people ask of the ledger: the key, checkpoints, proofs, entries, a full
verification, and a person's own trail. Each opens the configured store and reads in one transaction."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

from sealkeeper.config import Settings
from sealkeeper.ledger import entries as entry_format
from sealkeeper.ledger.audit import Auditor
from sealkeeper.ledger.checkpoint import parse_cosignature_key
from sealkeeper.ledger.errors import LedgerError, NoteError, TamperedError
from sealkeeper.ledger.merkle import consistency_proof, inclusion_proof, leaf_hash, verify_inclusion
from sealkeeper.ledger.note import parse_note, verify_note
from sealkeeper.ledger.sm2_note import Sm2Verifier
from sealkeeper.ledger.tree import frontier_root, unpack_frontier
from sealkeeper.services.ledger import Ledger, fetcher, open_ledger
from sealkeeper.services.ledger_keys import parse_log_key
from sealkeeper.services.store_access import open_store
from sealkeeper.store import ledger_repository as repo
from sealkeeper.store.database import transaction
from sealkeeper.store.ledger_tables import STRIP


def verifier_key(settings: Settings) -> str:
    return str(open_ledger(settings).keys.verifier)


def sm2_verifier_key(settings: Settings) -> str:
    """The SM2 verifier key of a gm home (``ledger.sm2_note``)."""
    second = open_ledger(settings).keys.sm2
    if second is None:
        raise LedgerError("this home signs its checkpoints with Ed25519 only (the SM2 key comes with the gm suite)")
    return str(second.verifier)


def published(conn: Any, note: str, size: int) -> str:
    """The checkpoint note with its witnesses' cosignature lines appended (C2SP: one note, many signers)."""
    return note + "".join(str(row.line) for row in repo.cosignatures(conn, size))


def checkpoint(settings: Settings, *, sign: bool = True) -> str:
    """The latest signed checkpoint with its cosignatures; ``sign`` first signs the current head if the log
    has grown since the last checkpoint."""
    ledger, engine = open_ledger(settings), open_store(settings)
    with transaction(engine) as conn:
        if sign:
            signed = ledger.checkpoint(conn)
            return published(conn, signed.note, signed.size)
        last = repo.latest_checkpoint(conn)
        if last is None:
            raise LedgerError("no checkpoint has been signed yet")
        return published(conn, str(last.note), int(last.size))


def _size(conn: Any, size: int | None) -> int:
    current = repo.head(conn).size
    if size is None:
        return current
    if not 0 < size <= current:
        raise LedgerError(f"tree size {size} is not between 1 and the log's size {current}")
    return size


def proof(settings: Settings, index: int, tree_size: int | None = None) -> dict[str, Any]:
    """Inclusion proof of entry ``index`` in the tree of ``tree_size`` entries (default: the whole log)."""
    with transaction(open_store(settings)) as conn:
        size = _size(conn, tree_size)
        if not 0 <= index < size:
            raise LedgerError(f"entry {index} is not in a tree of size {size}")
        fetch = fetcher(conn)
        leaf = fetch([(0, index)])[(0, index)]
        hashes = inclusion_proof(index, size, fetch)
    return {"index": index, "tree_size": size, "leaf_hash": leaf.hex(), "hashes": [h.hex() for h in hashes]}


def consistency(settings: Settings, old: int, new: int) -> dict[str, Any]:
    with transaction(open_store(settings)) as conn:
        new = _size(conn, new)
        if not 0 < old < new:
            raise LedgerError(f"a consistency proof needs 0 < from < to (got {old} and {new})")
        hashes = consistency_proof(old, new, fetcher(conn))
    return {"from": old, "to": new, "hashes": [h.hex() for h in hashes]}


def entry(settings: Settings, index: int) -> str:
    """The entry's bytes as stored, base64."""
    with transaction(open_store(settings)) as conn:
        data = repo.entry(conn, index)
    if data is None:
        raise LedgerError(f"no entry {index}")
    return base64.b64encode(data).decode("ascii")


def verify(settings: Settings, key: str | Sequence[str] | None = None, chunk: int = 50_000) -> dict[str, Any]:
    """Re-read the whole log, recompute every hash, check every checkpoint and cosignature.

    ``key`` is the verifier key (or keys) to trust (default: this home's, with the gm suite its Ed25519 and
    its SM2 key). Every checkpoint must carry a good signature from each Ed25519 key, and from each SM2 key
    once one checkpoint carries it. Raises TamperedError at the first problem."""
    keys = [key] if isinstance(key, str) else list(key or ())
    given = [parse_log_key(k) for k in keys] if keys else open_ledger(settings).keys.verifiers
    verifiers = [v for v in given if not isinstance(v, Sm2Verifier)]
    from_first = [v for v in given if isinstance(v, Sm2Verifier)]
    auditor, checked = Auditor(STRIP), 0
    with transaction(open_store(settings)) as conn:  # one snapshot: every check sees the same log
        fetch = partial(repo.strips, conn)
        marks = _stored_checkpoints(conn)
        mark = next(marks, None)
        while True:  # entries in chunks, stopping at each checkpoint's size to check it there
            stop = auditor.size + chunk
            if mark is not None and auditor.size < mark[0] < stop:
                stop = mark[0]
            rows = repo.entries_from(conn, auditor.size, stop - auditor.size)
            auditor.entries(rows, fetch)
            while mark is not None and mark[0] == auditor.size:
                auditor.checkpoint(*mark, verifiers, from_first=from_first, fetch=fetch)
                checked, mark = checked + 1, next(marks, None)
            if not rows:
                break
        current = repo.head(conn)
        if current.size != auditor.size:
            raise TamperedError(f"the head says {current.size} entries, the log holds {auditor.size}", auditor.size)
        strips = auditor.finish(fetch, repo.strip_counts(conn))
        if unpack_frontier(current.size, current.frontier) != auditor.frontier:
            raise TamperedError("the head's frontier does not match the entries")
        if mark is not None:  # a checkpoint beyond the entries: refused with its size
            auditor.checkpoint(*mark, verifiers, from_first=from_first, fetch=fetch)
        cosigned = repo.cosignatures_with_notes(conn)
        for row in cosigned:
            _check_cosignature(str(row.note), str(row.verifier), str(row.line), int(row.size))
    return {
        "entries": auditor.size,
        "node_strips": strips,
        "checkpoints": checked,
        "cosignatures": len(cosigned),
        "root": frontier_root(auditor.size, auditor.frontier).hex(),
    }


def _stored_checkpoints(conn: Any, chunk: int = 1_000) -> Iterator[tuple[int, bytes, str]]:
    """(size, root, note) of every stored checkpoint in size order, read ``chunk`` at a time."""
    after = 0
    while rows := repo.checkpoints_after(conn, after, chunk):
        yield from ((int(row.size), bytes(row.root), str(row.note)) for row in rows)
        after = int(rows[-1].size)


def _check_cosignature(note: str, witness_key: str, line: str, size: int) -> None:
    try:
        verify_note(parse_note(note).text + "\n" + line, [parse_cosignature_key(witness_key)])
    except NoteError as exc:
        raise TamperedError(f"cosignature on checkpoint {size}: {exc}") from None


def trail(settings: Settings, token: str, *, viewed_at: dt.datetime | None = None) -> dict[str, Any]:
    """A person's own trail: every entry carrying their subject commitment, each with an inclusion proof
    against a signed checkpoint that covers the whole log, and the opening that lets them check that the
    commitment is theirs.

    With ``viewed_at`` the viewing itself is logged first, in the same transaction (``trail.viewed``, in the
    trail it shows): if it cannot be logged, nothing is read. Callers that log their own access decision for
    the read (``access_history``) leave it out."""
    ledger: Ledger = open_ledger(settings)
    commitment = entry_format.commit(ledger.keys.salt, "subject", token)
    opening = entry_format.opening(ledger.keys.salt, "subject", token)
    with transaction(open_store(settings)) as conn:
        if viewed_at is not None:
            ledger.append(conn, {"type": "trail.viewed", "subject": token, "at": viewed_at.isoformat()})
        repo.index_subjects(conn)
        signed = ledger.checkpoint(conn)
        note = published(conn, signed.note, signed.size)
        fetch = fetcher(conn)
        items = []
        for index, data in repo.subject_entries(conn, bytes.fromhex(commitment), signed.size):
            leaf = leaf_hash(data)
            hashes = inclusion_proof(index, signed.size, fetch)
            verify_inclusion(index, signed.size, leaf, hashes, signed.root)  # never hand out a proof that fails
            items.append({
                "index": index,
                "entry": base64.b64encode(data).decode("ascii"),
                "event": entry_format.parse(data),
                "proof": {
                    "index": index, "tree_size": signed.size, "leaf_hash": leaf.hex(),
                    "hashes": [h.hex() for h in hashes],
                },
            })  # fmt: skip
    return {
        "subject_commitment": commitment,
        "opening": opening.hex(),
        "how_to_check": "subject_commitment = SHA-256(opening || token); leaf_hash = SHA-256(0x00 || entry bytes)",
        "verifier_key": str(ledger.keys.verifier),
        "checkpoint": note,
        "entries": items,
    }
