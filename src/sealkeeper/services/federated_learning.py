"""The federated reader experiment (issue 9): federated vs centralised vs each agency alone, on held-out data.

- federated: ``federated.runtime.run_federation`` (SuperLink and SuperNodes as processes on 127.0.0.1); each
  agency evaluates the final model on its own held-out judgments and reports its figures;
- centralised (the upper bound): one ``ReaderModel`` trained on every agency's training judgments pooled;
- local: each agency's model trained on its own judgments only.

Every model gets the same training effort (``rounds * epochs`` passes over the data it may see) and is scored on
the held-out judgments of every agency, pooled (each judgment counts once): charge accuracy and exact sentence.
The centralised and local models are trained without any privacy mechanism: the federated model, private,
is compared against upper bounds that are not.

The privacy guarantee is stated per agency (``epsilon_by_agency``: each agency's judgments against everyone
outside it) and the run's ``epsilon`` is the largest of them, at ``delta``, for the plan's ``privacy_unit``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sealkeeper.config import Settings
from sealkeeper.federated import privacy
from sealkeeper.federated.plan import Plan
from sealkeeper.federated.processes import ProcInfo
from sealkeeper.federated.runtime import FederationError, Outcome, run_federation
from sealkeeper.reader.corpus import AgencyData, Judgment, make_corpus, pooled
from sealkeeper.reader.model import Metrics, ReaderModel
from sealkeeper.services import reader_models

__all__ = ["FederationError", "Report", "run_experiment", "save_model"]


@dataclass(frozen=True)
class Report:
    plan: Plan
    agencies: list[str]
    federated: Metrics
    federated_by_agency: list[Metrics]
    centralised: Metrics
    local: list[Metrics]
    epsilon: float | None
    epsilon_by_agency: list[float | None]
    seconds: float
    round_seconds: list[float]
    round_bytes: list[int]
    params: list[Any]
    processes: list[ProcInfo]  # every process of the federation (all stopped when the report is made)

    def json(self) -> dict[str, Any]:
        """The outside-facing figures (names fixed by issue 9)."""
        return {
            "federated": self.federated.json(),
            "centralised": self.centralised.json(),
            "local": [s.json() for s in self.local],
            "secagg": self.plan.secagg,
            "epsilon": self.epsilon,
            "seconds": round(self.seconds, 3),
            "delta": self.plan.delta,
            "privacy_unit": self.plan.privacy_unit,
            "epsilon_by_agency": self.epsilon_by_agency,
        }


def pooled_scores(parts: Sequence[Metrics]) -> Metrics:
    """Metrics over several test sets taken together (weighted by their sizes)."""
    n = sum(p.n for p in parts)
    if n == 0:
        return Metrics(0.0, 0.0, 0)
    return Metrics(sum(p.charge_accuracy * p.n for p in parts) / n, sum(p.sentence_exact * p.n for p in parts) / n, n)


def score(model: ReaderModel, corpus: Sequence[AgencyData]) -> Metrics:
    parts = []
    for agency in corpus:
        m = model.evaluate(agency.test)
        parts.append(Metrics(m.charge_accuracy, m.sentence_exact, m.n))
    return pooled_scores(parts)


def agency_epsilons(plan: Plan) -> list[float | None]:
    """Each agency's epsilon at ``plan.delta`` for the plan's unit of privacy; None where no noise is added.

    Record unit: an agency's judgments are touched only by its own DP-SGD steps, ``rounds * record_steps`` of
    them (every agency takes part in every round: a failed agency fails the run). Agency unit: every agency's
    data goes through the same noisy sums, so every agency has the run's epsilon.
    """
    if plan.privacy_unit == "record":
        return [
            privacy.record_epsilon(noise_multiplier=plan.record_noise, steps=plan.noisy_steps(), delta=plan.delta)
            for _ in range(plan.agencies)
        ]
    eps = privacy.epsilon(noise_multiplier=plan.noise_multiplier, rounds=plan.rounds, delta=plan.delta,
                          agencies=plan.agencies, secure_aggregation=plan.secagg)  # fmt: skip
    return [eps] * plan.agencies


def run_epsilon(by_agency: Sequence[float | None]) -> float | None:
    """The run's epsilon: the largest agency's; None when no agency has a guarantee (no noise)."""
    stated = [e for e in by_agency if e is not None]
    return max(stated) if stated and len(stated) == len(by_agency) else None


def trained(plan: Plan, docs: Sequence[Judgment]) -> ReaderModel:
    model = ReaderModel.initial(seed=plan.seed)
    model.fit(docs, epochs=plan.rounds * plan.epochs, learning_rate=plan.learning_rate, seed=plan.seed)
    return model


def run_experiment(plan: Plan, *, workdir: Path | None = None, poll: float = 0.1) -> Report:
    """Train federated (real processes), centralised and local; score all on every agency's held-out data."""
    corpus = make_corpus(seed=plan.seed, agencies=plan.agencies, per_agency=plan.per_agency)
    with tempfile.TemporaryDirectory(prefix="sealkeeper-federation-") as tmp:
        outcome: Outcome = run_federation(plan, workdir or Path(tmp), poll=poll)
    by_agency = [
        Metrics(float(a["charge_accuracy"]), float(a["sentence_exact"]), int(a["n"]))
        for a in outcome.summary["agencies"]
    ]
    centralised = score(trained(plan, pooled(corpus)), corpus)
    local = [score(trained(plan, agency.train), corpus) for agency in corpus]
    by_agency_eps = agency_epsilons(plan)
    return Report(
        plan=plan,
        agencies=[a.name for a in corpus],
        federated=pooled_scores(by_agency),
        federated_by_agency=by_agency,
        centralised=centralised,
        local=local,
        epsilon=run_epsilon(by_agency_eps),
        epsilon_by_agency=by_agency_eps,
        seconds=outcome.seconds,
        round_seconds=[float(s) for s in outcome.summary["round_seconds"]],
        round_bytes=[int(b) for b in outcome.summary["round_bytes"]],
        params=outcome.params,
        processes=outcome.processes,
    )


def save_model(settings: Settings, report: Report, *, created_on: dt.date) -> int:
    """Keep the federated model as the next reader version, with its card (data, metrics, privacy)."""
    plan = report.plan
    model = ReaderModel.initial(seed=plan.seed)
    model.set_params(list(report.params))
    data = {"kind": "synthetic", "generator": "sealkeeper.reader.corpus.make_corpus", "seed": plan.seed,
            "agencies": plan.agencies, "per_agency": plan.per_agency, "test_share": 0.25,
            "pooled": False}  # fmt: skip
    local = ({"local": "full-batch DP-SGD", "local_steps": plan.record_steps,
              "learning_rate": plan.record_learning_rate} if plan.privacy_unit == "record" else
             {"local": "mini-batch gradient descent", "local_epochs": plan.epochs,
              "learning_rate": plan.learning_rate})  # fmt: skip
    training = {"mode": "federated", "framework": "flwr 1.42.0", "aggregation": "FedAvg of updates",
                "rounds": plan.rounds, **local, "server_learning_rate": plan.server_learning_rate,
                "seed": plan.seed}  # fmt: skip
    metrics = {**report.json(), "federated_by_agency": [s.json() for s in report.federated_by_agency]}
    for key in ("secagg", "epsilon", "seconds"):
        metrics.pop(key)
    for key in ("delta", "privacy_unit", "epsilon_by_agency"):
        metrics.pop(key)
    return reader_models.save(
        settings, model, created_on=created_on, data=data, training=training, metrics=metrics,
        privacy=privacy_card(report),
    )  # fmt: skip


def privacy_card(report: Report) -> dict[str, Any]:
    """The model card's privacy section: the unit, the mechanism and its parameters, the guarantee."""
    plan = report.plan
    common = {"secure_aggregation": "SecAgg+ (flwr SecAggPlusWorkflow)" if plan.secagg else None,
              "delta": plan.delta, "epsilon": report.epsilon, "epsilon_by_agency": report.epsilon_by_agency,
              "accounting": "OpenDP: zCDP composition of Gaussian mechanisms, to (epsilon, delta)"}  # fmt: skip
    if plan.privacy_unit == "agency":
        return {"unit": "one agency's data", "mechanism": "update clipping and distributed Gaussian noise",
                "clip_l2": plan.clip, "noise_multiplier": plan.noise_multiplier, **common}  # fmt: skip
    return {"unit": "one judgment", "mechanism": "DP-SGD in each agency's training, full batch (no subsampling)",
            "clip_l2": plan.record_clip, "noise_multiplier": plan.record_noise,
            "steps_per_round": plan.record_steps, "noisy_steps_per_agency": plan.noisy_steps(),
            "learning_rate": plan.record_learning_rate, "denominator": plan.per_agency,
            "learnt_under_dp": "weights only; the biases stay at zero", **common}  # fmt: skip
