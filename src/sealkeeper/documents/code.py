"""Verification codes: short, human-typable, derived from a document's signature.

A code is 16 symbols of Crockford's base32 (0-9 and A-Z without I, L, O, U: 80 bits of the SHA-256 of the
signature under a domain label) and one check symbol (Luhn mod 32), printed in groups of four:
``ABCD-EFGH-JKMN-PQRS-T``. Reading a typed code forgives case, spaces, hyphens and the look-alikes Crockford
names (O→0, I and L→1); a single wrong symbol or most swaps of two neighbours fail the check. Pure.
"""

from __future__ import annotations

import hashlib

from sealkeeper.documents.errors import CodeError, DocumentRefusal

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_INDEX = {symbol: i for i, symbol in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
DATA_SYMBOLS = 16
GROUP = 4
LABEL = b"sealkeeper/document-code/v1\x00"


def _luhn_sum(symbols: str, double_first: bool) -> int:
    """Luhn mod 32 over ``symbols`` read from the right; ``double_first``: the rightmost symbol is doubled."""
    total, double = 0, double_first
    for symbol in reversed(symbols):
        value = _INDEX[symbol] * (2 if double else 1)
        total += value // 32 + value % 32
        double = not double
    return total


def check_symbol(data: str) -> str:
    """The check symbol of ``data`` (canonical symbols only)."""
    return ALPHABET[-_luhn_sum(data, double_first=True) % 32]


def _group(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def code_for_signature(signature: bytes) -> str:
    """The printed verification code of a signature."""
    number = int.from_bytes(hashlib.sha256(LABEL + signature).digest()[:10], "big")
    data = "".join(ALPHABET[(number >> shift) & 31] for shift in range(5 * (DATA_SYMBOLS - 1), -1, -5))
    return _group(data + check_symbol(data))


def normalize_code(typed: str) -> str:
    """The canonical printed form of a typed code (the lookup key), or :class:`CodeError` saying what is wrong."""
    symbols = "".join(typed.split()).replace("-", "").upper().translate(_LOOKALIKES)
    if len(symbols) != DATA_SYMBOLS + 1:
        raise CodeError.of(DocumentRefusal.CODE_LENGTH, symbols=DATA_SYMBOLS + 1, count=len(symbols))
    stray = sorted({s for s in symbols if s not in _INDEX})
    if stray:
        raise CodeError.of(DocumentRefusal.CODE_SYMBOL, stray=", ".join(stray))
    if _luhn_sum(symbols, double_first=False) % 32:
        raise CodeError.of(DocumentRefusal.CODE_CHECK)
    return _group(symbols)
