"""Re-checking a whole log from what is stored: every entry, every interior node, every checkpoint.

The auditor is fed the stored rows in order (the service streams them from the database) and recomputes
everything from the entries' bytes alone; the first thing that does not match raises TamperedError naming
the entry (or node, or checkpoint). Nothing here trusts a stored hash it can recompute.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sealkeeper.ledger import entries as entry_format
from sealkeeper.ledger.checkpoint import parse_checkpoint
from sealkeeper.ledger.errors import EntryRejectedError, NoteError, TamperedError
from sealkeeper.ledger.merkle import leaf_hash, root_from
from sealkeeper.ledger.note import Verifier, verify_note
from sealkeeper.ledger.tree import TreeHashes


class Auditor:
    def __init__(self) -> None:
        self.tree = TreeHashes()
        self.started: set[tuple[str, bytes]] = set()  # keys of ``from_first`` that have signed a checkpoint

    @property
    def size(self) -> int:
        return self.tree.size

    def entries(self, rows: Iterable[tuple[int, bytes]]) -> None:
        """Rows (index, stored bytes), in index order, continuing from ``size``."""
        batch: list[bytes] = []
        expected = self.size
        for index, data in rows:
            if index != expected:
                raise TamperedError(f"entry {expected}: missing (the next stored entry is {index})", expected)
            try:
                entry_format.parse(data)
            except EntryRejectedError as exc:
                raise TamperedError(f"entry {index}: {exc}", index) from None
            batch.append(leaf_hash(data))
            expected += 1
        if batch:
            self.tree.append(batch)

    def strips(self, rows: Iterable[tuple[int, int, bytes]], width: int) -> int:
        """Stored strips (level, strip number, packed hashes) of ``width`` hashes: each must equal the one
        recomputed from the entries. Level 0 holds the leaf hashes."""
        seen = [0] * len(self.tree.levels)
        for level, number, stored in rows:
            if level >= len(self.tree.levels):
                raise TamperedError(f"stored tree level {level} does not exist in a log of {self.size} entries")
            computed = bytes(self.tree.levels[level][number * width * 32 : (number + 1) * width * 32])
            if computed != stored:
                self._locate(level, number * width, stored, computed)
            seen[level] += 1
        for level, hashes in enumerate(self.tree.levels):
            expected = -(-len(hashes) // (width * 32))
            if seen[level] != expected:
                raise TamperedError(f"tree level {level}: {seen[level]} stored strips, {expected} expected")
        return sum(seen)

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
    ) -> None:
        """A stored checkpoint (checked in size order): its note verifies, says what its row says, and matches
        the entries. Every key of ``verifiers`` must have signed it; every key of ``from_first`` (the gm suite's
        SM2 key, added to older logs) must have signed it if it signed an earlier one: no checkpoint loses it."""
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
        if root_from(size, self.tree.fetch) != root:
            raise TamperedError(
                f"checkpoint at size {size}: the entries before it no longer give its root (the log was rewritten)"
            )
