"""JSON text in and out, fast, with the standard library's exact results.

``canonical`` is the text the store keeps and digests (the legal facts, the notes, a bundle's keyed digest):
keys sorted, no spaces, non-ASCII unescaped, exactly ``json.dumps(obj, ensure_ascii=False, sort_keys=True,
separators=(",", ":"))``. ``loads`` is ``json.loads``. Both use orjson (several times faster) where its result
is provably the same, and the standard library otherwise:

- orjson writes a float below 1e-4 positionally or with a short exponent (``0.00001``, ``2.5e-8``) where
  Python writes ``1e-05`` and ``2.5e-08``, and NaN or infinity as ``null``: output with such a number or with
  ``null`` is made again by the standard library (other floats print alike: both give the shortest repr).
- orjson refuses integers beyond 64 bits and strings with lone surrogates: the standard library takes them.
- orjson reads an integer of 19 or more digits that does not fit 64 bits as a float, and refuses ``NaN``,
  ``Infinity`` and numbers too large for a double, which Python reads: text with a run of 19 digits, or that
  orjson refuses, is read by the standard library (so its error messages are Python's too).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_MAY_DIFFER = re.compile(rb"[0-9]e-|0\.0000|null")
_LONG_NUMBER = re.compile(r"[0-9]{19}")


def _standard(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(obj: Any) -> str:
    """``obj`` as canonical JSON text (see the module's docstring)."""
    try:
        out = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # a huge integer, a lone surrogate, a non-string key: Python's own rules
        return _standard(obj)
    if _MAY_DIFFER.search(out) is not None:
        return _standard(obj)
    return out.decode("utf-8")


def loads(text: str) -> Any:
    """``json.loads(text)``; raises json.JSONDecodeError with Python's message and position."""
    if _LONG_NUMBER.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # perhaps NaN or 1e400, which Python reads; else Python's own message below
    return json.loads(text)
