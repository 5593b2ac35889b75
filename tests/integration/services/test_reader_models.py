"""Reader models in the home: train and save a version with its card, list, load, and refuse a bad one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from sealkeeper.config import Settings, load_settings
from sealkeeper.reader.corpus import make_corpus
from sealkeeper.services import reader_models
from sealkeeper.services.reader_models import ReaderModelError

DAY = dt.date(2026, 3, 1)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:  # no database is needed here
    return load_settings({"SEALKEEPER_HOME": str(tmp_path / "home")})


def test_train_saves_versions_that_load_back_with_their_figures(settings: Settings) -> None:
    first = reader_models.train(settings, seed=3, agencies=3, per_agency=120, today=DAY)
    second = reader_models.train(settings, seed=3, agencies=3, per_agency=120, today=DAY)
    assert (first.version, second.version) == (1, 2)
    assert first.centralised.charge_accuracy > 0.8
    assert all(local.charge_accuracy < first.centralised.charge_accuracy for local in first.local)
    model, card = reader_models.load(settings)  # the latest
    assert card["version"] == 2
    assert card["training"]["mode"] == "centralised"
    assert card["metrics"]["centralised"]["charge_accuracy"] == round(second.centralised.charge_accuracy, 4)
    assert card["data"]["seed"] == 3
    test = [d for a in make_corpus(seed=3, agencies=3, per_agency=120) for d in a.test]
    assert model.evaluate(test) == second.centralised
    listed = reader_models.list_models(settings)
    assert [row["version"] for row in listed] == [1, 2]
    assert [row["privacy"] for row in listed] == [None, None]  # centralised: no privacy mechanism
    assert (settings.home / "models" / "reader" / "v1" / "card.json").is_file()


def test_no_save_writes_nothing(settings: Settings) -> None:
    report = reader_models.train(settings, seed=1, agencies=2, per_agency=40, today=DAY, keep=False)
    assert report.version is None
    assert not (settings.home / "models").exists()
    with pytest.raises(ReaderModelError, match="no reader model saved yet"):
        reader_models.load(settings)


def test_a_model_whose_card_does_not_match_is_refused(settings: Settings) -> None:
    reader_models.train(settings, seed=1, agencies=2, per_agency=40, today=DAY)
    folder = settings.home / "models" / "reader" / "v1"
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    card["parameters"]["shapes"] = [[10, 9], [9]]
    (folder / "card.json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ReaderModelError, match=r"v1 refused: weights: shapes"):
        reader_models.load(settings, 1)


def test_altered_weights_are_refused(settings: Settings) -> None:
    reader_models.train(settings, seed=1, agencies=2, per_agency=40, today=DAY)
    model, _ = reader_models.load(settings, 1)
    params = model.get_params()
    params[0] = params[0] * 2
    with (settings.home / "models" / "reader" / "v1" / "weights.npz").open("wb") as handle:
        np.savez(handle, *params)
    with pytest.raises(ReaderModelError, match="SHA-256"):
        reader_models.load(settings, 1)


def test_a_missing_version_is_named(settings: Settings) -> None:
    with pytest.raises(ReaderModelError, match="no reader model v7"):
        reader_models.load(settings, 7)
