"""The Flower ServerApp: FedAvg of the agencies' privatised updates over SecAgg+, results to a file.

Flower's legacy workflow runs the rounds (``DefaultWorkflow``); with ``secagg`` the fit step is Flower's
``SecAggPlusWorkflow``, so the strategy receives only the (masked, then unmasked) average of the updates, never
one agency's. Each agency sends weight 1, so the average is the plain mean over agencies. The global model moves
by that mean times the server learning rate. Agencies evaluate the final model on their own held-out
judgments in the last round. The ServerApp then writes the final parameters (``params.npz``) and a JSON summary
(per-agency metrics, seconds per round, message bytes per round) into the run's ``out`` directory, which the
parent process reads.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from flwr.app import Context, Message
from flwr.app.message_type import MessageType
from flwr.common import (
    EvaluateIns,
    EvaluateRes,
    FitIns,
    FitRes,
    NDArrays,
    Parameters,
    Scalar,
    ndarrays_to_parameters,
    parameters_to_ndarrays,
)
from flwr.server import LegacyContext, ServerConfig
from flwr.server.client_manager import ClientManager
from flwr.server.client_proxy import ClientProxy
from flwr.server.strategy import FedAvg
from flwr.server.workflow import DefaultWorkflow, SecAggPlusWorkflow
from flwr.serverapp import Grid, ServerApp
from flwr.supercore.inflatable.inflatable_object import get_all_nested_objects

from sealkeeper.federated.plan import Plan
from sealkeeper.reader.model import ReaderModel

RESULTS = "results.json"
PARAMS = "params.npz"
FAILED = "failed.txt"


def message_bytes(msg: Message) -> int:
    """The serialised size of a Flower message: every object of its tree, as pushed or pulled by the SuperLink."""
    return sum(len(obj.deflate()) for obj in get_all_nested_objects(msg).values())


class CountingGrid:
    """The ServerApp's Grid, counting the bytes of the messages it sends and receives, per round (group id)."""

    def __init__(self, grid: Grid, poll: float) -> None:
        self._grid, self.poll = grid, poll
        self.bytes: dict[str, int] = {}
        self.exchanges: list[tuple[str, float]] = []  # (round, seconds) of every send-and-receive

    def send_and_receive(self, messages: Iterable[Message], *, timeout: float | None = None) -> Iterable[Message]:
        """Flower's send_and_receive, pulling every ``poll`` seconds (Flower's HTTP Grid sleeps 3 s between pulls)."""
        out = list(messages)
        for msg in out:
            self._count(msg)
        started = time.perf_counter()
        waiting = set(self._grid.push_messages(out))
        deadline = None if timeout is None else time.monotonic() + timeout
        replies: list[Message] = []
        while waiting and (deadline is None or time.monotonic() < deadline):
            got = list(self._grid.pull_messages(waiting))
            replies.extend(got)
            waiting.difference_update(msg.metadata.reply_to_message_id for msg in got)
            if waiting:
                time.sleep(self.poll)
        for msg in replies:
            self._count(msg)
        if out:
            self.exchanges.append((out[0].metadata.group_id, time.perf_counter() - started))
        return replies

    def _count(self, msg: Message) -> None:
        """Training messages only (SecAgg+ stages included): evaluation is not part of a round's cost here."""
        if msg.has_content() and msg.metadata.message_type == MessageType.TRAIN:
            group = msg.metadata.group_id
            self.bytes[group] = self.bytes.get(group, 0) + message_bytes(msg)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._grid, name)


class ReaderFedAvg(FedAvg):
    """FedAvg of updates: every agency each round; the global model moves by ``server_learning_rate`` times the
    mean update (FedAvg with a server learning rate, as in Reddi et al. 2021); evaluation in the last round."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(
            fraction_fit=1.0,
            fraction_evaluate=1.0,
            min_fit_clients=plan.agencies,
            min_evaluate_clients=plan.agencies,
            min_available_clients=plan.agencies,
            accept_failures=False,
            initial_parameters=ndarrays_to_parameters(ReaderModel.initial(seed=plan.seed).get_params()),
        )
        self.plan = plan
        self.global_params: NDArrays = []
        self.started: dict[int, float] = {}
        self.seconds: dict[int, float] = {}
        self.agency_metrics: list[dict[str, Scalar]] = []

    def configure_fit(
        self, server_round: int, parameters: Parameters, client_manager: ClientManager
    ) -> list[tuple[ClientProxy, FitIns]]:
        self.started[server_round] = time.perf_counter()
        self.global_params = parameters_to_ndarrays(parameters)
        pairs = super().configure_fit(server_round, parameters, client_manager)
        return [(proxy, FitIns(ins.parameters, {"round": server_round})) for proxy, ins in pairs]

    def aggregate_fit(
        self,
        server_round: int,
        results: list[tuple[ClientProxy, FitRes]],
        failures: list[tuple[ClientProxy, FitRes] | BaseException],
    ) -> tuple[Parameters | None, dict[str, Scalar]]:
        if failures or len(results) != self.plan.agencies:
            raise RuntimeError(f"round {server_round}: {len(failures)} agencies failed, {len(results)} answered")
        mean_update, _ = super().aggregate_fit(server_round, results, failures)
        assert mean_update is not None  # noqa: S101 - FedAvg aggregates whenever there are results and no failures
        step = self.plan.server_learning_rate
        new = [g + step * u for g, u in zip(self.global_params, parameters_to_ndarrays(mean_update), strict=True)]
        self.seconds[server_round] = time.perf_counter() - self.started[server_round]
        return ndarrays_to_parameters(new), {}

    def configure_evaluate(
        self, server_round: int, parameters: Parameters, client_manager: ClientManager
    ) -> list[tuple[ClientProxy, EvaluateIns]]:
        if server_round != self.plan.rounds:
            return []
        return super().configure_evaluate(server_round, parameters, client_manager)

    def aggregate_evaluate(
        self,
        server_round: int,
        results: list[tuple[ClientProxy, EvaluateRes]],
        failures: list[tuple[ClientProxy, EvaluateRes] | BaseException],
    ) -> tuple[float | None, dict[str, Scalar]]:
        if failures:
            raise RuntimeError(f"evaluation: {len(failures)} agencies failed")
        self.agency_metrics = sorted(
            ({**res.metrics, "n": res.num_examples} for _, res in results), key=lambda m: int(m["agency"])
        )
        return super().aggregate_evaluate(server_round, results, failures)


def secagg_workflow(plan: Plan) -> SecAggPlusWorkflow:
    """SecAgg+ with every agency a neighbour of every other, and coordinates bounded for quantisation.

    ``Plan.coordinate_range``: what a coordinate of an update can reach, noise included up to eight of its
    standard deviations (exceeded with probability ~1e-15 a coordinate), before SecAgg+ clips and quantises
    to 2^22 levels.
    """
    return SecAggPlusWorkflow(
        num_shares=1.0, reconstruction_threshold=0.7, max_weight=1.0, clipping_range=plan.coordinate_range()
    )


app = ServerApp()


@app.main()
def main(grid: Grid, context: Context) -> None:
    plan = Plan.from_run_config(context.run_config)
    try:
        strategy = ReaderFedAvg(plan)
        legacy = LegacyContext(context=context, config=ServerConfig(num_rounds=plan.rounds), strategy=strategy)
        counting = CountingGrid(grid, plan.poll)
        workflow = DefaultWorkflow(fit_workflow=secagg_workflow(plan) if plan.secagg else None)
        workflow(counting, legacy)  # type: ignore[arg-type]  # CountingGrid stands in for the Grid it wraps
        write_results(Path(plan.out), legacy, strategy, counting)
    except Exception as exc:  # the parent waits for a file: tell it at once, then fail the run as Flower does
        Path(plan.out).mkdir(parents=True, exist_ok=True)
        (Path(plan.out) / FAILED).write_text(f"{type(exc).__name__}: {exc}"[:500], encoding="utf-8")
        raise


def write_results(out: Path, legacy: LegacyContext, strategy: ReaderFedAvg, counting: CountingGrid) -> None:
    from flwr.server.workflow.constant import MAIN_PARAMS_RECORD  # noqa: PLC0415 - flwr's internal record name

    final = legacy.state.array_records[MAIN_PARAMS_RECORD].to_numpy_ndarrays()
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / PARAMS, *final)
    summary = {
        "agencies": strategy.agency_metrics,
        "round_seconds": [strategy.seconds[r] for r in sorted(strategy.seconds)],
        "round_bytes": [counting.bytes.get(str(r), 0) for r in sorted(strategy.seconds)],
        "exchanges": counting.exchanges,
    }
    tmp = out / (RESULTS + ".part")
    tmp.write_text(json.dumps(summary), encoding="utf-8")
    tmp.replace(out / RESULTS)
