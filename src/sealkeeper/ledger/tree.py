"""The hashes of every complete subtree of an append-only Merkle tree, built incrementally in batches.

A tree of n leaves has, at each level L, ``n >> L`` complete subtrees of 2**L leaves. Storing all of them
(about 2n hashes: the leaf hashes plus one interior node per leaf) makes every root, inclusion proof and
consistency proof an O(log n) look-up (``merkle.hashes_for``), the way Go's tlog tiles and Tessera do.

``extend`` is the append step shared by the in-memory tree and the database: from the tree's *frontier*
(the last, still unpaired complete subtree at each level where ``n`` has a one bit: the compact range
[0, n)) and a batch of new leaf hashes, it returns the new interior nodes and the new frontier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from hashlib import sha256

from sealkeeper.ledger.errors import LedgerError
from sealkeeper.ledger.merkle import EMPTY_ROOT, HASH_SIZE, Node, node_hash

Frontier = dict[int, bytes]  # level -> hash of the complete subtree ending at the tree's right edge


@dataclass(frozen=True, slots=True)
class Extension:
    size: int  # the tree size after the batch
    runs: list[tuple[int, int, list[bytes]]]  # new nodes per level >= 1: (level, first index, hashes)
    frontier: Frontier

    def packed_runs(self, leaves: Sequence[bytes], first: int) -> list[tuple[int, int, bytes]]:
        """All new nodes, the leaves (level 0, from index ``first``) included, as packed runs per level."""
        return [(0, first, b"".join(leaves))] + [(lv, start, b"".join(hs)) for lv, start, hs in self.runs]


def extend(size: int, frontier: Mapping[int, bytes], leaves: Sequence[bytes]) -> Extension:
    """Append ``leaves`` (leaf hashes) to a tree of ``size`` leaves whose frontier is ``frontier``."""
    if set(frontier) != {level for level in range(size.bit_length()) if size >> level & 1}:
        raise LedgerError(f"the frontier does not match a tree of size {size}")
    end = size + len(leaves)
    runs: list[tuple[int, int, list[bytes]]] = []
    new_frontier: Frontier = {}
    row, level = list(leaves), 0
    while row:
        first = size >> level  # index of row[0] at this level
        if first & 1:
            row = [frontier[level], *row]
            first -= 1
        if (end >> level) & 1:
            new_frontier[level] = row[-1]
        parents = [sha256(b"\x01" + row[i] + row[i + 1]).digest() for i in range(0, len(row) - 1, 2)]  # node_hash
        level += 1
        if parents:
            runs.append((level, first >> 1, parents))
        row = parents
    new_frontier.update({lv: h for lv, h in frontier.items() if lv >= level})  # untouched upper levels
    return Extension(end, runs, new_frontier)


def frontier_root(size: int, frontier: Mapping[int, bytes]) -> bytes:
    """MTH of the whole tree from its frontier: the frontier's subtrees folded from the right."""
    if size == 0:
        return EMPTY_ROOT
    levels = sorted(frontier)
    acc = frontier[levels[0]]
    for level in levels[1:]:
        acc = node_hash(frontier[level], acc)
    return acc


def pack_frontier(frontier: Mapping[int, bytes]) -> bytes:
    return b"".join(frontier[level] for level in sorted(frontier))


def unpack_frontier(size: int, blob: bytes) -> Frontier:
    levels = [level for level in range(size.bit_length()) if size >> level & 1]
    if len(blob) != HASH_SIZE * len(levels):
        raise LedgerError(f"stored frontier has {len(blob)} bytes, a tree of size {size} needs {32 * len(levels)}")
    return {level: blob[i * HASH_SIZE : (i + 1) * HASH_SIZE] for i, level in enumerate(levels)}


@dataclass
class TreeHashes:
    """Every complete subtree hash of a tree, in memory: ``levels[L]`` holds the hashes at level L, packed."""

    levels: list[bytearray] = field(default_factory=lambda: [bytearray()])
    frontier: Frontier = field(default_factory=dict)
    size: int = 0

    def append(self, leaves: Sequence[bytes]) -> None:
        ext = extend(self.size, self.frontier, leaves)
        self.levels[0].extend(b"".join(leaves))
        for level, _first, hashes in ext.runs:
            while len(self.levels) <= level:
                self.levels.append(bytearray())
            self.levels[level].extend(b"".join(hashes))
        self.size, self.frontier = ext.size, ext.frontier

    def node(self, node: Node) -> bytes:
        level, index = node
        if level >= len(self.levels) or (index + 1) << level > self.size:
            raise LedgerError(f"no complete subtree {node} in a tree of size {self.size}")
        return bytes(self.levels[level][index * HASH_SIZE : (index + 1) * HASH_SIZE])

    def fetch(self, nodes: Sequence[Node]) -> dict[Node, bytes]:
        return {n: self.node(n) for n in nodes}

    def root(self) -> bytes:
        return frontier_root(self.size, self.frontier)
