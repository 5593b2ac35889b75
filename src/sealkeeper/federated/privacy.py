"""The privacy mechanisms of a federated run and their guarantees, accounted by OpenDP.

Two units of privacy, one per run (``Plan.privacy_unit``):

- ``record`` (the default): one judgment. Each agency trains locally by full-batch DP-SGD
  (``sealkeeper.reader.dpsgd``): every judgment's gradient clipped to L2 norm ``record_clip``, Gaussian noise of
  ``record_noise * record_clip`` on the sum at every step. Each step is a Gaussian mechanism of sensitivity
  ``record_clip`` on that agency's judgments; a judgment is used by its own agency's steps only, so its guarantee
  is the composition of that agency's ``rounds * record_steps`` steps (``record_epsilon``). What the agency then
  sends is post-processing: the guarantee holds against the server and every other agency with or without
  SecAgg+, and does not depend on the other agencies adding noise. The run's epsilon is the largest agency's.
- ``agency``: a whole agency's data. Each agency clips its model update to L2 norm ``clip`` and adds Gaussian
  noise of standard deviation ``noise_multiplier * clip / sqrt(agencies)``, so that the SUM of the agencies'
  updates (all the server sees under SecAgg+) carries noise of standard deviation ``noise_multiplier * clip``:
  the Gaussian mechanism on the sum, with L2 sensitivity ``clip`` when one agency's data is added or removed.
  Without secure aggregation the server sees each agency's update with only its own share of the noise, and the
  guarantee is computed from that (noise multiplier ``sigma / sqrt(agencies)``). Protecting a whole agency costs
  far more: with 5 agencies, sigma 0.5 gives epsilon about 49 over 10 rounds, and the model is much worse.

Accounting is OpenDP's: each noisy step (or round) is ``make_gaussian`` on an L2 vector space (zero-concentrated
DP, rho = (sensitivity / scale)^2 / 2), the steps are composed by ``make_composition`` (zCDP composes additively,
adaptively too), and ``make_zCDP_to_approxDP`` with ``make_fix_delta`` converts the total to (epsilon, delta).
No amplification by subsampling is claimed: DP-SGD here uses every judgment at every step.

The guarantees cover the judgments agencies train on. The figures agencies send after the last round (accuracy
on their own held-out judgments, and how many there are) are not noised: they are outside the guarantee.

The noise is drawn from the operating system's entropy (``noise_rng``), never from the run's seed: a seed the
server knows would let it subtract the noise. That is the one non-deterministic step of a run. Assumptions the
guarantees rest on: each agency runs its mechanism honestly (for the agency unit, a colluding or dropped agency
also lowers the noise in the sum), and the floating-point Gaussian sampler is taken as exact (it is not certified
against floating-point attacks).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import opendp.prelude as dp

dp.enable_features("contrib")

Arrays = list[npt.NDArray[np.float64]]


def difference(new: Sequence[npt.NDArray[np.generic]], old: Sequence[npt.NDArray[np.generic]]) -> Arrays:
    """The update an agency sends: its locally trained parameters minus the global ones, array by array."""
    if len(new) != len(old):
        raise ValueError(f"{len(new)} arrays against {len(old)}")
    return [np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64) for a, b in zip(new, old, strict=True)]


def l2_norm(arrays: Sequence[npt.NDArray[np.generic]]) -> float:
    """The L2 norm of all arrays taken together as one vector."""
    return math.sqrt(sum(float(np.sum(np.square(np.asarray(a, dtype=np.float64)))) for a in arrays))


def clip(arrays: Sequence[npt.NDArray[np.generic]], bound: float) -> Arrays:
    """Scale the arrays (as one vector) down to L2 norm ``bound`` if longer; shorter ones are returned as they are."""
    if not bound > 0:
        raise ValueError("the clipping bound must be positive")
    norm = l2_norm(arrays)
    factor = min(1.0, bound / norm) if norm > 0 else 1.0
    return [np.asarray(a, dtype=np.float64) * factor for a in arrays]


def noise_std(*, noise_multiplier: float, clip_bound: float, agencies: int) -> float:
    """Each agency's noise standard deviation, so that the sum over ``agencies`` carries ``sigma * clip``."""
    if noise_multiplier < 0 or agencies < 1:
        raise ValueError("the noise multiplier must be >= 0 and there must be at least one agency")
    return noise_multiplier * clip_bound / math.sqrt(agencies)


def noise_rng() -> np.random.Generator:
    """A generator seeded from the operating system's entropy: the noise's only source outside tests."""
    return np.random.default_rng(secrets.randbits(128))


def add_noise(arrays: Sequence[npt.NDArray[np.generic]], std: float, rng: np.random.Generator | None = None) -> Arrays:
    """Add independent Gaussian noise of standard deviation ``std`` to every entry.

    ``rng`` is for tests only; by default the generator is seeded from the operating system's entropy.
    """
    if std < 0:
        raise ValueError("the noise standard deviation must be >= 0")
    gen = rng if rng is not None else noise_rng()
    if std == 0:
        return [np.asarray(a, dtype=np.float64).copy() for a in arrays]
    return [np.asarray(a, dtype=np.float64) + gen.normal(0.0, std, size=np.shape(a)) for a in arrays]


def privatise(
    update: Sequence[npt.NDArray[np.generic]], *, clip_bound: float, std: float, rng: np.random.Generator | None = None
) -> Arrays:
    """What an agency sends: its update clipped to ``clip_bound`` plus its share of the noise."""
    return add_noise(clip(update, clip_bound), std, rng)


def epsilon(
    *, noise_multiplier: float, rounds: int, delta: float, agencies: int, secure_aggregation: bool
) -> float | None:
    """The epsilon of the whole run at ``delta``, for one agency's data against the server; None without noise.

    With secure aggregation the server sees the noisy sum only (noise multiplier ``sigma``); without it, it sees
    each agency's update with that agency's share of the noise (noise multiplier ``sigma / sqrt(agencies)``).
    """
    if rounds < 1 or not 0 < delta < 1:
        raise ValueError("at least one round and 0 < delta < 1")
    if noise_multiplier <= 0:
        return None
    multiplier = noise_multiplier if secure_aggregation else noise_multiplier / math.sqrt(agencies)
    return composed_epsilon(noise_multiplier=multiplier, count=rounds, delta=delta)


def _composition(noise_multiplier: float, count: int) -> Any:
    """``count`` Gaussian mechanisms of scale ``noise_multiplier`` (sensitivity 1, in units of the clip)."""
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.l2_distance(T=float)
    return dp.c.make_composition([dp.m.make_gaussian(*space, scale=noise_multiplier)] * count)


def composed_epsilon(*, noise_multiplier: float, count: int, delta: float) -> float:
    """The epsilon at ``delta`` of ``count`` composed Gaussian mechanisms of noise multiplier sigma, by OpenDP."""
    if count < 1 or not noise_multiplier > 0 or not 0 < delta < 1:
        raise ValueError("at least one mechanism, a positive noise multiplier and 0 < delta < 1")
    approx = dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(_composition(noise_multiplier, count)), delta)
    eps, _ = approx.map(1.0)  # type: ignore[no-untyped-call]  # OpenDP ships no annotations for map
    return float(eps)


def record_epsilon(*, noise_multiplier: float, steps: int, delta: float) -> float | None:
    """One agency's record-level epsilon at ``delta`` after ``steps`` noisy DP-SGD steps; None without noise.

    Every step is a Gaussian mechanism of sensitivity ``record_clip`` and noise ``sigma * record_clip``:
    the composition of ``steps`` of them, whatever the clip (epsilon depends on sigma and the count only).
    """
    if steps < 0 or not 0 < delta < 1:
        raise ValueError("steps must be >= 0 and 0 < delta < 1")
    if noise_multiplier <= 0:
        return None
    if steps == 0:
        return 0.0
    return composed_epsilon(noise_multiplier=noise_multiplier, count=steps, delta=delta)


def rho(*, noise_multiplier: float, rounds: int) -> float:
    """The zero-concentrated DP parameter of ``rounds`` Gaussian mechanisms (agency unit with secure aggregation;
    for the record unit, of ``rounds`` DP-SGD steps): rounds / (2 sigma^2), by OpenDP."""
    return float(_composition(noise_multiplier, rounds).map(1.0))
