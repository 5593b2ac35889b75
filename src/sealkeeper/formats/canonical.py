"""Canonical JSON text, fast, with the standard library's exact result.

``canonical`` is the text the store keeps and digests (the legal facts, the notes, a bundle's keyed digest):
keys sorted, no spaces, non-ASCII unescaped, exactly ``json.dumps(obj, ensure_ascii=False, sort_keys=True,
separators=(",", ":"))``. It uses orjson (several times faster) where its output is provably the same, and
the standard library otherwise:

- orjson writes a float below 1e-4 positionally or with a short exponent (``0.00001``, ``2.5e-8``) where
  Python writes ``1e-05`` and ``2.5e-08``, and NaN or infinity as ``null``: output holding ``e-``,
  ``0.0000`` or ``null`` anywhere is made again by the standard library (other floats print alike: both
  write the shortest repr, with ``e+`` from 1e16 on).
- orjson refuses integers beyond 64 bits, strings with lone surrogates and non-string keys: the standard
  library takes them.

Reading stays with ``json.loads``: orjson reads integers beyond 64 bits as floats, and finding them in the
text first costs more than orjson saves.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def _standard(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(obj: Any) -> str:
    """``obj`` as canonical JSON text (see the module's docstring)."""
    try:
        out = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # a huge integer, a lone surrogate, a non-string key: Python's own rules
        return _standard(obj)
    if b"e-" in out or b"0.0000" in out or b"null" in out:  # substring tests: far cheaper than a regex
        return _standard(obj)
    return out.decode("utf-8")
