"""The judgment reader: a linear softmax classifier of the charge over hashed character n-grams, and rules
for the sentence, the dates and juvenile (``extract``).

Only the charge is learnt; its parameters (``get_params``: weights ``n_features × len(CHARGES)`` and biases,
about 150,000 numbers) are what agencies average in federated learning. Training is plain mini-batch
gradient descent in numpy, written here rather than with scikit-learn's SGDClassifier because federated
rounds need to set and read the exact weight arrays, run a fixed number of local epochs from given weights,
and keep the classes fixed even where an agency has never seen a charge. Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sealkeeper.reader import dpsgd, extract
from sealkeeper.reader.charges import BY_CODE, CHARGES
from sealkeeper.reader.corpus import Judgment, Sentence
from sealkeeper.reader.extract import Proposed
from sealkeeper.reader.features import FeatureConfig, featurize

Params = list[np.ndarray]
DTYPE = np.float32
BATCH = 32
L2 = 1e-5
#: Training that reaches the pooled model's accuracy on the default corpus (the features are L2-normalised
#: rows of ~1,000 small values, hence the large step).
EPOCHS = 10
LEARNING_RATE = 20.0


class ParamsShapeError(ValueError):
    """Parameters whose count or shapes are not this model's."""


@dataclass(frozen=True)
class Metrics:
    charge_accuracy: float
    sentence_exact: float
    n: int  # the documents scored

    def json(self) -> dict[str, float]:
        """The two scores as ``sealkeeper federated run --format json`` prints them (the count left out)."""
        return {"charge_accuracy": self.charge_accuracy, "sentence_exact": self.sentence_exact}


@dataclass(frozen=True)
class Proposal:
    """What the reader proposes for one document; every value needs a person's confirmation before use."""

    charge: Proposed[str]
    charge_name: Proposed[str]  # 盗窃罪, as the CN pack names it
    article: Proposed[str]  # 刑法第二百六十四条
    statute: Proposed[str]  # 刑法第264条, the citation form bundles use
    sentence: Proposed[Sentence]
    offence_date: Proposed[dt.date]
    judgment_date: Proposed[dt.date]
    birth_date: Proposed[dt.date]
    juvenile: Proposed[bool]


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    out: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return out


class ReaderModel:
    def __init__(self, weights: np.ndarray, bias: np.ndarray, config: FeatureConfig) -> None:
        self.config = config
        self.weights = weights
        self.bias = bias

    @classmethod
    def initial(cls, *, seed: int = 0, config: FeatureConfig | None = None) -> ReaderModel:
        """Small random weights from ``seed``: every agency starting from the same seed has the same model."""
        config = config or FeatureConfig()
        rng = np.random.default_rng(seed)
        weights = (rng.standard_normal((config.n_features, len(CHARGES))) * 0.01).astype(DTYPE)
        return cls(weights, np.zeros(len(CHARGES), dtype=DTYPE), config)

    def shapes(self) -> list[tuple[int, ...]]:
        return [self.weights.shape, self.bias.shape]

    def get_params(self) -> Params:
        return [self.weights.copy(), self.bias.copy()]

    def set_params(self, params: Params) -> None:
        got = [tuple(np.shape(p)) for p in params]
        if got != self.shapes():
            raise ParamsShapeError(f"parameters of shapes {got}; this model has {self.shapes()}")
        self.weights = np.asarray(params[0], dtype=DTYPE).copy()
        self.bias = np.asarray(params[1], dtype=DTYPE).copy()

    def _scores(self, texts: Sequence[str]) -> np.ndarray:
        features = featurize(self.config, texts)
        scores: np.ndarray = features @ self.weights + self.bias
        return scores

    def fit(self, docs: Sequence[Judgment], *, epochs: int, learning_rate: float, seed: int) -> None:
        """Mini-batch gradient descent on the cross-entropy of the charge, in place."""
        if not docs:
            return
        features = featurize(self.config, [d.text for d in docs])
        labels = np.array([CHARGES.index(d.charge) for d in docs])
        targets = np.eye(len(CHARGES), dtype=DTYPE)[labels]
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            order = rng.permutation(len(docs))
            for start in range(0, len(docs), BATCH):
                rows = order[start : start + BATCH]
                batch = features[rows]
                probs = _softmax(batch @ self.weights + self.bias)
                error = (probs - targets[rows]) / len(rows)
                grad_w = np.asarray(batch.T @ error) + L2 * self.weights
                self.weights -= (learning_rate * grad_w).astype(DTYPE)
                self.bias -= (learning_rate * error.sum(axis=0)).astype(DTYPE)

    def fit_private(
        self, docs: Sequence[Judgment], *, steps: int, learning_rate: float, privacy: dpsgd.RecordPrivacy,
        rng: np.random.Generator,
    ) -> None:  # fmt: skip
        """Full-batch DP-SGD (``dpsgd``), in place: ``steps`` noisy steps, each over every judgment of ``docs``.

        The noise is drawn from ``rng`` at every step, with no judgment too (the mechanism runs all the same).
        Only the weights move; the biases stay as they are (``dpsgd`` says why).
        """
        if steps < 0 or not learning_rate > 0:
            raise ValueError("record privacy: steps must be >= 0 and the learning rate > 0")
        features = featurize(self.config, [d.text for d in docs]) if docs else np.zeros((0, self.config.n_features))
        labels = np.array([CHARGES.index(d.charge) for d in docs], dtype=np.int64)
        targets = np.eye(len(CHARGES), dtype=DTYPE)[labels]
        for _ in range(steps):
            probs = _softmax(np.asarray(features @ self.weights + self.bias, dtype=np.float64))
            grad = dpsgd.noisy_step(features, probs - targets, privacy, rng)
            self.weights -= (learning_rate * (grad + L2 * self.weights)).astype(DTYPE)

    def predict_charges(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        probs = _softmax(self._scores(texts))
        best = probs.argmax(axis=1)
        return [(CHARGES[int(i)], float(probs[row, i])) for row, i in enumerate(best)]

    def evaluate(self, docs: Sequence[Judgment]) -> Metrics:
        if not docs:
            return Metrics(0.0, 0.0, 0)
        charges = self.predict_charges([d.text for d in docs])
        right = sum(got == d.charge for (got, _), d in zip(charges, docs, strict=True))
        exact = sum(extract.sentence(d.text).value == d.sentence for d in docs)
        return Metrics(right / len(docs), exact / len(docs), len(docs))

    def propose(self, text: str) -> Proposal:
        ((code, confidence),) = self.predict_charges([text])
        charge = BY_CODE[code]
        birth, offence = extract.birth_date(text), extract.offence_date(text)
        return Proposal(
            charge=Proposed(code, confidence),
            charge_name=Proposed(charge.name_zh, confidence),
            article=Proposed(charge.article, confidence),
            statute=Proposed(charge.statute, confidence),
            sentence=extract.sentence(text),
            offence_date=offence,
            judgment_date=extract.decision_date(text),
            birth_date=birth,
            juvenile=extract.juvenile(text, birth, offence),
        )
