"""`sealkeeper federated run`: the judgment reader trained across agencies with Flower (issue 9).

Outside checks use ``--format json`` → {"federated": {"charge_accuracy", "sentence_exact"}, "centralised": {...},
"local": [{...}, ...], "secagg": true|false, "epsilon": number|null, "seconds"}; ``seconds`` is the wall time of
the federated run (processes started to processes stopped). ``epsilon`` is null when no noise is added.
"""

from __future__ import annotations

import json
import signal
from types import FrameType

import click
from rich.console import Console
from rich.table import Table


@click.group()
def federated() -> None:
    """Federated learning across agencies (Flower, SecAgg+, clipping and Gaussian noise)."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM as Ctrl-C: the federation's processes are stopped on the way out


@federated.command("run")
@click.option("--agencies", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--rounds", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--epochs", type=click.IntRange(min=1), default=5, show_default=True, help="local epochs a round")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--no-secagg", is_flag=True, help="send updates in the clear (no SecAgg+); epsilon is then weaker")
@click.option("--clip", type=click.FloatRange(min=0, min_open=True), default=5.0, show_default=True)
@click.option("--noise-multiplier", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="sigma: the sum of the updates carries Gaussian noise of sigma * clip")  # fmt: skip
@click.option("--delta", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True), default=1e-5,
              show_default=True)  # fmt: skip
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True)
@click.option("--server-learning-rate", type=click.FloatRange(min=0, min_open=True), default=2.0, show_default=True,
              help="the global model moves by this times the mean update")  # fmt: skip
@click.option("--per-agency", type=click.IntRange(min=8), default=400, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--save", is_flag=True, help="keep the federated model as the next reader version, with its card")
def run_command(  # noqa: PLR0917 - one per option
    agencies: int, rounds: int, epochs: int, seed: int, no_secagg: bool, clip: float, noise_multiplier: float,
    delta: float, learning_rate: float, server_learning_rate: float, per_agency: int, fmt: str, save: bool,
) -> None:  # fmt: skip
    """Train the reader federated (SuperLink + one SuperNode per agency on 127.0.0.1), centralised and locally."""
    from sealkeeper.federated.plan import Plan  # noqa: PLC0415 - keep `sealkeeper --help` light
    from sealkeeper.services import federated_learning  # noqa: PLC0415

    try:
        plan = Plan(
            agencies=agencies, rounds=rounds, epochs=epochs, seed=seed, secagg=not no_secagg, clip=clip,
            noise_multiplier=noise_multiplier, delta=delta, learning_rate=learning_rate,
            server_learning_rate=server_learning_rate, per_agency=per_agency,
        )  # fmt: skip
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        report = federated_learning.run_experiment(plan)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if save:
        from sealkeeper.cli.context import settings, today  # noqa: PLC0415

        version = federated_learning.save_model(settings(), report, created_on=today())
        click.echo(f"saved the federated reader as version {version}", err=True)
    if fmt == "json":
        click.echo(json.dumps(report.json(), indent=2))
        return
    _table(report)


def _table(report: object) -> None:
    from sealkeeper.services.federated_learning import Report  # noqa: PLC0415

    assert isinstance(report, Report)  # noqa: S101 - narrows the lazily imported type
    table = Table(
        "model", "charge accuracy", "sentence exact", title="The judgment reader on every agency's held-out data"
    )
    table.add_row("federated", f"{report.federated.charge_accuracy:.1%}", f"{report.federated.sentence_exact:.1%}")
    table.add_row("centralised (pooled)", f"{report.centralised.charge_accuracy:.1%}",
                  f"{report.centralised.sentence_exact:.1%}")  # fmt: skip
    for name, s in zip(report.agencies, report.local, strict=True):
        table.add_row(f"{name} alone", f"{s.charge_accuracy:.1%}", f"{s.sentence_exact:.1%}")
    console = Console()
    console.print(table)
    plan = report.plan
    eps = "none (no noise)" if report.epsilon is None else f"{report.epsilon:.2f} at delta {plan.delta:g}"
    rounds = ", ".join(f"{s:.1f}" for s in report.round_seconds)
    console.print(
        f"SecAgg+: {'on' if plan.secagg else 'off'}; clip {plan.clip:g}, noise multiplier {plan.noise_multiplier:g}; "
        f"epsilon {eps} (one agency's data, against the server)\n"
        f"{plan.agencies} agencies, {plan.rounds} rounds in {report.seconds:.1f} s (per round: {rounds} s); "
        f"{sum(report.round_bytes) / plan.rounds / 1e6:.1f} MB of messages a round"
    )
