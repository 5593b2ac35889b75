"""The federated experiment's figures and the saved federated model (no federation started here: the
federation itself is tested in tests/integration/federated)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from sealkeeper.config import Settings, load_settings
from sealkeeper.federated.plan import Plan
from sealkeeper.reader.model import ReaderModel
from sealkeeper.services import reader_models
from sealkeeper.services.federated_learning import Report, Scores, pooled_scores, save_model


@pytest.fixture
def settings(tmp_path: Path) -> Settings:  # no database is needed here
    return load_settings({"SEALKEEPER_HOME": str(tmp_path / "home")})


def test_pooled_scores_weigh_each_held_out_judgment_once() -> None:
    pooled = pooled_scores([Scores(1.0, 0.5, 30), Scores(0.0, 1.0, 10)])
    assert pooled == Scores(0.75, 0.625, 40)
    assert pooled_scores([]) == Scores(0.0, 0.0, 0)


def _report(plan: Plan) -> Report:
    model = ReaderModel.initial(seed=plan.seed)
    params = [p + np.float32(0.25) for p in model.get_params()]
    s = Scores(0.9, 0.8, 100)
    return Report(
        plan=plan, agencies=["agency-1", "agency-2", "agency-3"], federated=s, federated_by_agency=[s, s, s],
        centralised=Scores(0.95, 0.8, 300), local=[s, s, s], epsilon=12.5, seconds=10.0, round_seconds=[1.0],
        round_bytes=[1000], params=params, processes=[],
    )  # fmt: skip


def test_the_federated_model_is_saved_with_its_privacy_card(settings: Settings) -> None:
    plan = Plan(agencies=3, rounds=4, noise_multiplier=1.5, clip=2.0)
    report = _report(plan)
    version = save_model(settings, report, created_on=dt.date(2026, 11, 27))
    model, card = reader_models.load(settings, version)
    for got, want in zip(model.get_params(), report.params, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert card["training"]["mode"] == "federated"
    assert card["training"]["rounds"] == 4
    assert card["privacy"]["epsilon"] == 12.5
    assert card["privacy"]["clip_l2"] == 2.0
    assert card["privacy"]["noise_multiplier"] == 1.5
    assert card["privacy"]["secure_aggregation"].startswith("SecAgg+")
    assert card["metrics"]["federated"] == {"charge_accuracy": 0.9, "sentence_exact": 0.8}
    assert "epsilon" not in card["metrics"]
