"""The tamper-evident ledger: an append-only Merkle log (RFC 9162 §2.1) with signed checkpoints.

Pure modules (no I/O, no clock, no database): ``merkle`` (hashing and proofs), ``tree`` (the hashes of every
complete subtree, so that proofs are O(log n) look-ups), ``entries`` (canonical JSON and salted
commitments), ``note`` (C2SP signed-note with Ed25519), ``checkpoint`` (C2SP tlog-checkpoint and
tlog-cosignature) and ``audit`` (re-checking a whole log). Storage is in ``sealkeeper.store.ledger_*``;
the use cases in ``sealkeeper.services.ledger``.
"""
