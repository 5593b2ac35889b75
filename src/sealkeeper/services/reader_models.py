"""Reader models in the home: train one on the synthetic corpus, save it as a new version with its card, list
and load versions (``<home>/models/reader/vN/``).

``train`` gives the figures that show why agencies federate: the pooled (centralised) model against each
agency's model trained alone, all scored on every agency's held-out documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sealkeeper.adapters import reader_files
from sealkeeper.config import Settings
from sealkeeper.reader.card import ReaderModelError, build_card, metrics_json
from sealkeeper.reader.corpus import make_corpus, pooled
from sealkeeper.reader.model import EPOCHS, LEARNING_RATE, Metrics, ReaderModel

__all__ = ["ReaderModelError", "TrainingReport", "latest", "list_models", "load", "save", "train"]


def models_root(settings: Settings) -> Path:
    return settings.home / "models" / "reader"


def save(
    settings: Settings,
    model: ReaderModel,
    *,
    created_on: dt.date,
    data: Mapping[str, Any],
    training: Mapping[str, Any],
    metrics: Mapping[str, Any],
    privacy: Mapping[str, Any] | None,
) -> int:
    """Save ``model`` as the next version with its card; returns the version number."""
    root = models_root(settings)
    version = max(reader_files.versions(root), default=0) + 1
    card = build_card(version=version, model=model, created_on=created_on, data=data, training=training,
                      metrics=metrics, privacy=privacy)  # fmt: skip
    reader_files.write_version(root, version, model.get_params(), card)
    return version


def latest(settings: Settings) -> int:
    found = reader_files.versions(models_root(settings))
    if not found:
        raise ReaderModelError("no reader model saved yet: run `sealkeeper reader train`")
    return found[-1]


def load(settings: Settings, version: int | None = None) -> tuple[ReaderModel, dict[str, Any]]:
    """Version ``version`` (default: the latest), refused with a clear error if its card does not match."""
    return reader_files.read_version(models_root(settings), latest(settings) if version is None else version)


def list_models(settings: Settings) -> list[dict[str, Any]]:
    """One line per saved version: version, day, how it was trained, its figures, its privacy guarantee (unit,
    epsilon, delta; None for a model trained without a privacy mechanism); unreadable cards say so."""
    root = models_root(settings)
    rows: list[dict[str, Any]] = []
    for version in reader_files.versions(root):
        try:
            card = reader_files.read_card(root, version)
        except ReaderModelError as exc:
            rows.append({"version": version, "error": str(exc)})
            continue
        rows.append({"version": version, "created_on": card.get("created_on"),
                     "training": (card.get("training") or {}).get("mode"),
                     "metrics": (card.get("metrics") or {}).get("centralised")
                     or (card.get("metrics") or {}).get("federated"),
                     "privacy": _privacy_line(card.get("privacy"))})  # fmt: skip
    return rows


def _privacy_line(privacy: object) -> dict[str, Any] | None:
    if not isinstance(privacy, Mapping):
        return None
    return {key: privacy.get(key) for key in ("unit", "epsilon", "delta")}


@dataclass(frozen=True)
class TrainingReport:
    agencies: list[str]
    centralised: Metrics  # the pooled model on every agency's held-out documents
    local: list[Metrics]  # each agency's own model on every agency's held-out documents
    local_own: list[Metrics]  # each agency's own model on its own held-out documents
    version: int | None

    def json(self) -> dict[str, Any]:
        return {
            "centralised": metrics_json(self.centralised),
            "local": [{"agency": name, **metrics_json(m), "own": metrics_json(own)}
                      for name, m, own in zip(self.agencies, self.local, self.local_own, strict=True)],
            "version": self.version,
        }  # fmt: skip


def train(
    settings: Settings,
    *,
    seed: int,
    agencies: int,
    per_agency: int,
    today: dt.date,
    epochs: int = EPOCHS,
    learning_rate: float = LEARNING_RATE,
    keep: bool = True,
) -> TrainingReport:
    """Train the pooled model and each agency's own on the synthetic corpus; save the pooled one (``keep``)."""
    corpus = make_corpus(seed=seed, agencies=agencies, per_agency=per_agency)
    test = pooled(corpus, "test")
    central = ReaderModel.initial(seed=seed)
    central.fit(pooled(corpus), epochs=epochs, learning_rate=learning_rate, seed=seed)
    local, own = [], []
    for agency in corpus:
        alone = ReaderModel.initial(seed=seed)
        alone.fit(agency.train, epochs=epochs, learning_rate=learning_rate, seed=seed)
        local.append(alone.evaluate(test))
        own.append(alone.evaluate(agency.test))
    report = TrainingReport([a.name for a in corpus], central.evaluate(test), local, own, None)
    if not keep:
        return report
    data = {"kind": "synthetic", "generator": "sealkeeper.reader.corpus.make_corpus", "seed": seed,
            "agencies": agencies, "per_agency": per_agency, "test_share": 0.25,
            "train_documents": len(pooled(corpus)), "test_documents": len(test)}  # fmt: skip
    training = {"mode": "centralised", "epochs": epochs, "learning_rate": learning_rate, "seed": seed}
    metrics = report.json()
    metrics.pop("version")
    version = save(settings, central, created_on=today, data=data, training=training, metrics=metrics, privacy=None)
    return TrainingReport(report.agencies, report.centralised, local, own, version)
