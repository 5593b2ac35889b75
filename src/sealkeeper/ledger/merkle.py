"""RFC 9162 §2.1 Merkle tree hashing, inclusion proofs and consistency proofs (SHA-256).

Proof generation never rehashes the tree: a proof is a list of subtree *ranges* ``[start, end)``
(§2.1.3.1, §2.1.4.1), each range splits into at most log2(n) complete subtrees ("nodes", ``(level, index)``:
the subtree of the 2**level leaves from ``index * 2**level``), and the hashes of complete subtrees are looked up
(``tree.TreeHashes`` in memory, ``store.ledger_repository`` in the database), all in one batch.
Verification (§2.1.3.2, §2.1.4.2) refuses empty and trivially-true inputs instead of accepting them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

from sealkeeper.ledger.errors import ProofError

HASH_SIZE = 32
Node = tuple[int, int]  # (level, index): the complete subtree over leaves [index << level, (index + 1) << level)
Range = tuple[int, int]  # [start, end): the leaves of one subtree of the RFC 9162 tree
Fetch = Callable[[Sequence[Node]], Mapping[Node, bytes]]

_sha256 = hashlib.sha256
EMPTY_ROOT = _sha256(b"").digest()  # §2.1.1: MTH({}) = SHA-256()


def leaf_hash(data: bytes) -> bytes:
    """§2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0))."""
    return _sha256(b"\x00" + data).digest()


def leaf_hashes(datas: Iterable[bytes]) -> list[bytes]:
    """§2.1.1 leaf hashes of many entries (one comprehension: the append path's hot loop)."""
    sha = _sha256
    return [sha(b"\x00" + d).digest() for d in datas]


def node_hash(left: bytes, right: bytes) -> bytes:
    """§2.1.1: SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))."""
    return _sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """§2.1.1: k, the largest power of two smaller than n (n > 1)."""
    if n < 2:
        raise ProofError(f"cannot split a tree of {n} leaves")
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """§2.1.1 MTH over leaf hashes, directly from the definition (reference for tests and small trees)."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = split(n)
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """§2.1.3.1 PATH(m, D[n]) as ranges, leaf to root: the subtrees whose hashes make the audit path."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    out: list[Range] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = split(end - start)
        if m < k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start, m = start + k, m - k
    out.reverse()
    return out


def consistency_ranges(old: int, new: int) -> list[Range]:
    """§2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as ranges, in proof order (0 < m < n)."""
    if not 0 < old < new:
        raise ProofError(f"no consistency proof from size {old} to size {new} (needs 0 < old < new)")
    out: list[Range] = []
    start, end, m, whole = 0, new, old, True
    while m != end - start:
        k = split(end - start)
        if m <= k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        out.append((start, end))  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
    out.reverse()
    return out


def range_nodes(r: Range) -> list[Node]:
    """The complete subtrees that make up the range, left to right (its size's binary digits, high to low)."""
    start, end = r
    if not 0 <= start < end:
        raise ProofError(f"empty or inverted range {r}")
    out: list[Node] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start & ((1 << level) - 1):
            raise ProofError(f"range {r} does not start on a subtree boundary")
        out.append((level, start >> level))
        start += 1 << level
    return out


def hash_range(r: Range, nodes: Mapping[Node, bytes]) -> bytes:
    """§2.1.1 MTH(D[start:end]) from the hashes of its complete subtrees: folded from the right."""
    parts = range_nodes(r)
    acc = nodes[parts[-1]]
    for node in reversed(parts[:-1]):
        acc = node_hash(nodes[node], acc)
    return acc


def needed_nodes(ranges: Iterable[Range]) -> list[Node]:
    """Every complete subtree the ranges need, without repeats (one batched look-up)."""
    return sorted({node for r in ranges for node in range_nodes(r)})


def hashes_for(ranges: Sequence[Range], fetch: Fetch) -> list[bytes]:
    nodes = fetch(needed_nodes(ranges))
    return [hash_range(r, nodes) for r in ranges]


def root_from(size: int, fetch: Fetch) -> bytes:
    """MTH of the first ``size`` leaves from stored subtree hashes (O(log n) look-ups)."""
    if size == 0:
        return EMPTY_ROOT
    return hashes_for([(0, size)], fetch)[0]


def inclusion_proof(index: int, size: int, fetch: Fetch) -> list[bytes]:
    """§2.1.3.1: the audit path of leaf ``index`` in the tree of ``size`` leaves."""
    return hashes_for(inclusion_ranges(index, size), fetch)


def consistency_proof(old: int, new: int, fetch: Fetch) -> list[bytes]:
    """§2.1.4.1: the consistency proof between the trees of ``old`` and ``new`` leaves."""
    return hashes_for(consistency_ranges(old, new), fetch)


def _check_hashes(what: str, *values: bytes) -> None:
    for value in values:
        if not isinstance(value, bytes) or len(value) != HASH_SIZE:
            raise ProofError(f"{what}: not a {HASH_SIZE}-byte SHA-256 hash")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """§2.1.3.2 steps 1–5: the root that ``proof`` leads to from ``leaf`` (raises if the path is malformed)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    _check_hashes("leaf hash", leaf)
    _check_hashes("proof hash", *proof)
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the tree is deep")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """§2.1.3.2: raise ProofError unless ``proof`` shows leaf ``index`` with hash ``leaf`` under ``root``."""
    _check_hashes("root", root)
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError(f"inclusion proof of leaf {index} does not lead to the root of tree size {size}")


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """§2.1.4.2: raise ProofError unless ``proof`` shows the tree of ``old`` leaves is a prefix of ``new``'s.

    Equal sizes need an empty proof and equal roots; size 0 is refused (nothing to prove)."""
    _check_hashes("root", old_root, new_root)
    _check_hashes("proof hash", *proof)
    if not 0 < old <= new:
        raise ProofError(f"no consistency proof from size {old} to size {new} (needs 0 < old <= new)")
    if old == new:
        if proof:
            raise ProofError("a consistency proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same tree size {old}")
        return
    if not proof:
        raise ProofError("empty consistency proof")  # step 1
    fr, sr = _consistency_roots(old, new, old_root, proof)
    if fr != old_root:
        raise ProofError(f"consistency proof does not lead to the root of tree size {old}")
    if sr != new_root:
        raise ProofError(f"consistency proof does not lead to the root of tree size {new}")


def _consistency_roots(old: int, new: int, old_root: bytes, proof: Sequence[bytes]) -> tuple[bytes, bytes]:
    """§2.1.4.2 steps 2–7 (0 < old < new, proof not empty): the old and new roots the proof leads to."""
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)  # step 2
    fn, sn = old - 1, new - 1  # step 3
    while fn & 1:  # step 4
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:
            raise ProofError("consistency proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:  # step 7
        raise ProofError("consistency proof is shorter than the tree is deep")
    return fr, sr
