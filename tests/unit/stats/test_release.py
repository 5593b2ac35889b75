"""Releases through OpenDP: the measurement is certified at the epsilon charged; intervals hold."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.stats.budget import MICRO, parse_epsilon
from sealkeeper.stats.errors import StatsError
from sealkeeper.stats.release import half_width, measurement, release_counts, with_shares


@settings(max_examples=30, deadline=None)
@given(k=st.integers(min_value=1, max_value=20), eps=st.decimals(min_value="0.01", max_value="10", places=2))
def test_the_measurement_is_certified_at_the_epsilon_asked_and_not_much_below(k: int, eps: object) -> None:
    epsilon = float(str(eps))
    meas, scale = measurement(k, epsilon)
    assert meas.check(k, epsilon)  # OpenDP's own privacy map
    assert scale <= k / epsilon * 1.001  # no more noise than needed (the budget buys accuracy)


def test_the_95_percent_interval_covers_the_true_count_about_95_percent_of_the_time() -> None:
    true = [1000] * 2000
    result = release_counts("q", [str(i) for i in range(2000)], true, 4, MICRO)
    inside = sum(c.ci95[0] <= 1000 <= c.ci95[1] for c in result.cells)
    assert 0.93 <= inside / 2000 <= 0.995  # 2000 cells: the binomial spread is about 0.5%


def test_counts_of_a_thousand_at_epsilon_one_are_within_five_percent() -> None:
    result = release_counts("q", [str(i) for i in range(1000)], [1000] * 1000, 4, MICRO)
    worst = max(abs(int(c.value) - 1000) for c in result.cells)
    assert worst / 1000 <= 0.05


def _tail(scale: float, a: int) -> float:
    """P(|X| > a) for discrete Laplace X at ``scale``: 2 r^(a+1) / (1 + r), r = exp(-1/scale)."""
    r = math.exp(-1 / scale)
    return 2 * r ** (a + 1) / (1 + r)


@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0, 4.0, 10.0, 40.0])
def test_the_interval_half_width_is_the_smallest_with_at_most_5_percent_outside(scale: float) -> None:
    a = half_width(scale)
    assert _tail(scale, a) <= 0.05
    assert a == 0 or _tail(scale, a - 1) > 0.05


def test_a_release_states_query_epsilon_mechanism_and_cells() -> None:
    result = release_counts("sealed-by-year", ["2024", "2025"], [5, 0], 4, parse_epsilon("0.5"))
    data = result.json()
    assert set(data) == {"query", "epsilon", "mechanism", "cells"}
    assert data["epsilon"] == 0.5
    assert "Laplace" in data["mechanism"]
    for cell in data["cells"]:
        assert set(cell) == {"key", "value", "ci95"}
        assert cell["value"] >= 0
        assert cell["ci95"][0] <= cell["value"] <= cell["ci95"][1]
    assert "cells" in result.parameters()
    assert 5 not in result.parameters().values()  # the ledger gets parameters, never values


def test_shares_are_post_processing_with_an_interval() -> None:
    result = with_shares(release_counts("policy-coverage", ["adult_p1", "convicted"], [400, 1000], 2, 1000 * MICRO),
                         "convicted")  # fmt: skip
    share = next(c for c in result.cells if c.key == "adult_p1|share")
    assert share.value == pytest.approx(0.4, abs=0.001)
    assert share.ci95[0] <= share.value <= share.ci95[1]


def test_mismatched_cells_are_refused() -> None:
    with pytest.raises(StatsError, match="2 cells but 1 counts"):
        release_counts("q", ["a", "b"], [1], 1, MICRO)
