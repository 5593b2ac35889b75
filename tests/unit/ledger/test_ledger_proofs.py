"""Hypothesis: roots, inclusion and consistency proofs for random tree sizes and batch shapes; bit flips fail."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.ledger import merkle
from sealkeeper.ledger.errors import LedgerError, ProofError
from sealkeeper.ledger.tree import TreeHashes, extend, frontier_root, pack_frontier, unpack_frontier


def leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def built(n: int, batches: list[int]) -> TreeHashes:
    tree, data, at = TreeHashes(), leaves(n), 0
    for size in [*batches, n]:
        step = data[at : at + max(1, size)]
        if step:
            tree.append(step)
            at += len(step)
    while at < n:
        tree.append(data[at : at + 7])
        at += 7
    return tree


def flip(value: bytes, bit: int) -> bytes:
    b = bytearray(value)
    b[bit // 8 % len(b)] ^= 1 << (bit % 8)
    return bytes(b)


sizes = st.integers(min_value=1, max_value=600)
batches = st.lists(st.integers(min_value=1, max_value=70), max_size=12)


@settings(max_examples=150, deadline=None)
@given(n=sizes, shape=batches)
def test_batched_tree_matches_the_definition(n: int, shape: list[int]) -> None:
    tree = built(n, shape)
    assert tree.size == n
    assert tree.root() == merkle.root_of(leaves(n)) == merkle.root_from(n, tree.fetch)
    assert unpack_frontier(n, pack_frontier(tree.frontier)) == tree.frontier
    assert frontier_root(n, tree.frontier) == tree.root()


@settings(max_examples=200, deadline=None)
@given(n=sizes, data=st.data())
def test_inclusion_proofs_verify_and_bit_flips_fail(n: int, data: st.DataObject) -> None:
    tree, all_leaves = built(n, []), leaves(n)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = merkle.inclusion_proof(index, n, tree.fetch)
    assert len(proof) <= n.bit_length()
    root = tree.root()
    merkle.verify_inclusion(index, n, all_leaves[index], proof, root)
    bit = data.draw(st.integers(min_value=0, max_value=255))
    with pytest.raises(ProofError):
        merkle.verify_inclusion(index, n, all_leaves[index], proof, flip(root, bit))
    with pytest.raises(ProofError):
        merkle.verify_inclusion(index, n, flip(all_leaves[index], bit), proof, root)
    if proof:
        at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        with pytest.raises(ProofError):
            merkle.verify_inclusion(
                index, n, all_leaves[index], [*proof[:at], flip(proof[at], bit), *proof[at + 1 :]], root
            )
    if n > 1:
        with pytest.raises(ProofError):
            merkle.verify_inclusion((index + 1) % n, n, all_leaves[index], proof, root)


@settings(max_examples=200, deadline=None)
@given(new=st.integers(min_value=2, max_value=600), data=st.data())
def test_consistency_proofs_verify_and_bit_flips_fail(new: int, data: st.DataObject) -> None:
    old = data.draw(st.integers(min_value=1, max_value=new - 1))
    tree, all_leaves = built(new, data.draw(batches)), leaves(new)
    proof = merkle.consistency_proof(old, new, tree.fetch)
    old_root, new_root = merkle.root_of(all_leaves[:old]), tree.root()
    merkle.verify_consistency(old, new, old_root, new_root, proof)
    bit = data.draw(st.integers(min_value=0, max_value=255))
    with pytest.raises(ProofError):
        merkle.verify_consistency(old, new, flip(old_root, bit), new_root, proof)
    with pytest.raises(ProofError):
        merkle.verify_consistency(old, new, old_root, flip(new_root, bit), proof)
    at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
    with pytest.raises(ProofError):
        merkle.verify_consistency(old, new, old_root, new_root, [*proof[:at], flip(proof[at], bit), *proof[at + 1 :]])
    with pytest.raises(ProofError):
        merkle.verify_consistency(old, new, old_root, new_root, proof[:-1])
    with pytest.raises(ProofError):
        merkle.verify_consistency(old, new, old_root, new_root, [*proof, new_root])


@settings(max_examples=100, deadline=None)
@given(new=st.integers(min_value=2, max_value=300), data=st.data())
def test_a_forked_log_is_not_consistent(new: int, data: st.DataObject) -> None:
    """Change one of the first ``old`` entries: no proof from the honest old root reaches the forked tree."""
    old = data.draw(st.integers(min_value=1, max_value=new - 1))
    changed = data.draw(st.integers(min_value=0, max_value=old - 1))
    honest = leaves(new)
    forked = [*honest[:changed], merkle.leaf_hash(b"forged"), *honest[changed + 1 :]]
    fork = TreeHashes()
    fork.append(forked)
    with pytest.raises(ProofError):
        merkle.verify_consistency(
            old, new, merkle.root_of(honest[:old]), fork.root(), merkle.consistency_proof(old, new, fork.fetch)
        )


def test_refuses_empty_and_trivial_inputs() -> None:
    root = merkle.leaf_hash(b"a")
    with pytest.raises(ProofError):
        merkle.verify_consistency(0, 5, root, root, [])
    with pytest.raises(ProofError):
        merkle.verify_consistency(2, 5, root, root, [])
    with pytest.raises(ProofError):
        merkle.verify_consistency(3, 3, root, root, [root])
    with pytest.raises(ProofError):
        merkle.verify_consistency(3, 3, root, merkle.leaf_hash(b"b"), [])
    with pytest.raises(ProofError):
        merkle.verify_inclusion(0, 0, root, [], root)
    with pytest.raises(ProofError):
        merkle.verify_inclusion(5, 5, root, [], root)
    with pytest.raises(ProofError):
        merkle.verify_inclusion(0, 1, b"short", [], root)
    with pytest.raises(ProofError):
        merkle.consistency_ranges(4, 4)
    with pytest.raises(ProofError):
        merkle.inclusion_ranges(-1, 4)
    merkle.verify_consistency(3, 3, root, root, [])  # equal sizes, equal roots, empty proof: consistent


def test_extend_refuses_a_frontier_that_does_not_fit() -> None:
    with pytest.raises(LedgerError):
        extend(3, {0: merkle.leaf_hash(b"x")}, [merkle.leaf_hash(b"y")])


def test_proofs_are_lookups_not_rehashing() -> None:
    """A proof at 1M-shaped sizes asks for O(log n) complete subtrees, whatever the index."""
    for size in (1_000_000, 2**20, 2**20 + 1):
        for index in (0, size // 2, size - 1):
            assert len(merkle.needed_nodes(merkle.inclusion_ranges(index, size))) <= 2 * size.bit_length()
        assert len(merkle.needed_nodes(merkle.consistency_ranges(size // 3, size))) <= 2 * size.bit_length()
