"""The agency's ClientApp: its partition of the corpus, and no update in the clear when SecAgg+ is planned."""

from __future__ import annotations

import numpy as np
import pytest
from flwr.app import Context, Message, RecordDict
from flwr.app.message_type import MessageType
from flwr.supercore.task_identity import TaskIdentity

from sealkeeper.federated import privacy
from sealkeeper.federated.client_app import AgencyClient, agency_data, round_seed, secagg_when_planned
from sealkeeper.federated.plan import Plan
from sealkeeper.reader.corpus import make_corpus


def test_an_agency_reads_exactly_its_partition_of_the_corpus() -> None:
    plan = Plan(agencies=4, rounds=1, seed=11, per_agency=40)
    corpus = make_corpus(seed=11, agencies=4, per_agency=40)
    for index in range(4):
        assert agency_data(plan, index) == corpus[index]
    with pytest.raises(ValueError, match="outside"):
        agency_data(plan, 4)


def test_round_seeds_differ_between_agencies_and_rounds() -> None:
    seeds = {round_seed(3, r, i) for r in range(1, 6) for i in range(5)}
    assert len(seeds) == 25


@pytest.fixture(autouse=True)
def inside_a_task(monkeypatch: pytest.MonkeyPatch) -> None:
    """Flower makes messages only inside a task (a run and a node); this test is that task."""
    monkeypatch.setattr(TaskIdentity, "_run_id", 1)
    monkeypatch.setattr(TaskIdentity, "_node_id", 7)
    monkeypatch.setattr(TaskIdentity, "_task_id", 1)


def _context(plan: Plan) -> Context:
    return Context(run_id=1, node_id=7, node_config={"agency": 0}, state=RecordDict(), run_config=plan.run_config())


def test_a_plain_training_message_is_refused_when_secagg_is_planned() -> None:
    msg = Message(content=RecordDict(), dst_node_id=7, message_type=MessageType.TRAIN)

    def call_next(m: Message, c: Context) -> Message:
        raise AssertionError("the update would have been computed and sent in the clear")

    with pytest.raises(ValueError, match="SecAgg"):
        secagg_when_planned(msg, _context(Plan(agencies=3, rounds=1)), call_next)


def test_without_secagg_the_message_goes_straight_to_the_client() -> None:
    msg = Message(content=RecordDict(), dst_node_id=7, message_type=MessageType.TRAIN)
    seen: list[Message] = []

    def call_next(m: Message, c: Context) -> Message:
        seen.append(m)
        return m

    secagg_when_planned(msg, _context(Plan(agencies=3, rounds=1, secagg=False)), call_next)
    assert seen == [msg]


def test_a_record_unit_round_is_dp_sgd_with_fresh_noise_each_time() -> None:
    plan = Plan(agencies=3, rounds=1, per_agency=40, record_steps=2, record_noise=2.0)
    client = AgencyClient(plan, 1)
    start = client.get_parameters({})
    first, weight, _ = client.fit(start, {"round": 1})
    second, _, _ = client.fit(start, {"round": 1})
    assert weight == 1
    assert [a.shape for a in first] == [np.shape(p) for p in start]
    assert not np.array_equal(first[0], second[0])  # the noise comes from the system, not the round's seed
    # what was sent is what DP-SGD moved: compare with the same training run without noise
    quiet = AgencyClient(Plan(**{**plan.__dict__, "record_noise": 0.0}), 1)
    signal, _, _ = quiet.fit(start, {"round": 1})
    spread = float(np.std(first[0] - signal[0]))
    # two steps of noise sigma * C / per_agency * learning rate each, in every coordinate
    want = plan.record_learning_rate * plan.record_noise * plan.record_clip / plan.per_agency * np.sqrt(2)
    assert spread == pytest.approx(want, rel=0.05)


def test_an_agency_unit_round_sends_the_clipped_update() -> None:
    plan = Plan(agencies=3, rounds=1, per_agency=40, privacy_unit="agency", clip=0.25)
    client = AgencyClient(plan, 0)
    update, _, _ = client.fit(client.get_parameters({}), {"round": 1})
    assert privacy.l2_norm(update) == pytest.approx(0.25)
