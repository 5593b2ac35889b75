"""Clipping, noise and the privacy accounting of the federated reader."""

from __future__ import annotations

import math

import numpy as np
import opendp.prelude as dp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sealkeeper.federated import privacy
from sealkeeper.federated.plan import Plan

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
vectors = st.lists(arrays(np.float64, st.integers(1, 20), elements=finite), min_size=1, max_size=4)


@given(vectors, st.floats(min_value=1e-3, max_value=1e3))
def test_clipped_norm_is_at_most_the_bound_and_direction_is_kept(update: list[np.ndarray], bound: float) -> None:
    clipped = privacy.clip(update, bound)
    norm = privacy.l2_norm(update)
    assert privacy.l2_norm(clipped) <= bound * (1 + 1e-9)
    if norm <= bound:
        assert all(np.array_equal(a, b) for a, b in zip(clipped, update, strict=True))
    else:  # scaled, not truncated: every entry by the same factor
        factor = bound / norm
        for a, b in zip(clipped, update, strict=True):
            np.testing.assert_allclose(a, b * factor, rtol=1e-9, atol=1e-12)


def test_clip_refuses_a_bound_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        privacy.clip([np.ones(3)], 0.0)


def test_difference_is_new_minus_old_array_by_array() -> None:
    new, old = [np.array([3.0, 4.0]), np.array([[1.0]])], [np.array([1.0, 1.0]), np.array([[2.0]])]
    out = privacy.difference(new, old)
    assert [a.tolist() for a in out] == [[2.0, 3.0], [[-1.0]]]
    with pytest.raises(ValueError, match="arrays"):
        privacy.difference(new, old[:1])


@given(st.floats(min_value=0.0, max_value=10.0), st.floats(min_value=0.01, max_value=10.0), st.integers(1, 50))
def test_the_sum_of_the_agencies_noise_carries_sigma_times_clip(sigma: float, bound: float, agencies: int) -> None:
    std = privacy.noise_std(noise_multiplier=sigma, clip_bound=bound, agencies=agencies)
    assert math.isclose(math.sqrt(agencies * std**2), sigma * bound, rel_tol=1e-9, abs_tol=1e-12)


def test_summed_noise_has_the_planned_standard_deviation() -> None:
    rng = np.random.default_rng(7)
    agencies, sigma, bound = 5, 1.5, 2.0
    std = privacy.noise_std(noise_multiplier=sigma, clip_bound=bound, agencies=agencies)
    zero = [np.zeros(40_000)]
    total = sum(privacy.add_noise(zero, std, rng)[0] for _ in range(agencies))
    assert abs(float(np.std(total)) - sigma * bound) < 0.03 * sigma * bound
    assert abs(float(np.mean(total))) < 0.05


def test_noise_by_default_comes_from_the_operating_system_not_a_seed() -> None:
    a = privacy.add_noise([np.zeros(8)], 1.0)[0]
    b = privacy.add_noise([np.zeros(8)], 1.0)[0]
    assert not np.array_equal(a, b)


def test_no_noise_leaves_the_clipped_update() -> None:
    update = [np.array([30.0, 40.0])]
    assert privacy.privatise(update, clip_bound=5.0, std=0.0)[0].tolist() == [3.0, 4.0]


def test_rho_composes_additively_over_rounds() -> None:
    assert math.isclose(privacy.rho(noise_multiplier=2.0, rounds=1), 1 / 8, rel_tol=1e-9)
    assert math.isclose(privacy.rho(noise_multiplier=2.0, rounds=10), 10 / 8, rel_tol=1e-9)


def test_epsilon_matches_the_zcdp_conversion_bound_and_is_none_without_noise() -> None:
    eps = privacy.epsilon(noise_multiplier=2.0, rounds=10, delta=1e-5, agencies=5, secure_aggregation=True)
    assert eps is not None
    rho = 10 / 8
    classic = rho + 2 * math.sqrt(rho * math.log(1 / 1e-5))  # Bun & Steinke's conversion; OpenDP's is tighter
    assert 0 < eps <= classic
    assert eps > rho  # never below rho
    assert privacy.epsilon(noise_multiplier=0.0, rounds=3, delta=1e-5, agencies=5, secure_aggregation=True) is None


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=0.3, max_value=20.0), st.integers(1, 30), st.integers(3, 20))
def test_epsilon_grows_with_rounds_and_without_secure_aggregation(sigma: float, rounds: int, agencies: int) -> None:
    def eps(rounds: int, secure_aggregation: bool) -> float | None:
        return privacy.epsilon(
            noise_multiplier=sigma, rounds=rounds, delta=1e-5, agencies=agencies, secure_aggregation=secure_aggregation
        )

    one, more, clear = eps(rounds, True), eps(rounds + 1, True), eps(rounds, False)
    assert one is not None
    assert more is not None
    assert clear is not None
    assert one < more
    assert one < clear  # the server sees each agency's update with a 1/sqrt(n) share of the noise


def test_epsilon_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="delta"):
        privacy.epsilon(noise_multiplier=1.0, rounds=1, delta=1.5, agencies=3, secure_aggregation=True)


def _gaussian_dp_epsilon(mu: float, delta: float) -> float:
    """The exact epsilon at ``delta`` of a Gaussian mechanism with sensitivity / scale = mu (Balle & Wang 2018):
    the smallest epsilon with Phi(-eps/mu + mu/2) - e^eps Phi(-eps/mu - mu/2) <= delta, by bisection."""

    def phi(x: float) -> float:
        return 0.5 * math.erfc(-x / math.sqrt(2))

    def curve(eps: float) -> float:
        return phi(-eps / mu + mu / 2) - math.exp(eps) * phi(-eps / mu - mu / 2)

    lo, hi = 0.0, 200.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if curve(mid) > delta else (lo, mid)
    return hi


@settings(max_examples=30, deadline=None)
@given(st.floats(min_value=0.5, max_value=30.0), st.integers(1, 400))
def test_record_epsilon_is_opendps_closed_form_for_the_composed_steps(sigma: float, steps: int) -> None:
    eps = privacy.record_epsilon(noise_multiplier=sigma, steps=steps, delta=1e-5)
    assert eps is not None
    rho = steps / (2 * sigma**2)  # zCDP of `steps` Gaussian steps, sensitivity C and scale sigma * C
    assert math.isclose(privacy.rho(noise_multiplier=sigma, rounds=steps), rho, rel_tol=1e-9)
    # T composed Gaussians of scale sigma are, in zCDP, one Gaussian of scale sigma / sqrt(T): OpenDP's own answer
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.l2_distance(T=float)
    single = dp.c.make_zCDP_to_approxDP(dp.m.make_gaussian(*space, scale=sigma / math.sqrt(steps)))
    assert math.isclose(eps, dp.c.make_fix_delta(single, 1e-5).map(1.0)[0], rel_tol=1e-6)  # type: ignore[no-untyped-call]  # OpenDP ships no annotations
    # between the exact Gaussian curve (no conversion can beat it) and Bun & Steinke's simple conversion
    assert _gaussian_dp_epsilon(math.sqrt(2 * rho), 1e-5) <= eps * (1 + 1e-6)
    assert eps <= rho + 2 * math.sqrt(rho * math.log(1 / 1e-5))


def test_the_default_plan_states_the_documented_epsilon_per_judgment() -> None:
    plan = Plan(agencies=5, rounds=10)  # 100 steps at sigma 4.5 (see Plan's docstring and the CLI's help)
    eps = privacy.record_epsilon(noise_multiplier=plan.record_noise, steps=plan.noisy_steps(), delta=plan.delta)
    assert eps == pytest.approx(12.21, abs=0.01)
    assert privacy.record_epsilon(noise_multiplier=5.7, steps=100, delta=1e-5) == pytest.approx(9.15, abs=0.01)


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=0.5, max_value=20.0), st.integers(1, 300))
def test_record_epsilon_grows_with_steps_and_shrinks_with_noise(sigma: float, steps: int) -> None:
    def eps(sigma: float, steps: int) -> float:
        out = privacy.record_epsilon(noise_multiplier=sigma, steps=steps, delta=1e-5)
        assert out is not None
        return out

    assert eps(sigma, steps) < eps(sigma, steps + 1)
    assert eps(sigma * 1.1, steps) < eps(sigma, steps)


def test_record_epsilon_without_noise_or_steps() -> None:
    assert privacy.record_epsilon(noise_multiplier=0.0, steps=10, delta=1e-5) is None
    assert privacy.record_epsilon(noise_multiplier=1.0, steps=0, delta=1e-5) == 0.0
    with pytest.raises(ValueError, match="delta"):
        privacy.record_epsilon(noise_multiplier=1.0, steps=1, delta=0.0)


def test_the_noise_generator_is_seeded_by_the_operating_system() -> None:
    assert privacy.noise_rng().random() != privacy.noise_rng().random()
