"""Benchmark: record-level differential privacy in the federated reader (issue 9) — noise multiplier against
epsilon against federated charge accuracy, on the default corpus (5 agencies of 400 judgments, seed 0).

The rounds are computed in this process, without Flower's processes, by the same code: each agency's
``AgencyClient.fit`` (full-batch DP-SGD, noise from the operating system's entropy), then the mean of the updates
times the server learning rate, as ``server_app.ReaderFedAvg`` does (SecAgg+ changes the sum only by its
quantisation, ~1e-4 of a coordinate here). Epsilon is each agency's, at ``--delta``, by OpenDP
(``privacy.record_epsilon``). The noise is fresh in every run: each sigma is trained ``--repeats`` times and the
accuracies are given as min / mean / max over the pooled held-out judgments of every agency. The centralised
model (every agency's judgments pooled, no privacy) is the upper bound ``federated run`` compares against.

    .venv/bin/python bench/bench_record_dp.py --sigmas 0,4,4.5,5,5.7,8 --repeats 3
"""

from __future__ import annotations

import argparse
import statistics
import time

from sealkeeper.federated import privacy
from sealkeeper.federated.client_app import AgencyClient
from sealkeeper.federated.plan import Plan
from sealkeeper.reader.corpus import make_corpus, pooled
from sealkeeper.services.federated_learning import score, trained


def federated_accuracy(plan: Plan) -> float:
    """Train ``plan.rounds`` rounds in process and score the global model on every agency's held-out data."""
    clients = [AgencyClient(plan, i) for i in range(plan.agencies)]
    model = clients[0]._model(clients[0].get_parameters({}))
    params = model.get_params()
    for server_round in range(1, plan.rounds + 1):
        updates = [client.fit(params, {"round": server_round})[0] for client in clients]
        params = [
            p + plan.server_learning_rate * sum(u[k] for u in updates) / len(updates) for k, p in enumerate(params)
        ]
    model.set_params([p.astype(model.weights.dtype) for p in params])
    corpus = [client.data for client in clients]
    return score(model, corpus).charge_accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sigmas", default="0,4,4.5,5,5.7,8", help="noise multipliers, comma-separated")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--record-steps", type=int, default=Plan(agencies=5, rounds=1).record_steps)
    parser.add_argument("--record-learning-rate", type=float, default=Plan(agencies=5, rounds=1).record_learning_rate)
    parser.add_argument("--record-clip", type=float, default=Plan(agencies=5, rounds=1).record_clip)
    parser.add_argument("--delta", type=float, default=1e-5)
    args = parser.parse_args()
    base = Plan(agencies=5, rounds=args.rounds, record_steps=args.record_steps, delta=args.delta,
                record_learning_rate=args.record_learning_rate, record_clip=args.record_clip)  # fmt: skip
    corpus = make_corpus(seed=base.seed, agencies=base.agencies, per_agency=base.per_agency)
    central = score(trained(base, pooled(corpus)), corpus).charge_accuracy
    print(f"record-level DP: {base.agencies} agencies x {base.per_agency} judgments, {base.rounds} rounds of "
          f"{base.record_steps} full-batch steps (learning rate {base.record_learning_rate:g}, clip "
          f"{base.record_clip:g}), delta {base.delta:g}")  # fmt: skip
    print(f"  centralised, no privacy: charge accuracy {central:.3f}")
    print(f"  {'sigma':>6} {'epsilon':>8}  {'accuracy min / mean / max':<27} {'gap to centralised':>18}  seconds")
    for sigma in (float(s) for s in args.sigmas.split(",")):
        plan = Plan(**{**base.__dict__, "record_noise": sigma})
        eps = privacy.record_epsilon(noise_multiplier=sigma, steps=plan.noisy_steps(), delta=plan.delta)
        started = time.perf_counter()
        runs = [federated_accuracy(plan) for _ in range(args.repeats if sigma > 0 else 1)]
        seconds = (time.perf_counter() - started) / len(runs)
        mean = statistics.fmean(runs)
        print(f"  {sigma:6.2f} {'none' if eps is None else f'{eps:.2f}':>8}  "
              f"{min(runs):.3f} / {mean:.3f} / {max(runs):.3f}       {(central - mean) * 100:+14.1f} pts  "
              f"{seconds:7.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
