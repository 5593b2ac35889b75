"""The federated experiment's figures and the saved federated model (no federation started here: the
federation itself is tested in tests/integration/federated)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from sealkeeper.config import Settings, load_settings
from sealkeeper.federated import privacy
from sealkeeper.federated.plan import Plan
from sealkeeper.reader.model import Metrics, ReaderModel
from sealkeeper.services import reader_models
from sealkeeper.services.federated_learning import (
    Report,
    agency_epsilons,
    pooled_scores,
    run_epsilon,
    save_model,
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:  # no database is needed here
    return load_settings({"SEALKEEPER_HOME": str(tmp_path / "home")})


def test_pooled_scores_weigh_each_held_out_judgment_once() -> None:
    pooled = pooled_scores([Metrics(1.0, 0.5, 30), Metrics(0.0, 1.0, 10)])
    assert pooled == Metrics(0.75, 0.625, 40)
    assert pooled_scores([]) == Metrics(0.0, 0.0, 0)


def _report(plan: Plan) -> Report:
    model = ReaderModel.initial(seed=plan.seed)
    params = [p + np.float32(0.25) for p in model.get_params()]
    s = Metrics(0.9, 0.8, 100)
    return Report(
        plan=plan, agencies=["agency-1", "agency-2", "agency-3"], federated=s, federated_by_agency=[s, s, s],
        centralised=Metrics(0.95, 0.8, 300), local=[s, s, s], epsilon=12.5, epsilon_by_agency=[12.5, 12.5, 12.5],
        seconds=10.0, round_seconds=[1.0],
        round_bytes=[1000], params=params, processes=[],
    )  # fmt: skip


def test_the_federated_model_is_saved_with_its_privacy_card(settings: Settings) -> None:
    plan = Plan(agencies=3, rounds=4, noise_multiplier=1.5, clip=2.0, privacy_unit="agency")
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
    assert card["privacy"]["unit"] == "one agency's data"
    assert card["privacy"]["secure_aggregation"].startswith("SecAgg+")
    assert card["metrics"]["federated"] == {"charge_accuracy": 0.9, "sentence_exact": 0.8}
    assert "epsilon" not in card["metrics"]


def test_a_record_unit_card_states_dp_sgd_and_every_agencys_guarantee(settings: Settings) -> None:
    plan = Plan(agencies=3, rounds=4, record_clip=0.5, record_noise=3.0, record_steps=7, record_learning_rate=30.0)
    version = save_model(settings, _report(plan), created_on=dt.date(2026, 11, 27))
    _, card = reader_models.load(settings, version)
    assert card["privacy"]["unit"] == "one judgment"
    assert card["privacy"]["mechanism"].startswith("DP-SGD")
    assert card["privacy"]["clip_l2"] == 0.5
    assert card["privacy"]["noise_multiplier"] == 3.0
    assert card["privacy"]["noisy_steps_per_agency"] == 28
    assert card["privacy"]["delta"] == plan.delta
    assert card["privacy"]["epsilon_by_agency"] == [12.5, 12.5, 12.5]
    assert card["training"]["local"] == "full-batch DP-SGD"
    assert card["training"]["local_steps"] == 7
    assert card["training"]["learning_rate"] == 30.0
    assert set(card["metrics"]) == {"federated", "centralised", "local", "federated_by_agency"}
    (listed,) = reader_models.list_models(settings)
    assert listed["privacy"] == {"unit": "one judgment", "epsilon": 12.5, "delta": plan.delta}


def test_each_agency_has_its_epsilon_and_the_run_states_the_largest() -> None:
    plan = Plan(agencies=4, rounds=3, record_noise=4.0, record_steps=5)
    by_agency = agency_epsilons(plan)
    want = privacy.record_epsilon(noise_multiplier=4.0, steps=15, delta=plan.delta)
    assert by_agency == [want] * 4
    assert run_epsilon([1.0, 3.5, 2.0]) == 3.5
    assert run_epsilon([None, None]) is None
    assert run_epsilon([1.0, None]) is None  # an agency without a guarantee: the run has none
    assert agency_epsilons(Plan(agencies=3, rounds=2, record_noise=0.0)) == [None] * 3
    agency = Plan(agencies=3, rounds=2, privacy_unit="agency", noise_multiplier=2.0)
    assert (
        agency_epsilons(agency)
        == [privacy.epsilon(noise_multiplier=2.0, rounds=2, delta=plan.delta, agencies=3, secure_aggregation=True)] * 3
    )
