"""A real federation: flower-superlink and three flower-supernodes as processes on 127.0.0.1, SecAgg+ on.

One run (one round, the agency unit without noise, so that the result is deterministic) serves every test of
the file: the aggregate the ServerApp applied equals the mean
of the agencies' clipped updates (up to SecAgg+'s quantisation), the agencies' own evaluation agrees with the
parent's, the JSON has the fixed keys, and every process started is gone afterwards (checked by pid).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sealkeeper.federated import privacy
from sealkeeper.federated.client_app import agency_data, round_seed
from sealkeeper.federated.plan import Plan
from sealkeeper.federated.processes import alive
from sealkeeper.reader.charges import CHARGES
from sealkeeper.reader.model import ReaderModel
from sealkeeper.services import federated_learning
from sealkeeper.services.federated_learning import Report

PLAN = Plan(
    agencies=3,
    rounds=1,
    epochs=2,
    clip=0.5,
    noise_multiplier=0.0,
    seed=5,
    per_agency=120,
    privacy_unit="agency",
    server_learning_rate=2.0,
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return federated_learning.run_experiment(PLAN, workdir=tmp_path_factory.mktemp("federation"))


def expected_params(plan: Plan) -> tuple[list[np.ndarray], list[float]]:
    """One FedAvg round computed in this process: the global model plus the mean clipped update."""
    initial = ReaderModel.initial(seed=plan.seed).get_params()
    clipped, norms = [], []
    for index in range(plan.agencies):
        model = ReaderModel.initial(seed=plan.seed)
        model.set_params(list(initial))
        seed = round_seed(plan.seed, 1, index)
        model.fit(agency_data(plan, index).train, epochs=plan.epochs, learning_rate=plan.learning_rate, seed=seed)
        update = privacy.difference(model.get_params(), initial)
        norms.append(privacy.l2_norm(update))
        clipped.append(privacy.clip(update, plan.clip))
    mean = [sum(u[k] for u in clipped) / plan.agencies for k in range(len(initial))]
    return [
        np.asarray(g, np.float64) + plan.server_learning_rate * m for g, m in zip(initial, mean, strict=True)
    ], norms


def test_the_server_applied_the_mean_of_the_clipped_updates(report: Report) -> None:
    expected, norms = expected_params(PLAN)
    assert max(norms) > PLAN.clip  # clipping did bind, so the comparison tests it
    quantum = 2 * PLAN.clip / 2**22  # SecAgg+ quantises each coordinate to 2^22 levels over [-clip, clip]
    for got, want in zip(report.params, expected, strict=True):
        np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=0, atol=4 * quantum)


def test_agencies_evaluate_what_the_parent_computes_and_beat_chance(report: Report) -> None:
    model = ReaderModel.initial(seed=PLAN.seed)
    model.set_params(list(report.params))
    mine = federated_learning.score(model, [agency_data(PLAN, i) for i in range(PLAN.agencies)])
    assert report.federated.charge_accuracy == pytest.approx(mine.charge_accuracy)
    assert report.federated.sentence_exact == pytest.approx(mine.sentence_exact)
    assert report.federated.charge_accuracy > 1 / len(CHARGES)


def test_the_json_has_the_fixed_names(report: Report) -> None:
    out = report.json()
    assert {"federated", "centralised", "local", "secagg", "epsilon", "seconds"} <= set(out)
    assert set(out) - {"federated", "centralised", "local", "secagg", "epsilon", "seconds"} == {
        "delta",
        "privacy_unit",
        "epsilon_by_agency",
    }
    assert out["privacy_unit"] == "agency"
    assert out["epsilon_by_agency"] == [None] * PLAN.agencies
    for part in [out["federated"], out["centralised"], *out["local"]]:
        assert set(part) == {"charge_accuracy", "sentence_exact"}
        assert 0 <= part["charge_accuracy"] <= 1
    assert len(out["local"]) == PLAN.agencies
    assert out["secagg"] is True
    assert out["epsilon"] is None  # no noise: no guarantee to state
    assert out["seconds"] > 0
    assert report.round_bytes[0] > 0


def test_every_process_is_gone_afterwards(report: Report, tmp_path: Path) -> None:
    # superlink, its superexec and serverapp; per agency a supernode and its superexec (and forked clientapps)
    assert len(report.processes) >= 2 + 2 * PLAN.agencies
    assert [p.pid for p in report.processes if alive(p)] == []
