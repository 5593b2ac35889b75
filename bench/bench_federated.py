"""Benchmark: the federated reader's rounds (issue 9) — wall time per round with ``--agencies`` (default 5)
SuperNodes on loopback, with and without SecAgg+, and the bytes sent per round.

In one run, the same plan (the CLI's defaults: record-level DP-SGD in each agency) is trained:

- baseline: one FedAvg round computed in this process (each agency's ``AgencyClient.fit``: local training and
  its privacy mechanism; then the mean): the work a round must do whatever carries it;
- Flower, tuned (what ``sealkeeper federated run`` starts): SuperLink + SuperNodes as processes, SecAgg+ off,
  then on. The SuperNodes' idle poll and the SuperExec task poll are ``--poll`` seconds, the ServerApp pulls
  replies every ``--poll`` seconds, and each SuperNode's SuperExec forks a warm process per message;
- Flower as it comes (``--stock-rounds``, 0 to skip): ``flower-supernode`` with its own SuperExec (a fresh
  ``flwr-clientapp`` process per message), Flower's poll intervals, replies pulled every 3 s, SecAgg+ on.

A round's time is the ServerApp's, from sending the first training message of the round to applying the
aggregate (median over the rounds; the first round is included: the forked processes are warm from the start).
Bytes per round: the serialised Flower messages of the round's training exchanges (every object of each
message's tree, server to nodes and nodes to server, as the SuperLink stores and forwards them), counted in the
ServerApp; HTTP framing and the nodes' idle polls are not included. Ratios are against the baseline of the
same run (the machine is shared and its load varies: compare ratios between runs).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sealkeeper.federated.client_app import AgencyClient
from sealkeeper.federated.plan import Plan
from sealkeeper.federated.runtime import Outcome, run_federation
from sealkeeper.reader.model import ReaderModel


def baseline_round(plan: Plan) -> float:
    """One FedAvg round in this process, data already in memory (as each agency holds its own)."""
    clients = [AgencyClient(plan, i) for i in range(plan.agencies)]
    initial = ReaderModel.initial(seed=plan.seed).get_params()
    start = time.perf_counter()
    updates = [client.fit(list(initial), {"round": 1})[0] for client in clients]
    _ = [g + plan.server_learning_rate * sum(u[k] for u in updates) / len(updates) for k, g in enumerate(initial)]
    return time.perf_counter() - start


def flower(plan: Plan, *, poll: float, tuned: bool) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="bench-federated-") as tmp:
        return run_federation(plan, Path(tmp), poll=poll, tuned=tuned)


def line(label: str, outcome: Outcome, base: float) -> float:
    per_round = float(statistics.median(outcome.summary["round_seconds"]))
    rounds = ", ".join(f"{s:.1f}" for s in outcome.summary["round_seconds"])
    mb = statistics.median(outcome.summary["round_bytes"]) / 1e6
    print(
        f"  {label:<38} {per_round:7.2f} s/round ({per_round / base:5.1f} x baseline; rounds: {rounds}); "
        f"{mb:.2f} MB/round; whole run {outcome.seconds:.0f} s"
    )
    return per_round


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stock-rounds", type=int, default=2, help="rounds of Flower as it comes (0: skip)")
    parser.add_argument("--poll", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    plan = Plan(agencies=args.agencies, rounds=args.rounds, seed=args.seed)
    params = sum(p.size for p in ReaderModel.initial(seed=args.seed).get_params())
    base = min(baseline_round(plan) for _ in range(3))
    print(f"federated reader: {args.agencies} agencies, {params:,} parameters, {plan.record_steps} DP-SGD steps "
          "a round")  # fmt: skip
    print(f"  baseline: one FedAvg round in process    {base:7.2f} s/round")
    plain = line("Flower tuned, SecAgg+ off", flower(Plan(**{**plan.__dict__, "secagg": False}), poll=args.poll,
                 tuned=True), base)  # fmt: skip
    secagg = line("Flower tuned, SecAgg+ on", flower(plan, poll=args.poll, tuned=True), base)
    print(f"  SecAgg+ on / off: {secagg / plain:.2f} x per round")
    if args.stock_rounds:
        stock_plan = Plan(**{**plan.__dict__, "rounds": args.stock_rounds})
        stock = line("Flower as it comes, SecAgg+ on", flower(stock_plan, poll=args.poll, tuned=False), base)
        print(f"  as it comes / tuned (SecAgg+ on): {stock / secagg:.1f} x per round")


if __name__ == "__main__":
    main()
