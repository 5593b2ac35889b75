"""The streaming auditor: chunk by chunk with bounded memory, it names the first altered entry or node."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.ledger import entries
from sealkeeper.ledger.audit import Auditor
from sealkeeper.ledger.checkpoint import Checkpoint
from sealkeeper.ledger.errors import TamperedError
from sealkeeper.ledger.merkle import leaf_hash
from sealkeeper.ledger.note import Ed25519Signer, sign_note
from sealkeeper.ledger.tree import TreeHashes

Stored = dict[tuple[int, int], bytes]  # (level, strip number) -> packed hashes
WIDTH = 4  # hashes per strip (the store uses 64): small, so that a few entries fill many strips
LOG = Ed25519Signer("example.org/log", Ed25519PrivateKey.generate())


def _log(n: int) -> tuple[list[bytes], dict[tuple[int, int], bytes]]:
    datas = [entries.canonical({"type": "t", "n": i}) for i in range(n)]
    tree = TreeHashes()
    tree.append([leaf_hash(d) for d in datas])
    span = WIDTH * 32
    stored = {
        (level, k // span): bytes(hashes[k : k + span])
        for level, hashes in enumerate(tree.levels)
        for k in range(0, len(hashes), span)
    }
    return datas, stored


def _audit(
    datas: list[bytes],
    stored: dict[tuple[int, int], bytes],
    chunk: int,
    marks: list[int],
    signed: list[bytes] | None = None,
) -> Auditor:
    """Stream ``datas`` through an auditor against ``stored`` strips, with checkpoints at ``marks`` over the
    entries ``signed`` (default: ``datas``)."""
    auditor = Auditor(WIDTH)

    def fetch(level: int, first: int, last: int) -> dict[int, bytes]:
        return {k: stored[(level, k)] for k in range(first, last + 1) if (level, k) in stored}

    while auditor.size < len(datas):
        stop = min([auditor.size + chunk, *(m for m in marks if m > auditor.size)])
        auditor.entries([(i, datas[i]) for i in range(auditor.size, min(stop, len(datas)))], fetch)
        assert all(len(pending) < WIDTH * 32 for _, pending in auditor.pending)  # memory stays bounded
        if auditor.size in marks:
            root = _root((signed or datas)[: auditor.size])
            note = sign_note(Checkpoint("example.org/log", auditor.size, root).body(), [LOG])
            auditor.checkpoint(auditor.size, root, note, [LOG.verifier], fetch=fetch)
    counts: dict[int, int] = {}
    for level, _ in stored:
        counts[level] = counts.get(level, 0) + 1
    auditor.finish(fetch, counts)
    return auditor


def _root(datas: list[bytes]) -> bytes:
    tree = TreeHashes()
    tree.append([leaf_hash(d) for d in datas])
    return tree.root()


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 90), st.integers(1, 17), st.lists(st.integers(1, 90), max_size=4))
def test_an_intact_log_passes_in_any_chunking(n: int, chunk: int, marks: list[int]) -> None:
    datas, stored = _log(n)
    auditor = _audit(datas, stored, chunk, sorted({m for m in marks if m <= n}))
    assert auditor.size == n
    assert auditor.compared == len(stored)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 90), st.data())
def test_an_altered_stored_hash_is_named(n: int, data: st.DataObject) -> None:
    datas, stored = _log(n)
    key = data.draw(st.sampled_from(sorted(stored)))
    blob = bytearray(stored[key])
    blob[data.draw(st.integers(0, len(blob) - 1))] ^= 1
    stored[key] = bytes(blob)
    level, strip = key
    with pytest.raises(TamperedError, match="entry" if level == 0 else "stored tree node") as caught:
        _audit(datas, stored, data.draw(st.integers(1, 17)), [n])
    assert caught.value.index is not None
    assert caught.value.index >> level >= strip * WIDTH  # in the altered strip (as the first index it covers)


def test_an_altered_entry_is_named_before_its_checkpoint() -> None:
    datas, stored = _log(10)
    forged = [*datas[:7], entries.canonical({"type": "forged"}), *datas[8:]]
    with pytest.raises(TamperedError, match="entry 7"):  # not "checkpoint at size 10": the entry is named
        _audit(forged, stored, 100, [10], signed=datas)


def test_a_missing_strip_or_an_extra_one_is_refused() -> None:
    datas, stored = _log(20)
    with pytest.raises(TamperedError, match="tree level 0: 6 stored strips, 5 expected"):
        _audit(datas, {**stored, (0, 5): bytes(32)}, 7, [])
    del stored[(1, 1)]
    with pytest.raises(TamperedError, match="stored tree node"):
        _audit(datas, stored, 7, [])
