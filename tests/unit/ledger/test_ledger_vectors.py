"""Every vector in shared/vectors: RFC 6962/9162 roots and proofs (positive and negative), signed notes."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from sealkeeper.ledger import merkle
from sealkeeper.ledger.checkpoint import parse_checkpoint
from sealkeeper.ledger.errors import NoteError, ProofError
from sealkeeper.ledger.note import parse_note, parse_verifier_key, verify_note
from sealkeeper.ledger.tree import TreeHashes

VECTORS = Path("/work/shared/vectors")
if not VECTORS.is_dir():  # CI keeps a copy of shared/ beside the clone
    VECTORS = Path(__file__).resolve().parents[4] / "shared" / "vectors"
MERKLE: dict[str, Any] = json.loads((VECTORS / "rfc6962_vectors.json").read_text("utf-8"))
EXAMPLES = (VECTORS / "signed_note_examples.txt").read_text("utf-8")
NOTES = re.findall(r"-----BEGIN [A-Z]+-----\n(.*?)-----END", EXAMPLES, re.S)
GO_SUMDB_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
C2SP_KEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"


def _h(text: str) -> bytes:
    return bytes.fromhex(text)


LEAVES = [merkle.leaf_hash(_h(x)) for x in MERKLE["leaves_hex"]]


def _tree(n: int) -> TreeHashes:
    tree = TreeHashes()
    for leaf in LEAVES[:n]:  # one at a time: exercises every frontier shape
        tree.append([leaf])
    return tree


def test_hasher_vectors() -> None:
    h = MERKLE["hasher"]
    assert merkle.EMPTY_ROOT.hex() == h["empty_tree_root"]
    assert merkle.leaf_hash(b"").hex() == h["leaf_hash_of_empty_leaf"]
    assert merkle.leaf_hash(b"L123456").hex() == h["leaf_hash('L123456')"]
    assert merkle.node_hash(b"N123", b"N456").hex() == h["node_hash('N123','N456')"]


@pytest.mark.parametrize("size", [str(n) for n in range(1, 9)])
def test_roots(size: str) -> None:
    n, want = int(size), MERKLE["roots_by_tree_size"][size]
    assert merkle.root_of(LEAVES[:n]).hex() == want
    tree = _tree(n)
    assert tree.root().hex() == want
    assert merkle.root_from(n, _tree(8).fetch).hex() == want  # an earlier root from a later tree's nodes


@pytest.mark.parametrize("case", MERKLE["inclusion_proofs"], ids=lambda c: f"{c['leaf_index']}of{c['tree_size']}")
def test_inclusion_vectors(case: dict[str, Any]) -> None:
    index, size, proof = case["leaf_index"], case["tree_size"], [_h(p) for p in case["proof"]]
    assert merkle.inclusion_proof(index, size, _tree(8).fetch) == proof
    leaf = merkle.leaf_hash(_h(case["leaf_hex"]))
    merkle.verify_inclusion(index, size, leaf, proof, _h(case["root"]))
    with pytest.raises(ProofError):
        merkle.verify_inclusion(index, size, leaf, [*proof, leaf], _h(case["root"]))
    if proof:
        with pytest.raises(ProofError):
            merkle.verify_inclusion(index, size, leaf, proof[:-1], _h(case["root"]))
    with pytest.raises(ProofError):
        merkle.verify_inclusion(index, size, merkle.leaf_hash(b"other"), proof, _h(case["root"]))


@pytest.mark.parametrize("case", MERKLE["consistency_proofs"], ids=lambda c: f"{c['size1']}to{c['size2']}")
def test_consistency_vectors(case: dict[str, Any]) -> None:
    old, new, proof = case["size1"], case["size2"], [_h(p) for p in case["proof"]]
    if old < new:
        assert merkle.consistency_proof(old, new, _tree(8).fetch) == proof
    merkle.verify_consistency(old, new, _h(case["root1"]), _h(case["root2"]), proof)
    with pytest.raises(ProofError):
        merkle.verify_consistency(old, new, _h(case["root2"]), merkle.leaf_hash(b"x"), proof)


@pytest.mark.parametrize("name", sorted(MERKLE["json_probes_base64"]))
def test_go_probes(name: str) -> None:
    probe = MERKLE["json_probes_base64"][name]

    def b(x: str) -> bytes:
        return base64.b64decode(x)

    proof = [b(p) for p in probe["proof"]]

    def check() -> None:
        if "/inclusion/" in name:
            merkle.verify_inclusion(probe["leafIdx"], probe["treeSize"], b(probe["leafHash"]), proof, b(probe["root"]))
        else:
            merkle.verify_consistency(probe["size1"], probe["size2"], b(probe["root1"]), b(probe["root2"]), proof)

    if probe["wantErr"]:
        with pytest.raises(ProofError):
            check()
    else:
        check()


def test_sm3_variant_is_the_same_algorithm() -> None:
    """The derived SM3 roots come from the same tree shape: check them with SM3 in place of SHA-256."""
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415 - only this test needs SM3

    def sm3(data: bytes) -> bytes:
        digest = hashes.Hash(hashes.SM3())
        digest.update(data)
        return digest.finalize()

    def root(leaves: list[bytes]) -> bytes:
        if len(leaves) == 1:
            return sm3(b"\x00" + leaves[0])
        k = merkle.split(len(leaves))
        return sm3(b"\x01" + root(leaves[:k]) + root(leaves[k:]))

    variant = MERKLE["sm3_variant_DERIVED_NOT_OFFICIAL"]
    data = [_h(x) for x in MERKLE["leaves_hex"]]
    assert sm3(b"").hex() == variant["empty_tree_root"]
    for size, want in variant["roots_by_tree_size"].items():
        assert root(data[: int(size)]).hex() == want


def test_go_sumdb_checkpoint_verifies() -> None:
    note, good = verify_note(NOTES[0], [parse_verifier_key(GO_SUMDB_KEY)])
    assert [v.name for v in good] == ["sum.golang.org"]
    checkpoint = parse_checkpoint(note.text)
    assert (checkpoint.origin, checkpoint.size) == ("go.sum database tree", 1514086)


def test_c2sp_example_note_verifies() -> None:
    note, _ = verify_note(NOTES[1], [parse_verifier_key(C2SP_KEY)])
    assert note.text == "This is an example message.\n"


def test_altered_size_line_fails() -> None:
    with pytest.raises(NoteError, match="does not verify"):
        verify_note(NOTES[0].replace("1514086", "1514087"), [parse_verifier_key(GO_SUMDB_KEY)])


def test_unknown_key_is_ignored_and_then_rejected() -> None:
    with pytest.raises(NoteError, match="no signature from a known key"):
        verify_note(NOTES[0], [parse_verifier_key(C2SP_KEY)])


def test_cosigned_example_parses() -> None:
    """Example 3 is format only (no public key): its two signature lines parse, the second is 8+64 bytes."""
    example3 = EXAMPLES[EXAMPLES.index("# Example 3") :]
    lines = [line[4:] for line in example3.splitlines() if line.startswith("#   ")]
    body = [line for line in lines if line and not line.startswith("—")][:3]
    text = "".join(line + "\n" for line in body)
    sigs = "".join(line + "\n" for line in lines if line.startswith("— "))
    note = parse_note(text + "\n" + sigs)
    assert parse_checkpoint(note.text).size == 20852163
    assert len(note.signatures[1].signature) == 72


def test_verifier_key_with_wrong_key_id_is_refused() -> None:
    with pytest.raises(NoteError, match="key ID"):
        parse_verifier_key(GO_SUMDB_KEY.replace("033de0ae", "033de0af"))
