"""Errors of the ledger. None carries an entry's content: only indexes, sizes and hashes."""

from __future__ import annotations

from sealkeeper.errors import SealkeeperError


class LedgerError(SealkeeperError):
    """The ledger cannot do what was asked (empty log, missing key, store out of step)."""


class ProofError(LedgerError):
    """An inclusion or consistency proof does not verify, or was asked for impossible sizes."""


class NoteError(LedgerError):
    """A signed note, verifier key or checkpoint is malformed or its signature does not verify."""


class EntryRejectedError(LedgerError):
    """An event cannot be logged: it carries personal data or is not canonical JSON."""


class ForkError(LedgerError):
    """Two checkpoints disagree: same size with different roots, or a later one inconsistent with an earlier one."""


class TamperedError(LedgerError):
    """The stored log does not match its hashes or its checkpoints; names the first bad entry or checkpoint."""

    def __init__(self, message: str, index: int | None = None) -> None:
        self.index = index
        super().__init__(message)
