"""`sealkeeper stats`: differentially private releases, the privacy budget, and the secure-sum demonstration.

Outside checks use these names and outputs (issue 8): ``stats queries``, ``stats release --query NAME
--epsilon E --format json`` → {"query", "epsilon", "mechanism", "cells": [{"key", "value", "ci95"}]},
``stats budget --format json`` → {"budgets": [{"dataset", "period", "epsilon_total", "epsilon_spent"}]},
``stats secure-sum --agencies N --format json`` → {"agencies", "cells", "decrypted_total", "plaintext_total",
"seconds"}. A release over the budget exits with status 2 and says so; nothing is spent. ``stats budget --set``
acts as the account of SEALKEEPER_TOKEN (an administrator), like ``queue`` and ``case``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from sealkeeper.access import Account
from sealkeeper.cli.context import now, settings

FORMATS = click.Choice(["json", "csv", "table"])


def _acting_account() -> Account | None:
    """The account of SEALKEEPER_TOKEN (a statistician's API token), or None: the local operator of the home."""
    token = os.environ.get("SEALKEEPER_TOKEN", "")
    return _account_of(token) if token else None


def _required_account(what: str) -> Account:
    """The account of SEALKEEPER_TOKEN, which ``what`` needs: a usage error saying so when none is set."""
    token = os.environ.get("SEALKEEPER_TOKEN", "")
    if not token:
        raise click.UsageError(
            f"{what} acts as an account: set SEALKEEPER_TOKEN to an administrator's API token "
            "(`sealkeeper accounts token`)"
        )
    return _account_of(token)


def _account_of(token: str) -> Account:
    from sealkeeper.services import sign_in  # noqa: PLC0415 - only when a token is given

    found = sign_in.authenticate_api_token(settings(), token, now())
    if not found.ok or found.account is None:
        raise click.UsageError(f"SEALKEEPER_TOKEN is not accepted: {found.check.admission}")
    return found.account


@click.group()
def stats() -> None:
    """Privacy-preserving statistics: DP releases with a privacy budget; secure sums across agencies."""


@stats.command("queries")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True)
def queries_command(fmt: str) -> None:
    """The releases that can be asked for (names for --query)."""
    from sealkeeper.stats.queries import QUERIES  # noqa: PLC0415 - keep `sealkeeper --help` light

    if fmt == "json":
        items = [{"query": q.name, "dataset": q.dataset, "title": q.title} for q in QUERIES.values()]
        click.echo(json.dumps({"queries": items}, ensure_ascii=False, indent=2))
        return
    table = Table("query", "dataset", "what it counts")
    for q in QUERIES.values():
        table.add_row(q.name, q.dataset, q.title)
    Console().print(table)


@stats.command("release")
@click.option("--query", "query_name", required=True, help="a name from `sealkeeper stats queries`")
@click.option("--epsilon", required=True, help="the privacy loss this release spends, e.g. 1 or 0.25")
@click.option("--period", default=None, help="the budget period (a year; default: this year)")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--chart", type=click.Path(path_type=Path, dir_okay=False), help="also write a chart (.png or .svg)")
def release_command(query_name: str, epsilon: str, period: str | None, fmt: str, chart: Path | None) -> None:
    """Release a statistic with differential privacy; its epsilon is charged to the budget first."""
    from sealkeeper.services import stats as service  # noqa: PLC0415

    result = service.release(settings(), query_name, epsilon, now(), account=_acting_account(), period=period)
    if chart is not None:  # the release is already accounted for: a chart is post-processing
        from sealkeeper.stats.charts import render  # noqa: PLC0415 - matplotlib only when a chart is asked for

        chart.write_bytes(render(result, chart.suffix.lstrip(".").lower()))
    data = result.json()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["query", "epsilon", "mechanism", "key", "value", "ci95_low", "ci95_high"])
        for cell in data["cells"]:
            low, high = cell["ci95"]
            writer.writerow([data["query"], data["epsilon"], data["mechanism"], cell["key"], cell["value"], low, high])
        click.echo(out.getvalue(), nl=False)
    else:
        table = Table("cell", "value", "95% interval", title=f"{data['query']} — ε {data['epsilon']}")
        for cell in data["cells"]:
            table.add_row(cell["key"], str(cell["value"]), f"{cell['ci95'][0]:g} – {cell['ci95'][1]:g}")
        Console().print(table)
        Console().print(data["mechanism"])


@stats.command("budget")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True)
@click.option("--set", "total", default=None, help="set the total epsilon of --dataset for --period")
@click.option("--dataset", default="records", show_default=True)
@click.option("--period", default=None, help="a year (default: this year)")
def budget_command(fmt: str, total: str | None, dataset: str, period: str | None) -> None:
    """The privacy budget per dataset and period: total, spent and remaining. Setting a total (--set) acts as
    the account of SEALKEEPER_TOKEN and is the administrator's: those who spend the budget do not set it."""
    from sealkeeper.services import stats as service  # noqa: PLC0415

    if total is not None:
        account = _required_account("stats budget --set")
        service.set_budget(settings(), dataset, period, total, now(), account=account)
    views = [view.json() for view in service.budgets(settings(), now())]
    if fmt == "json":
        click.echo(json.dumps({"budgets": views}, indent=2))
        return
    table = Table("dataset", "period", "epsilon total", "spent", "remaining")
    for v in views:
        remaining = round(v["epsilon_total"] - v["epsilon_spent"], 6)
        table.add_row(v["dataset"], v["period"], f"{v['epsilon_total']:g}", f"{v['epsilon_spent']:g}", f"{remaining:g}")
    Console().print(table)


@stats.command("secure-sum")
@click.option("--agencies", type=click.IntRange(1, 500), required=True, help="how many agencies take part")
@click.option("--cells", type=click.IntRange(1, 4096), default=16, show_default=True, help="counts per agency")
@click.option("--seed", type=int, default=0, show_default=True, help="for the agencies' synthetic counts")
@click.option("--epsilon", default="1", show_default=True, help="DP noise the authority adds before publishing")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True)
def secure_sum_command(agencies: int, cells: int, seed: int, epsilon: str, fmt: str) -> None:
    """A local secure-sum round: an aggregator process, agencies posting BFV ciphertexts over HTTP on
    127.0.0.1, the authority decrypting only the total. Prints it next to the plaintext total computed apart."""
    from sealkeeper.services import stats_secure_sum as service  # noqa: PLC0415 - TenSEAL only here

    result = service.demo(agencies, cells, seed)
    if fmt == "json":
        click.echo(json.dumps(result.json()))
        return
    published = service.publish(result.decrypted_total, epsilon)
    table = Table("cell", "plaintext total", "decrypted total", f"published (DP, ε {epsilon})", "95% interval")
    for i, cell in enumerate(published.cells[:20]):
        low, high = cell.ci95
        table.add_row(str(i), str(result.plaintext_total[i]), str(result.decrypted_total[i]), str(cell.value),
                      f"{low:g} – {high:g}")  # fmt: skip
    console = Console()
    console.print(table)
    agree = "agree" if result.decrypted_total == result.plaintext_total else "DISAGREE"
    sent = max(s["bytes_sent"] for s in result.submissions)
    size = max(s["ciphertext_bytes"] for s in result.submissions)
    console.print(
        f"{agencies} agencies × {cells} cells: decrypted and plaintext totals {agree}; {result.seconds:.3f} s "
        f"(encrypt, post, aggregate, decrypt); ciphertext {size:,} bytes, {sent:,} bytes sent per agency"
    )
