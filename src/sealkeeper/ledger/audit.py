"""Re-checking a whole log from what is stored: every entry, every interior node, every checkpoint.

The auditor is fed the stored entries in index order, in chunks (the service streams them from the
database), and recomputes everything from the entries' bytes alone: the first thing that does not match
raises TamperedError naming the entry (or node, or checkpoint). Nothing here trusts a stored hash it can
recompute. Memory stays bounded whatever the log's size: the auditor keeps the tree's frontier and, per level,
the computed hashes of the one node strip not yet compared with its stored copy (``StripFetch`` reads those).
Checkpoints are checked when the stream reaches their size, against the frontier's root at that size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from sealkeeper.ledger import entries as entry_format
from sealkeeper.ledger.checkpoint import parse_checkpoint
from sealkeeper.ledger.errors import EntryRejectedError, NoteError, TamperedError
from sealkeeper.ledger.merkle import HASH_SIZE, leaf_hashes
from sealkeeper.ledger.note import Verifier, verify_note
from sealkeeper.ledger.tree import Frontier, extend, frontier_root

#: (level, first strip, last strip) -> the stored strips in that range, by strip number (missing ones absent)
StripFetch = Callable[[int, int, int], Mapping[int, bytes]]


class Auditor:
    def __init__(self, width: int) -> None:
        self.width = width  # hashes per stored strip
        self.size = 0
        self.frontier: Frontier = {}
        self.pending: list[tuple[int, bytearray]] = []  # per level: (first index, computed hashes not compared)
        self.compared = 0  # stored strips compared so far
        self.started: set[tuple[str, bytes]] = set()  # keys of ``from_first`` that have signed a checkpoint

    def entries(self, rows: Iterable[tuple[int, bytes]], fetch: StripFetch) -> None:
        """Rows (index, stored bytes), in index order, continuing from ``size``; then every stored strip they
        complete is compared."""
        datas: list[bytes] = []
        expected = self.size
        for index, data in rows:
            if index != expected:
                raise TamperedError(f"entry {expected}: missing (the next stored entry is {index})", expected)
            try:
                entry_format.parse(data)
            except EntryRejectedError as exc:
                raise TamperedError(f"entry {index}: {exc}", index) from None
            datas.append(data)
            expected += 1
        if not datas:
            return
        leaves = leaf_hashes(datas)
        ext = extend(self.size, self.frontier, leaves)
        for level, first, packed in ext.packed_runs(leaves, self.size):
            if level == len(self.pending):
                self.pending.append((first, bytearray()))
            self.pending[level][1].extend(packed)
        self.size, self.frontier = ext.size, ext.frontier
        self._compare(fetch, final=False)

    def finish(self, fetch: StripFetch, stored_counts: Mapping[int, int]) -> int:
        """Compare the last, partial strips and the number of stored strips per level (none may be extra);
        returns how many strips were compared."""
        self._compare(fetch, final=True)
        for level in sorted({*stored_counts, *range(len(self.pending))}):
            expected = -(-(self.size >> level) // self.width)
            if stored_counts.get(level, 0) != expected:
                raise TamperedError(
                    f"tree level {level}: {stored_counts.get(level, 0)} stored strips, {expected} expected"
                )
        return self.compared

    def _compare(self, fetch: StripFetch, *, final: bool) -> None:
        span = self.width * HASH_SIZE
        for level, (first, computed) in enumerate(self.pending):
            count = (len(computed) + (span - 1 if final else 0)) // span
            if not count:
                continue
            strip = first // self.width  # ``first`` is always at a strip's start
            stored = fetch(level, strip, strip + count - 1)
            for k in range(count):
                mine = bytes(computed[k * span : (k + 1) * span])
                if stored.get(strip + k) != mine:
                    self._locate(level, (strip + k) * self.width, stored.get(strip + k, b""), mine)
            self.compared += count
            del computed[: count * span]
            self.pending[level] = (first + count * self.width, computed)

    def _prefixes(self, fetch: StripFetch) -> None:
        """Compare the strips not yet compared with the start of their stored copies (which may go on)."""
        for level, (first, computed) in enumerate(self.pending):
            if computed:
                strip = first // self.width
                stored = fetch(level, strip, strip).get(strip, b"")[: len(computed)]
                if stored != computed:
                    self._locate(level, first, stored, bytes(computed))

    def _locate(self, level: int, first: int, stored: bytes, computed: bytes) -> None:
        i = next(
            (k for k in range(0, min(len(stored), len(computed)), 32) if stored[k : k + 32] != computed[k : k + 32]),
            None,
        )
        index = first + (min(len(stored), len(computed)) if i is None else i) // 32
        if level == 0:
            raise TamperedError(f"entry {index}: its bytes do not match its stored leaf hash", index)
        start = index << level
        raise TamperedError(
            f"entries {start}–{start + (1 << level) - 1}: the stored tree node over them was altered "
            f"(or entries and their leaf hashes were rewritten together)",
            start,
        )

    def checkpoint(
        self,
        size: int,
        root: bytes,
        note: str,
        verifiers: Sequence[Verifier],
        *,
        origin: str | None = None,
        from_first: Sequence[Verifier] = (),
        fetch: StripFetch | None = None,
    ) -> None:
        """A stored checkpoint, checked when the entries streamed reach its size: its note verifies, says what
        its row says, and the entries give its root. Every key of ``verifiers`` must have signed it; every key
        of ``from_first`` (the gm suite's SM2 key, added to older logs) must have signed it if it signed an
        earlier one: no checkpoint loses it."""
        try:
            parsed, good = verify_note(note, [*verifiers, *from_first])
            signed = {(v.name, v.key_id) for v in good}
            for verifier in [*verifiers, *from_first]:
                key = (verifier.name, verifier.key_id)
                if key in signed and verifier in from_first:
                    self.started.add(key)
                elif key not in signed and (verifier in verifiers or key in self.started):
                    raise NoteError(f"no signature from the key {verifier.name}+{verifier.key_id.hex()}")
            body = parse_checkpoint(parsed.text)
        except NoteError as exc:
            raise TamperedError(f"checkpoint at size {size}: {exc}") from None
        if body.size != size or body.root != root or (origin is not None and body.origin != origin):
            raise TamperedError(f"checkpoint at size {size}: its row and its signed note disagree")
        if size > self.size:
            raise TamperedError(f"checkpoint at size {size}: the log holds only {self.size} entries")
        if size != self.size:
            raise TamperedError(f"checkpoint at size {size}: checked at size {self.size} (out of order)")
        if frontier_root(self.size, self.frontier) != root:
            if fetch is not None:
                self._prefixes(fetch)  # an altered entry or node not yet compared: name it
            raise TamperedError(
                f"checkpoint at size {size}: the entries before it no longer give its root (the log was rewritten)"
            )
