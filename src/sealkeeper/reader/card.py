"""The model card of a trained reader, and the checks a saved model must pass before it is used.

Pure: the card is built from values passed in (the day, the data description, the metrics, the privacy
parameters); files are read and written by ``adapters.reader_files``. A card says what the model was trained
on, how well it did, under which privacy guarantee, with which features, and that it only proposes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from sealkeeper.errors import SealkeeperError
from sealkeeper.reader.charges import CHARGE_TABLE, CHARGES
from sealkeeper.reader.features import FeatureConfig
from sealkeeper.reader.model import DTYPE, Metrics, Params, ReaderModel

MODEL_NAME = "sealkeeper-reader"
CARD_FORMAT = 1
INTENDED_USE = (
    "Proposes the facts of a Chinese criminal judgment or non-prosecution decision (charge and article, "
    "sentence, dates, juvenile) for a clerk to confirm. Advisory only: the rules engine never uses a proposal "
    "that a person has not confirmed."
)
LIMITATIONS = (
    "Trained and evaluated on synthetic documents only (sealkeeper.reader.corpus); accuracy on real judgments "
    "is unknown.",
    "Knows only the charges listed under labels; any other charge is proposed as the nearest known one.",
    "The sentence, dates and juvenile status are read by rules from the verdict's fixed phrasing; other "
    "phrasings give no proposal (confidence 0).",
)


class ReaderModelError(SealkeeperError):
    """A saved reader model cannot be used: missing, unreadable, or its card and weights disagree."""


def params_digest(params: Params) -> str:
    """SHA-256 over the shapes and the little-endian float32 bytes of every parameter array."""
    digest = hashlib.sha256()
    for array in params:
        values = np.ascontiguousarray(array, dtype=np.dtype(DTYPE).newbyteorder("<"))
        digest.update(repr(values.shape).encode("ascii"))
        digest.update(values.tobytes())
    return digest.hexdigest()


def metrics_json(metrics: Metrics) -> dict[str, Any]:
    return {"charge_accuracy": round(metrics.charge_accuracy, 4), "sentence_exact": round(metrics.sentence_exact, 4),
            "n": metrics.n}  # fmt: skip


def build_card(
    *,
    version: int,
    model: ReaderModel,
    created_on: dt.date,
    data: Mapping[str, Any],
    training: Mapping[str, Any],
    metrics: Mapping[str, Any],
    privacy: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The card of ``model`` saved as version ``version``. ``privacy`` is None for a model trained without
    a privacy mechanism (centralised); a federated run passes its SecAgg+/clipping/noise parameters and ε."""
    params = model.get_params()
    return {
        "model": MODEL_NAME,
        "format": CARD_FORMAT,
        "version": version,
        "created_on": created_on.isoformat(),
        "intended_use": INTENDED_USE,
        "limitations": list(LIMITATIONS),
        "labels": [
            {"code": c.code, "name_zh": c.name_zh, "article": c.article, "statute": c.statute} for c in CHARGE_TABLE
        ],
        "features": model.config.as_dict(),
        "parameters": {
            "shapes": [list(p.shape) for p in params],
            "count": int(sum(p.size for p in params)),
            "dtype": "float32",
            "sha256": params_digest(params),
        },
        "rules": {
            "sentence": "verdict grammar (判决如下 …)",
            "dates": "出生 / 查明 anchors, last date",
            "juvenile": "age on the offence date < 18",
        },
        "data": dict(data),
        "training": dict(training),
        "metrics": dict(metrics),
        "privacy": None if privacy is None else dict(privacy),
    }


def _config_of(card: Mapping[str, Any]) -> FeatureConfig:
    features = card.get("features")
    if not isinstance(features, Mapping) or features.get("kind") != "char-ngram-hashing":
        raise ReaderModelError("card: features: not the character n-gram hashing this reader computes")
    try:
        return FeatureConfig(int(features["n_features"]), int(features["ngram_min"]), int(features["ngram_max"]))
    except (KeyError, TypeError, ValueError):
        raise ReaderModelError("card: features: n_features, ngram_min and ngram_max must be integers") from None


def model_from(card: Mapping[str, Any], params: Params, *, version: int) -> ReaderModel:
    """The model a card and its weights describe, after checking they agree with each other and with this code
    (same card format, labels in the same order, shapes, digest). Raises ReaderModelError naming what differs."""
    if card.get("model") != MODEL_NAME or card.get("format") != CARD_FORMAT:
        raise ReaderModelError(f"card: not a {MODEL_NAME} card of format {CARD_FORMAT}")
    if card.get("version") != version:
        raise ReaderModelError(f"card: says version {card.get('version')!r}, but it was saved as v{version}")
    labels = card.get("labels")
    codes = [label.get("code") for label in labels] if isinstance(labels, list) else None
    if codes != list(CHARGES):
        raise ReaderModelError(f"card: labels {codes} are not this reader's charges {list(CHARGES)}")
    model = ReaderModel.initial(seed=0, config=_config_of(card))
    declared = (card.get("parameters") or {}).get("shapes")
    got = [list(np.shape(p)) for p in params]
    expected = [list(s) for s in model.shapes()]
    if declared != expected or got != expected:
        raise ReaderModelError(f"weights: shapes {got}, card {declared}; this reader needs {expected}")
    if params_digest(params) != (card.get("parameters") or {}).get("sha256"):
        raise ReaderModelError("weights: their SHA-256 is not the card's (altered or from another model)")
    model.set_params(params)
    return model
