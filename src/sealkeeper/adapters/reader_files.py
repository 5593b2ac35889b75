"""Saved reader models on disk: ``<home>/models/reader/vN/`` holding ``weights.npz`` and ``card.json``.

A version is written into a temporary folder beside it and renamed into place, so a crash never leaves half
a model under a version number. Loading never unpickles (``allow_pickle=False``) and checks the card against
the weights (``reader.card.model_from``); every failure is a ReaderModelError naming the version and why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from sealkeeper.reader.card import ReaderModelError, model_from
from sealkeeper.reader.model import Params, ReaderModel

WEIGHTS = "weights.npz"
CARD = "card.json"
_VERSION = re.compile(r"^v([1-9][0-9]*)$")


def versions(root: Path) -> list[int]:
    """The version numbers saved under ``root``, ascending."""
    if not root.is_dir():
        return []
    found = (_VERSION.match(entry.name) for entry in root.iterdir() if entry.is_dir())
    return sorted(int(m.group(1)) for m in found if m)


def write_version(root: Path, version: int, params: Params, card: dict[str, Any]) -> Path:
    """Write version ``version`` (which must not exist yet) and return its folder."""
    target = root / f"v{version}"
    if target.exists():
        raise ReaderModelError(f"reader model v{version} already exists under {root}")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".v{version}-", dir=root))
    try:
        with (staging / WEIGHTS).open("wb") as handle:
            np.savez(handle, *params)
        text = json.dumps(card, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        (staging / CARD).write_text(text, encoding="utf-8")
        os.replace(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ReaderModelError(f"cannot save reader model v{version}: {exc.strerror or exc}") from None
    return target


def read_card(root: Path, version: int) -> dict[str, Any]:
    path = root / f"v{version}" / CARD
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReaderModelError(f"no reader model v{version} under {root}") from None
    except (OSError, ValueError) as exc:
        raise ReaderModelError(f"reader model v{version}: {CARD} cannot be read ({type(exc).__name__})") from None
    if not isinstance(card, dict):
        raise ReaderModelError(f"reader model v{version}: {CARD} is not a JSON object")
    return card


def read_version(root: Path, version: int) -> tuple[ReaderModel, dict[str, Any]]:
    """The model saved as ``version`` and its card, checked against each other."""
    card = read_card(root, version)
    try:
        with np.load(root / f"v{version}" / WEIGHTS, allow_pickle=False) as archive:
            params = [archive[f"arr_{i}"] for i in range(len(archive.files))]
    except FileNotFoundError:
        raise ReaderModelError(f"reader model v{version}: {WEIGHTS} is missing") from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise ReaderModelError(f"reader model v{version}: {WEIGHTS} cannot be read ({type(exc).__name__})") from None
    try:
        return model_from(card, params, version=version), card
    except ReaderModelError as exc:
        raise ReaderModelError(f"reader model v{version} refused: {exc}") from None
