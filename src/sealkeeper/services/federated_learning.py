"""The federated reader experiment (issue 9): federated vs centralised vs each agency alone, on held-out data.

- federated: ``federated.runtime.run_federation`` (SuperLink and SuperNodes as processes on 127.0.0.1); each
  agency evaluates the final model on its own held-out judgments and reports its figures;
- centralised (the upper bound): one ``ReaderModel`` trained on every agency's training judgments pooled;
- local: each agency's model trained on its own judgments only.

Every model gets the same training effort (``rounds * epochs`` passes over the data it may see) and is scored on
the held-out judgments of every agency, pooled (each judgment counts once): charge accuracy and exact sentence.
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
from sealkeeper.reader.model import ReaderModel
from sealkeeper.services import reader_models

__all__ = ["FederationError", "Report", "Scores", "run_experiment", "save_model"]


@dataclass(frozen=True)
class Scores:
    charge_accuracy: float
    sentence_exact: float
    n: int

    def json(self) -> dict[str, float]:
        return {"charge_accuracy": self.charge_accuracy, "sentence_exact": self.sentence_exact}


@dataclass(frozen=True)
class Report:
    plan: Plan
    agencies: list[str]
    federated: Scores
    federated_by_agency: list[Scores]
    centralised: Scores
    local: list[Scores]
    epsilon: float | None
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
        }


def pooled_scores(parts: Sequence[Scores]) -> Scores:
    """Scores over several test sets taken together (weighted by their sizes)."""
    n = sum(p.n for p in parts)
    if n == 0:
        return Scores(0.0, 0.0, 0)
    return Scores(sum(p.charge_accuracy * p.n for p in parts) / n, sum(p.sentence_exact * p.n for p in parts) / n, n)


def score(model: ReaderModel, corpus: Sequence[AgencyData]) -> Scores:
    parts = []
    for agency in corpus:
        m = model.evaluate(agency.test)
        parts.append(Scores(m.charge_accuracy, m.sentence_exact, m.n))
    return pooled_scores(parts)


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
        Scores(float(a["charge_accuracy"]), float(a["sentence_exact"]), int(a["n"]))
        for a in outcome.summary["agencies"]
    ]
    centralised = score(trained(plan, pooled(corpus)), corpus)
    local = [score(trained(plan, agency.train), corpus) for agency in corpus]
    return Report(
        plan=plan,
        agencies=[a.name for a in corpus],
        federated=pooled_scores(by_agency),
        federated_by_agency=by_agency,
        centralised=centralised,
        local=local,
        epsilon=privacy.epsilon(
            noise_multiplier=plan.noise_multiplier,
            rounds=plan.rounds,
            delta=plan.delta,
            agencies=plan.agencies,
            secure_aggregation=plan.secagg,
        ),
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
    training = {"mode": "federated", "framework": "flwr 1.42.0", "aggregation": "FedAvg of updates",
                "rounds": plan.rounds, "local_epochs": plan.epochs, "learning_rate": plan.learning_rate,
                "server_learning_rate": plan.server_learning_rate, "seed": plan.seed}  # fmt: skip
    metrics = {**report.json(), "federated_by_agency": [s.json() for s in report.federated_by_agency]}
    for key in ("secagg", "epsilon", "seconds"):
        metrics.pop(key)
    privacy_card = {"secure_aggregation": "SecAgg+ (flwr SecAggPlusWorkflow)" if plan.secagg else None,
                    "unit": "one agency's data", "clip_l2": plan.clip, "noise_multiplier": plan.noise_multiplier,
                    "delta": plan.delta, "epsilon": report.epsilon,
                    "accounting": "OpenDP: zCDP composition of Gaussian mechanisms, to (epsilon, delta)"}  # fmt: skip
    return reader_models.save(
        settings, model, created_on=created_on, data=data, training=training, metrics=metrics, privacy=privacy_card
    )
