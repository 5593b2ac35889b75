"""The `sealkeeper` command line: evaluate, synth, scan, packs; the store's commands are in store_commands.

Entry points translate the terminal to service calls; no rules here. Errors are printed as one clear
line (never a stack trace) and give exit status 2; an unexpected failure gives status 70.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sealkeeper.cli.lazy import LazyGroup
from sealkeeper.errors import SealkeeperError
from sealkeeper.model.dates import parse_iso_date
from sealkeeper.services import evaluation
from sealkeeper.services.evaluation import Item, iter_items, load_all, read_bundles, read_text

F = TypeVar("F", bound=Callable[..., Any])
err = Console(stderr=True)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_iso_date(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


_STORE = "sealkeeper.cli.store_commands"
_LEDGER = "sealkeeper.cli.ledger_commands"
LAZY = {
    "init": f"{_STORE}.init", "import": f"{_STORE}.import_command", "person": f"{_STORE}.person",
    "delete": f"{_STORE}.delete", "keys": f"{_STORE}.keys", "backup": f"{_STORE}.backup",
    "restore": f"{_STORE}.restore", "ledger": f"{_LEDGER}.ledger", "witness": f"{_LEDGER}.witness",
    "accounts": "sealkeeper.cli.account_commands.accounts",
    "run": "sealkeeper.cli.case_commands.run_command",
    "serve": "sealkeeper.cli.service_commands.serve", "migrate": f"{_STORE}.migrate",
    "demo": "sealkeeper.cli.service_commands.demo", "queue": "sealkeeper.cli.case_commands.queue_command",
    "case": "sealkeeper.cli.case_commands.case",
    "stats": "sealkeeper.cli.stats_commands.stats",
    "federated": "sealkeeper.cli.federated_commands.federated",
    "reader": "sealkeeper.cli.reader_commands.reader",
}  # fmt: skip


@click.group(cls=LazyGroup, lazy_subcommands=LAZY)
@click.version_option(package_name="sealkeeper")
def cli() -> None:
    """sealkeeper — sealing minor criminal records (轻微犯罪记录封存) by law."""
    load_all()  # every pack is validated at start-up: a broken pack stops here, not mid-run


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json", show_default=True)
@click.option("--profile", help="switch on a pack profile, e.g. adult_p1 (CN adult minor-crime proposal; not law)")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
def evaluate(file: Path, fmt: str, profile: str | None, lang: str) -> None:
    """Decide every bundle in FILE (JSON array or JSON Lines) on its own as_of."""
    results = list(evaluation.evaluate_items(read_bundles(file), profile, lang))
    if fmt == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        table = Table("id", "status", "date", "rule", "citation", show_lines=False)
        for r in results:
            last = (
                r["reasons"][-1] if r.get("reasons") else {"rule": r.get("field", ""), "citation": r.get("message", "")}
            )
            table.add_row(str(r["id"]), r["status"], r.get("date") or "", last["rule"], last["citation"])
        Console().print(table)
    if any(r["status"] == "error" for r in results):
        sys.exit(1)


@cli.command()
@click.option("--people", type=click.IntRange(min=1), required=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--as-of", "as_of", callback=_date, default="2026-06-30", show_default=True)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", show_default=True)
@click.option("--identities", is_flag=True, help="also give each person a synthetic name, ID number and address")
def synth(people: int, seed: int, as_of: dt.date, out: Path, fmt: str, identities: bool) -> None:  # noqa: PLR0917 - one per option
    """Write a synthetic Chinese population in bundle format (deterministic for a seed)."""
    from sealkeeper.synth.population import generate, write_bundles  # noqa: PLC0415 - only this command needs it

    tmp = out.with_name(out.name + ".part")
    with _progress() as progress:
        task = progress.add_task("synthesising people", total=people)
        with tmp.open("w", encoding="utf-8") as handle:
            people_iter = generate(people, seed, as_of=as_of, identities=identities)
            count = write_bundles(_ticking(people_iter, progress, task), handle, "json" if fmt == "json" else "jsonl")
    tmp.replace(out)  # all or nothing: a crash leaves no half-written population
    err.print(f"wrote {count} people to {out}")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--as-of", "as_of", callback=_date, required=True, help="the day the law is applied on")
@click.option("--jurisdiction", default="CN", show_default=True)
@click.option("--profile", help="switch on a pack profile, e.g. adult_p1")
def scan(file: Path, as_of: dt.date, jurisdiction: str, profile: str | None) -> None:
    """The automatic sealing scan: decide every record of a population set-based and summarise."""
    pack = evaluation.pack_for(jurisdiction, profile)
    text = read_text(file)
    bundles, errors = [], []
    with _progress() as progress:
        task = progress.add_task("reading bundles", total=max(1, text.count("\n")))
        for item in _ticking(iter_items(text, str(file)), progress, task):
            (bundles.append(item.bundle) if item.bundle else errors.append(item))
        step = progress.add_task("scanning (facts, rules)", total=1)
        result = evaluation.scan(bundles, pack, as_of, time.perf_counter)
        progress.update(step, completed=1)
    _summary(result, pack.ref.id, pack.ref.version, as_of, errors)


def _summary(result: evaluation.ScanResult, pack_id: str, version: str, as_of: dt.date, errors: list[Item]) -> None:
    console = Console()
    d = result.decisions
    console.print(
        f"[bold]Automatic sealing scan[/bold] — pack {pack_id} {version}, as of {as_of.isoformat()}: "
        f"{result.people} people, {result.records} records "
        f"(facts {result.seconds_facts:.2f} s, rules {result.seconds_rules:.2f} s)"
    )
    labels = {
        "sealed": "sealed",
        "eligible_on": "eligible later",
        "not_sealed": "not eligible",
        "unsealed": "unsealed",
        "needs_review": "needs review",
    }
    counts = dict(d.group_by("status").len().iter_rows())
    table = Table("status", "records", "share", title="By status")
    for status, label in labels.items():
        n = int(counts.get(status, 0))
        table.add_row(label, f"{n:,}", f"{(n / max(1, result.records)):.1%}")
    console.print(table)
    by_rule = Table("rule", "status", "records", title="By deciding rule")
    for rule, status, n in d.group_by("rule", "status").len().sort("len", descending=True).iter_rows():
        by_rule.add_row(rule, labels[status], f"{n:,}")
    console.print(by_rule)
    if errors:
        console.print(f"[red]{len(errors)} bundles could not be read[/red] (first: {errors[0].error})")
    if result.rejected:
        console.print(f"[red]{len(result.rejected)} bundles could not be decided[/red] (first: {result.rejected[0]})")


T = TypeVar("T")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    )


def _ticking(items: Iterator[T], progress: Progress, task: Any, every: int = 1000) -> Iterator[T]:
    for n, item in enumerate(items, start=1):
        if n % every == 0:
            progress.update(task, completed=n)
        yield item
    progress.update(task, completed=progress.tasks[task].total)


@cli.group(invoke_without_command=True)
@click.pass_context
def packs(ctx: click.Context) -> None:
    """List the rule packs, their versions, profiles and rule counts (all validated on start-up)."""
    if ctx.invoked_subcommand is not None:
        return
    table = Table("pack", "version", "jurisdiction", "rules", "parameters", "profiles")
    for pack in load_all().values():
        table.add_row(
            pack.id,
            pack.version,
            pack.jurisdiction,
            str(sum(1 for _ in pack.all_rules())),
            str(len(pack.parameters)),
            ", ".join(sorted(pack.profiles)) or "-",
        )
    Console().print(table)


@packs.command("show")
@click.argument("pack_id")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--profile", default=None, help="Show the pack with a profile's parameters applied.")
def packs_show(pack_id: str, lang: str, profile: str | None) -> None:
    """Print a pack as a lawyer reads it: rules, parameters with their dated values, citations."""
    click.echo(evaluation.pack_text(pack_id, lang, profile), nl=False)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err.print("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SealkeeperError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:
        click.echo(f"internal error ({type(exc).__name__}); please report it with the command you ran", err=True)
        sys.exit(70)
