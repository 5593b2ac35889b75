"""The agency's ClientApp: its partition of the corpus, and no update in the clear when SecAgg+ is planned."""

from __future__ import annotations

import pytest
from flwr.app import Context, Message, RecordDict
from flwr.app.message_type import MessageType
from flwr.supercore.task_identity import TaskIdentity

from sealkeeper.federated.client_app import agency_data, round_seed, secagg_when_planned
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
