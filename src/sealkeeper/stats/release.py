"""A differentially private release of a count vector, with OpenDP's own measurement and accounting.

The mechanism is OpenDP's ``make_laplace`` on a vector of integers with the L1 distance: discrete Laplace
noise (all sampling inside OpenDP; nothing here draws a random number). The noise scale is the smallest that
OpenDP itself certifies as ``epsilon``-DP for the query's sensitivity (``binary_search_param`` over the
measurement's privacy map), so the budget is charged exactly the epsilon asked for. The 95% interval of each
cell is OpenDP's accuracy of the discrete Laplace at that scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import opendp.prelude as dp

from sealkeeper.stats.budget import as_float, show
from sealkeeper.stats.errors import StatsError, StatsRefusal

# make_laplace (and the accuracy helpers) are "contrib" in OpenDP 0.16: vetted by the OpenDP team, with proofs
# linked from the docs, but not yet through their formal review. We use nothing from "honest-but-curious" or
# "floating-point" features.
dp.enable_features("contrib")

ALPHA = 0.05
MECHANISM = (
    "discrete Laplace (OpenDP make_laplace, integer counts, L1 sensitivity {k}, scale {scale:.4g}); "
    "negative noisy counts shown as 0"
)


@dataclass(frozen=True, slots=True)
class Cell:
    key: str
    value: int | float
    ci95: tuple[float, float]

    def json(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value, "ci95": [self.ci95[0], self.ci95[1]]}


@dataclass(frozen=True, slots=True)
class Release:
    query: str
    epsilon_micro: int
    mechanism: str
    scale: float
    sensitivity: int
    cells: tuple[Cell, ...]

    def json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "epsilon": as_float(self.epsilon_micro),
            "mechanism": self.mechanism,
            "cells": [cell.json() for cell in self.cells],
        }

    def parameters(self) -> dict[str, Any]:
        """What the ledger records of a release: its parameters, never its values."""
        return {
            "query": self.query,
            "epsilon": show(self.epsilon_micro),
            "mechanism": "discrete_laplace",
            "scale": f"{self.scale:.6g}",
            "sensitivity": self.sensitivity,
            "cells": len(self.cells),
        }


def _space() -> tuple[Any, Any]:
    return dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)


def measurement(sensitivity: int, epsilon: float) -> tuple[dp.Measurement, float]:
    """The discrete Laplace measurement over count vectors certified ``epsilon``-DP at L1 ``sensitivity``."""
    if sensitivity < 1:
        raise StatsError("sensitivity: at least 1")
    space = _space()
    scale = dp.binary_search_param(lambda s: dp.m.make_laplace(*space, scale=s), d_in=sensitivity, d_out=epsilon)
    meas = dp.m.make_laplace(*space, scale=scale)
    if not meas.check(sensitivity, epsilon):  # OpenDP's own privacy map must certify the release
        raise StatsError.of(StatsRefusal.NOT_CERTIFIED, epsilon=epsilon, sensitivity=sensitivity)
    return meas, scale


def half_width(scale: float, alpha: float = ALPHA) -> int:
    """The integer a with P(|noise| > a) <= alpha for discrete Laplace noise at ``scale`` (OpenDP's accuracy)."""
    accuracy: float = dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=alpha)
    return math.floor(accuracy)


def release_counts(
    query: str, keys: Sequence[str], counts: Sequence[int], sensitivity: int, epsilon_micro: int
) -> Release:
    """Noisy counts for every cell, each with its 95% interval. A count is never negative, so values and
    intervals are clipped at 0 (post-processing of the noisy output: no further privacy loss)."""
    if len(keys) != len(counts):
        raise StatsError(f"query {query}: {len(keys)} cells but {len(counts)} counts")
    if not keys:
        raise StatsError(f"query {query}: no cells to release")
    meas, scale = measurement(sensitivity, as_float(epsilon_micro))
    noisy = meas([int(c) for c in counts])
    width = half_width(scale)
    cells = tuple(
        Cell(key, max(0, int(v)), (float(max(0, v - width)), float(max(0, v + width))))
        for key, v in zip(keys, noisy, strict=True)
    )
    return Release(query, epsilon_micro, MECHANISM.format(k=sensitivity, scale=scale), scale, sensitivity, cells)


def with_shares(release: Release, denominator: str) -> Release:
    """Add a share cell per numerator (post-processing, free of budget): value = numerator / denominator, its
    interval from both counts' intervals at 97.5% each, so it holds with 95% by the union bound."""
    width = half_width(release.scale, ALPHA / 2)
    by_key = {cell.key: int(cell.value) for cell in release.cells}
    total = by_key[denominator]
    extra = []
    for cell in release.cells:
        if cell.key == denominator:
            continue
        count = int(cell.value)
        value = min(1.0, max(0.0, count / total)) if total > 0 else 0.0
        low = max(0.0, (count - width) / (total + width)) if total + width > 0 else 0.0
        high = min(1.0, (count + width) / (total - width)) if total - width > 0 else 1.0
        extra.append(Cell(f"{cell.key}|share", round(value, 6), (round(low, 6), round(high, 6))))
    return Release(
        release.query, release.epsilon_micro, release.mechanism, release.scale, release.sensitivity,
        (*release.cells, *extra),
    )  # fmt: skip
