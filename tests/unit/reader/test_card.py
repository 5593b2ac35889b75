"""The model card: built from what is passed in, and checked against the weights before a model is used."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import numpy as np
import pytest

from sealkeeper.reader.card import ReaderModelError, build_card, model_from, params_digest
from sealkeeper.reader.corpus import CHARGES
from sealkeeper.reader.features import FeatureConfig
from sealkeeper.reader.model import ReaderModel

SMALL = FeatureConfig(n_features=64)


def _card(model: ReaderModel, version: int = 1, privacy: dict[str, Any] | None = None) -> dict[str, Any]:
    return build_card(version=version, model=model, created_on=dt.date(2026, 1, 2), data={"kind": "synthetic"},
                      training={"mode": "federated", "rounds": 3}, metrics={"federated": {"charge_accuracy": 0.9}},
                      privacy=privacy)  # fmt: skip


def test_the_card_says_what_was_passed_and_describes_the_weights() -> None:
    model = ReaderModel.initial(seed=1, config=SMALL)
    card = _card(model, 4, {"secagg": True, "epsilon": 2.5, "delta": 1e-5})
    assert card["version"] == 4
    assert card["created_on"] == "2026-01-02"
    assert card["privacy"] == {"secagg": True, "epsilon": 2.5, "delta": 1e-5}
    assert card["training"]["mode"] == "federated"
    assert card["features"]["n_features"] == 64
    assert card["parameters"]["shapes"] == [[64, len(CHARGES)], [len(CHARGES)]]
    assert card["parameters"]["count"] == 64 * len(CHARGES) + len(CHARGES)
    assert [label["code"] for label in card["labels"]] == list(CHARGES)
    assert "confirm" in card["intended_use"]
    assert _card(model)["privacy"] is None


def test_a_matching_card_gives_the_same_model_back() -> None:
    model = ReaderModel.initial(seed=2, config=SMALL)
    back = model_from(_card(model, 3), model.get_params(), version=3)
    assert all(np.array_equal(a, b) for a, b in zip(back.get_params(), model.get_params(), strict=True))
    assert back.config == SMALL


def _broken(change: str, card: dict[str, Any], params: list[np.ndarray]) -> None:
    if change == "digest":
        params[0][0, 0] += 1.0
    elif change == "labels":
        card["labels"] = card["labels"][::-1]
    elif change == "shape":
        params[1] = np.zeros(3, dtype=np.float32)
    elif change == "features":
        card["features"]["kind"] = "word-tfidf"
    elif change == "format":
        card["format"] = 99


@pytest.mark.parametrize(
    ("change", "message"),
    [("digest", "SHA-256"), ("labels", "labels"), ("shape", "shapes"), ("features", "features"),
     ("format", "format")],
)  # fmt: skip
def test_a_card_that_does_not_match_is_refused_naming_why(change: str, message: str) -> None:
    model = ReaderModel.initial(seed=2, config=SMALL)
    card, params = copy.deepcopy(_card(model)), model.get_params()
    _broken(change, card, params)
    with pytest.raises(ReaderModelError, match=message):
        model_from(card, params, version=1)


def test_a_card_saved_under_another_version_is_refused() -> None:
    model = ReaderModel.initial(seed=2, config=SMALL)
    with pytest.raises(ReaderModelError, match="saved as v2"):
        model_from(_card(model, 1), model.get_params(), version=2)


def test_the_digest_follows_every_value() -> None:
    params = ReaderModel.initial(seed=5, config=SMALL).get_params()
    before = params_digest(params)
    params[1][0] = 1.0
    assert params_digest(params) != before
