"""Cross-agency totals under homomorphic encryption (TenSEAL BFV with batching). Pure: bytes in, bytes out.

Three roles, each a separate party:

- the statistics authority makes the key pair (``Authority``), hands out the public context (parameters and
  public key only) and is the only one that can decrypt — and it decrypts only the total;
- each agency encrypts its count vector under the public key (``encrypt``) into an ``Envelope``;
- the aggregator (``Aggregator``) holds the public context only (no secret key: it cannot decrypt) and adds
  the ciphertexts it accepts.

An envelope names the key it was made under (``key_id``: SHA-256 of the public context). The aggregator
refuses one made under another key, one that is not a BFV ciphertext of this round's parameters, one of
the wrong size, and a party's second one — each with a clear error, and the running total untouched (the
sum is computed aside and kept only if it succeeds). What no aggregator can check without a secret key or
zero-knowledge proofs is a party that encrypts under a foreign key *and* lies about ``key_id``; the
authority's bound check on the decrypted total catches most such garbage, not all (see ``decrypt_total``).

Why BFV and not Paillier: bench/bench_secure_sum.py measures both in the same run (4,096 counts per agency,
one BFV ciphertext of 4,096 slots against 4,096 Paillier ciphertexts).

The parameters are the smallest that do the job (a round only adds): 4,096 slots (one ciphertext per agency);
a plain modulus just above twice the largest total the demonstration allows (500 agencies x 1,000); and a
coefficient modulus of two primes, 54 + 55 bits — the 109 bits the HE security standard allows at degree 4,096
for 128-bit security, as SEAL's default, but as two primes instead of three. A ciphertext then lives on the
54-bit prime alone: 62 kB instead of 88 kB (SEAL's default keeps two 36-bit primes), and it needs no
compression work; the 2^34 between coefficient and plain modulus leaves room for thousands of additions
(tests/unit/stats/test_secure_sum.py adds one ciphertext 4,000 times). Multiplication, which would need more
primes, is never done.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import tenseal as ts  # type: ignore[import-untyped]  # TenSEAL ships no type information

from sealkeeper.stats.errors import CiphertextRejectedError, StatsError

POLY_MODULUS_DEGREE = 4096  # 4,096 slots: one ciphertext per agency for up to 4,096 cells
PLAIN_MODULUS = 1032193  # prime, = 1 mod 2 x 4096 (batching); totals must stay below half of it
COEFF_MOD_BIT_SIZES = (54, 55)  # 109 bits: the 128-bit-security limit at degree 4,096 (see the module docstring)
MAX_TOTAL = PLAIN_MODULUS // 2
_PARTY = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, what: str) -> bytes:
    """Base64 text to bytes; StatsError naming ``what`` otherwise."""
    if not isinstance(text, str):
        raise StatsError(f"{what}: not a base64 text")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise StatsError(f"{what}: not valid base64") from None


@dataclass(frozen=True, slots=True)
class Envelope:
    """One agency's encrypted count vector, as sent to the aggregator."""

    party: str
    key_id: str
    cells: int
    ciphertext: bytes

    def json(self) -> dict[str, Any]:
        return {"party": self.party, "key_id": self.key_id, "cells": self.cells, "ciphertext": b64(self.ciphertext)}

    @classmethod
    def from_json(cls, body: object) -> Envelope:
        if not isinstance(body, dict):
            raise CiphertextRejectedError("(unknown)", "the contribution is not a JSON object")
        party = body.get("party")
        if not isinstance(party, str) or not _PARTY.match(party):
            raise CiphertextRejectedError("(unknown)", "party: 1-64 letters, digits or ._:-")
        kid, cells = body.get("key_id"), body.get("cells")
        if not isinstance(kid, str):
            raise CiphertextRejectedError(party, "key_id: missing")
        if not isinstance(cells, int) or isinstance(cells, bool):
            raise CiphertextRejectedError(party, "cells: not an integer")
        try:
            ciphertext = unb64(body.get("ciphertext"), "ciphertext")
        except StatsError as exc:
            raise CiphertextRejectedError(party, str(exc)) from None
        return cls(party, kid, cells, ciphertext)


def _public_context(public: bytes) -> ts.Context:
    try:
        context = ts.context_from(public)
    except (ValueError, RuntimeError, TypeError):
        raise StatsError("public context: not a TenSEAL context") from None
    if context.is_private():
        raise StatsError("public context: it holds a secret key; only the authority may")
    return context


def check_counts(counts: Sequence[int], cells: int, party: str) -> list[int]:
    """The counts as a list, or StatsError naming the first bad one (checked in bulk first: the common case)."""
    if len(counts) != cells:
        raise StatsError(f"{party}: {len(counts)} counts for {cells} cells")
    out = list(counts)
    if out and set(map(type, out)) == {int} and min(out) >= 0 and max(out) < MAX_TOTAL:
        return out
    for i, count in enumerate(out):
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count < MAX_TOTAL:
            raise StatsError(f"{party}: counts[{i}]: an integer from 0 to {MAX_TOTAL - 1}")
    return out


@dataclass(frozen=True, slots=True)
class PublicKey:
    """The round's public context as an agency holds it: loaded once, used for its encryption."""

    context: ts.Context
    key_id: str

    @classmethod
    def load(cls, public: bytes) -> PublicKey:
        return cls(_public_context(public), key_id(public))


def encrypt(public: bytes | PublicKey, party: str, counts: Sequence[int]) -> Envelope:
    """An agency's envelope: its counts encrypted under the authority's public key (never the plaintext)."""
    if not 0 < len(counts) <= POLY_MODULUS_DEGREE:
        raise StatsError(f"{party}: 1 to {POLY_MODULUS_DEGREE} cells per round")
    values = check_counts(counts, len(counts), party)
    key = public if isinstance(public, PublicKey) else PublicKey.load(public)
    vector = ts.bfv_vector(key.context, values)
    return Envelope(party, key.key_id, len(values), vector.serialize())


class Aggregator:
    """Adds the accepted ciphertexts. Holds the public context only: it has no key to decrypt with."""

    def __init__(self, public: bytes, cells: int) -> None:
        if not 0 < cells <= POLY_MODULUS_DEGREE:
            raise StatsError(f"cells: 1 to {POLY_MODULUS_DEGREE}")
        self.context = _public_context(public)
        self.key_id = key_id(public)
        self.cells = cells
        self.parties: list[str] = []
        self._sum: ts.BFVVector | None = None

    def accept(self, envelope: Envelope) -> None:
        """Add one envelope, or raise CiphertextRejectedError and leave the total as it was."""
        party = envelope.party
        if party in self.parties:
            raise CiphertextRejectedError(party, "this party has already contributed to this round")
        if envelope.key_id != self.key_id:
            raise CiphertextRejectedError(party, "encrypted under another key than this round's public key")
        if envelope.cells != self.cells:
            raise CiphertextRejectedError(party, f"cells: {envelope.cells}, this round has {self.cells}")
        try:
            vector = ts.bfv_vector_from(self.context, envelope.ciphertext)
            if vector.size() != self.cells:
                raise CiphertextRejectedError(party, f"the ciphertext holds {vector.size()} slots, not {self.cells}")
            total = vector if self._sum is None else self._sum + vector  # a new object: the old sum stays intact
        except (ValueError, RuntimeError, TypeError):
            raise CiphertextRejectedError(party, "not a BFV ciphertext of this round's parameters") from None
        self._sum = total
        self.parties.append(party)

    def total(self) -> bytes:
        if self._sum is None:
            raise StatsError("no contribution was accepted: there is no total")
        data: bytes = self._sum.serialize()
        return data


class Authority:
    """The statistics authority: the only holder of the secret key."""

    def __init__(self, coeff_mod_bit_sizes: Sequence[int] | None = COEFF_MOD_BIT_SIZES) -> None:
        """``coeff_mod_bit_sizes=None`` takes SEAL's default (three primes; what the benchmark compares with)."""
        sizes = {} if coeff_mod_bit_sizes is None else {"coeff_mod_bit_sizes": list(coeff_mod_bit_sizes)}
        self._context = ts.context(
            ts.SCHEME_TYPE.BFV, poly_modulus_degree=POLY_MODULUS_DEGREE, plain_modulus=PLAIN_MODULUS, **sizes
        )
        self.public: bytes = self._context.serialize(
            save_public_key=True, save_secret_key=False, save_galois_keys=False, save_relin_keys=False
        )

    def decrypt_total(self, total: bytes, cells: int, parties: int, max_count: int) -> list[int]:
        """Decrypt the aggregated total (and nothing else). Every cell must lie in [0, parties x max_count]:
        a total outside is refused (a contribution under a foreign key gives values spread over the modulus)."""
        if parties * max_count >= MAX_TOTAL:
            raise StatsError(f"{parties} parties x {max_count} per cell could overflow the plaintext modulus")
        try:
            values = [int(v) for v in ts.bfv_vector_from(self._context, total).decrypt()]
        except (ValueError, RuntimeError, TypeError):
            raise StatsError("total: not a BFV ciphertext under this authority's key") from None
        if len(values) != cells:
            raise StatsError(f"total: {len(values)} cells, expected {cells}")
        bad = [i for i, v in enumerate(values) if not 0 <= v <= parties * max_count]
        if bad:
            raise StatsError(f"total: cell {bad[0]} (and {len(bad) - 1} more) out of range; a contribution was bad")
        return values
