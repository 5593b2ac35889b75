"""Record-level DP-SGD: per-judgment clipping, the noise on the sum, and private training of the reader."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse  # type: ignore[import-untyped]  # scipy ships no type hints
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sealkeeper.reader import dpsgd
from sealkeeper.reader.corpus import make_corpus
from sealkeeper.reader.features import FeatureConfig, featurize
from sealkeeper.reader.model import ReaderModel

finite = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


@st.composite
def batches(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Features (n x d) and errors (n x k) of a few judgments, some rows all zero."""
    n, d, k = draw(st.integers(1, 8)), draw(st.integers(1, 6)), draw(st.integers(1, 4))
    return draw(arrays(np.float64, (n, d), elements=finite)), draw(arrays(np.float64, (n, k), elements=finite))


def per_example_gradients(features: np.ndarray, errors: np.ndarray) -> list[np.ndarray]:
    """Each judgment's gradient of the weights, materialised (the outer product), flattened."""
    return [np.outer(x, e).ravel() for x, e in zip(features, errors, strict=True)]


@settings(max_examples=200, deadline=None)
@given(batches(), st.floats(min_value=1e-3, max_value=100))
def test_every_clipped_gradient_has_norm_at_most_the_bound(batch: tuple[np.ndarray, np.ndarray], clip: float) -> None:
    features, errors = batch
    factors = dpsgd.clip_factors(features, errors, clip)
    for factor, grad in zip(factors, per_example_gradients(features, errors), strict=True):
        norm = float(np.linalg.norm(grad))
        assert 0 < factor <= 1
        assert norm * factor <= clip * (1 + 1e-9)
        if norm <= clip:  # shorter gradients are left as they are
            assert factor == 1.0
        else:  # longer ones are scaled to exactly the bound, not truncated
            assert norm * factor == pytest.approx(clip, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(batches(), st.floats(min_value=1e-3, max_value=100))
def test_the_clipped_sum_is_the_sum_of_the_clipped_gradients(batch: tuple[np.ndarray, np.ndarray], clip: float) -> None:
    features, errors = batch
    got = dpsgd.clipped_sum(features, errors, clip).ravel()
    factors = dpsgd.clip_factors(features, errors, clip)
    want = sum(f * g for f, g in zip(factors, per_example_gradients(features, errors), strict=True))
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
    # one judgment more or less moves the sum by at most the bound: the Gaussian mechanism's sensitivity
    without_first = dpsgd.clipped_sum(features[1:], errors[1:], clip).ravel()
    assert float(np.linalg.norm(got - without_first)) <= clip * (1 + 1e-9)


def test_sparse_and_dense_features_clip_alike() -> None:
    rng = np.random.default_rng(3)
    dense = rng.random((6, 10)) * (rng.random((6, 10)) < 0.3)
    errors = rng.normal(size=(6, 3))
    np.testing.assert_allclose(
        dpsgd.clipped_sum(scipy.sparse.csr_matrix(dense), errors, 0.7), dpsgd.clipped_sum(dense, errors, 0.7),
        rtol=1e-12,
    )  # fmt: skip


def test_the_noise_on_the_sum_has_standard_deviation_sigma_times_clip() -> None:
    features, errors = np.zeros((3, 200)), np.zeros((3, 100))  # the sum is zero: what comes out is the noise
    privacy = dpsgd.RecordPrivacy(clip=0.5, noise_multiplier=4.0, denominator=1.0)
    grad_w = dpsgd.noisy_step(features, errors, privacy, np.random.default_rng(1))
    assert grad_w.shape == (200, 100)
    assert float(np.std(grad_w)) == pytest.approx(2.0, rel=0.02)
    assert float(np.mean(grad_w)) == pytest.approx(0.0, abs=0.06)  # 4 standard errors of 20,000 draws
    halved = dpsgd.noisy_step(features, errors, dpsgd.RecordPrivacy(0.5, 4.0, 2.0), np.random.default_rng(1))
    np.testing.assert_allclose(halved, grad_w / 2)  # divided by the public denominator, after the noise


def test_no_noise_leaves_the_clipped_sum_over_the_denominator() -> None:
    features, errors = np.array([[3.0, 4.0]]), np.array([[1.0, 0.0]])  # gradient norm 5 * 1
    grad = dpsgd.noisy_step(features, errors, dpsgd.RecordPrivacy(1.0, 0.0, 2.0), np.random.default_rng())
    np.testing.assert_allclose(grad, np.array([[3.0, 0.0], [4.0, 0.0]]) / 5 / 2)


@pytest.mark.parametrize(
    "kwargs", [{"clip": 0.0, "noise_multiplier": 1.0, "denominator": 1.0},
               {"clip": 1.0, "noise_multiplier": -1.0, "denominator": 1.0},
               {"clip": 1.0, "noise_multiplier": 1.0, "denominator": 0.0}],
)  # fmt: skip
def test_record_privacy_refuses_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="record privacy"):
        dpsgd.RecordPrivacy(**kwargs)


@pytest.fixture(scope="module")
def docs() -> tuple:  # type: ignore[type-arg]  # a tuple of Judgments
    return make_corpus(seed=2, agencies=1, per_agency=60)[0].train


def _trained(docs: tuple, sigma: float, noise_seed: int) -> list[np.ndarray]:  # type: ignore[type-arg]
    model = ReaderModel.initial(seed=0)
    privacy = dpsgd.RecordPrivacy(clip=0.5, noise_multiplier=sigma, denominator=60.0)
    model.fit_private(docs, steps=3, learning_rate=20.0, privacy=privacy, rng=np.random.default_rng(noise_seed))
    return model.get_params()


def test_noise_is_added_to_the_weights(docs: tuple) -> None:  # type: ignore[type-arg]
    plain_a, plain_b = _trained(docs, 0.0, 1), _trained(docs, 0.0, 2)
    assert all(np.array_equal(a, b) for a, b in zip(plain_a, plain_b, strict=True))  # no noise: the rng is unused
    noisy = _trained(docs, 2.0, 1)
    assert not np.array_equal(noisy[0], plain_a[0])
    assert np.array_equal(noisy[1], plain_a[1])  # the biases are not learnt under DP-SGD
    again, other = _trained(docs, 2.0, 1), _trained(docs, 2.0, 2)
    assert np.array_equal(noisy[0], again[0])  # the same noise seed: the same noise
    assert not np.array_equal(noisy[0], other[0])
    # the noise reaches coordinates no judgment touches: a hashed column none of these texts fills
    untouched = np.flatnonzero(np.asarray(featurize(FeatureConfig(), [d.text for d in docs]).sum(axis=0)).ravel() == 0)
    assert untouched.size > 0
    assert np.any(noisy[0][untouched] != plain_a[0][untouched])


def test_private_training_learns_without_noise_and_runs_with_no_judgment(docs: tuple) -> None:  # type: ignore[type-arg]
    model = ReaderModel.initial(seed=0)
    before = model.evaluate(docs).charge_accuracy
    model.fit_private(docs, steps=30, learning_rate=20.0, privacy=dpsgd.RecordPrivacy(0.5, 0.0, 60.0),
                      rng=np.random.default_rng(0))  # fmt: skip
    assert model.evaluate(docs).charge_accuracy > max(before + 0.3, 0.8)
    empty = ReaderModel.initial(seed=0)
    empty.fit_private((), steps=2, learning_rate=1.0, privacy=dpsgd.RecordPrivacy(0.5, 1.0, 60.0),
                      rng=np.random.default_rng(0))  # fmt: skip
    assert not np.array_equal(empty.get_params()[0], ReaderModel.initial(seed=0).get_params()[0])
