"""Character n-gram features, hashed into a fixed number of columns (scikit-learn's HashingVectorizer).

Hashing needs no vocabulary, so every agency computes the same columns from its own texts without sharing
any: the model's shapes are fixed in advance, which federated averaging needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sklearn.feature_extraction.text import HashingVectorizer  # type: ignore[import-untyped]  # sklearn has no hints


@dataclass(frozen=True)
class FeatureConfig:
    n_features: int = 2**14
    ngram_min: int = 1
    ngram_max: int = 3

    def as_dict(self) -> dict[str, Any]:
        return {"kind": "char-ngram-hashing", "hash": "murmurhash3 (scikit-learn HashingVectorizer)",
                **asdict(self)}  # fmt: skip


def vectorizer(config: FeatureConfig) -> Any:
    return HashingVectorizer(
        analyzer="char",
        ngram_range=(config.ngram_min, config.ngram_max),
        n_features=config.n_features,
        alternate_sign=False,
        norm="l2",
        lowercase=False,
    )


def featurize(config: FeatureConfig, texts: Sequence[str]) -> Any:
    """One L2-normalised row per text, as a scipy CSR matrix (scipy ships no type hints: ``Any``)."""
    return vectorizer(config).transform(list(texts))
