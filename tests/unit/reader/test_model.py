"""The reader model: it learns the charge, its parameters round-trip, and it proposes every fact."""

from __future__ import annotations

import numpy as np
import pytest

from sealkeeper.reader.corpus import CHARGES, AgencyData, make_corpus, pooled
from sealkeeper.reader.model import EPOCHS, LEARNING_RATE, ParamsShapeError, ReaderModel


@pytest.fixture(scope="module")
def corpus() -> list[AgencyData]:
    return make_corpus(seed=4, agencies=3, per_agency=200)


def test_parameters_are_small_enough_for_secure_aggregation() -> None:
    model = ReaderModel.initial(seed=0)
    assert sum(p.size for p in model.get_params()) <= 300_000
    assert model.get_params()[0].shape[1] == len(CHARGES)


def test_initial_is_the_same_for_the_same_seed() -> None:
    a, b, c = ReaderModel.initial(seed=1), ReaderModel.initial(seed=1), ReaderModel.initial(seed=2)
    assert all(np.array_equal(x, y) for x, y in zip(a.get_params(), b.get_params(), strict=True))
    assert not np.array_equal(a.get_params()[0], c.get_params()[0])


def test_get_and_set_params_round_trip(corpus: list[AgencyData]) -> None:
    trained = ReaderModel.initial(seed=0)
    trained.fit(pooled(corpus), epochs=1, learning_rate=20.0, seed=0)
    copy = ReaderModel.initial(seed=9)
    copy.set_params(trained.get_params())
    assert all(np.array_equal(x, y) for x, y in zip(copy.get_params(), trained.get_params(), strict=True))
    test = pooled(corpus, "test")
    assert copy.evaluate(test) == trained.evaluate(test)
    params = trained.get_params()
    params[0][0, 0] += 1.0  # get_params hands out copies
    assert trained.get_params()[0][0, 0] != params[0][0, 0]


def test_set_params_refuses_other_shapes() -> None:
    model = ReaderModel.initial(seed=0)
    weights, bias = model.get_params()
    with pytest.raises(ParamsShapeError, match="shapes"):
        model.set_params([weights[:10], bias])
    with pytest.raises(ParamsShapeError):
        model.set_params([weights])


def test_the_model_learns_the_charge(corpus: list[AgencyData]) -> None:
    test = pooled(corpus, "test")
    model = ReaderModel.initial(seed=0)
    before = model.evaluate(test).charge_accuracy
    model.fit(pooled(corpus), epochs=EPOCHS, learning_rate=LEARNING_RATE, seed=0)
    after = model.evaluate(test)
    assert after.charge_accuracy > 0.9
    assert after.charge_accuracy > before + 0.5
    assert after.n == len(test)
    assert after.sentence_exact > 0.95


def test_fit_is_deterministic_for_a_seed(corpus: list[AgencyData]) -> None:
    a, b = ReaderModel.initial(seed=0), ReaderModel.initial(seed=0)
    a.fit(corpus[0].train, epochs=2, learning_rate=20.0, seed=3)
    b.fit(corpus[0].train, epochs=2, learning_rate=20.0, seed=3)
    assert np.array_equal(a.get_params()[0], b.get_params()[0])


def test_an_agency_alone_does_worse_on_the_others_than_the_pool(corpus: list[AgencyData]) -> None:
    test = pooled(corpus, "test")
    pooled_model = ReaderModel.initial(seed=0)
    pooled_model.fit(pooled(corpus), epochs=EPOCHS, learning_rate=LEARNING_RATE, seed=0)
    central = pooled_model.evaluate(test).charge_accuracy
    for agency in corpus:
        alone = ReaderModel.initial(seed=0)
        alone.fit(agency.train, epochs=EPOCHS, learning_rate=LEARNING_RATE, seed=0)
        assert alone.evaluate(test).charge_accuracy < central - 0.05


def test_propose_reads_every_fact(corpus: list[AgencyData]) -> None:
    model = ReaderModel.initial(seed=0)
    model.fit(pooled(corpus), epochs=EPOCHS, learning_rate=LEARNING_RATE, seed=0)
    doc = corpus[0].test[0]
    proposal = model.propose(doc.text)
    assert proposal.charge.value == doc.charge
    assert 0 < proposal.charge.confidence <= 1
    assert proposal.article.value == doc.article
    assert proposal.sentence.value == doc.sentence
    assert proposal.offence_date.value == doc.offence_date
    assert proposal.judgment_date.value == doc.judgment_date
    assert proposal.birth_date.value == doc.birth_date
    assert proposal.juvenile.value == doc.juvenile
