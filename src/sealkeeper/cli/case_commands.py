"""Commands of the procedures: the automatic sealing run and the clerk's queue."""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console

from sealkeeper.cli.context import at_on, settings, today
from sealkeeper.services import sealing_runs

err = Console(stderr=True)


def day_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date:
    if value is None:
        return today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def print_run(summary: sealing_runs.RunSummary) -> None:
    since = f" (last finished run: {summary.last_run})" if summary.last_run else " (first run)"
    click.echo(f"sealing run for {summary.day}{since}: {summary.applied} applied, {summary.skipped} skipped")
    for effect, n in sorted(summary.effects.items()):
        click.echo(f"  {effect}: {n}")


def run_sealing(day: dt.date) -> sealing_runs.RunSummary:
    def progress(summary: sealing_runs.RunSummary) -> None:
        err.print(f"sealing run: {summary.applied} applied, {summary.skipped} skipped …")

    return sealing_runs.run(settings(), day, at_on(day), progress)


@click.command("run")
@click.option("--today", "day", callback=day_option, help="the day to run for (default: today)")
def run_command(day: dt.date) -> None:
    """The daily automatic sealing run: seal what is due, schedule, unseal, and queue questions for clerks.

    Only records whose decision changed and scheduled records whose date has come are looked at; a run that
    was interrupted is carried on by the next one."""
    print_run(run_sealing(day))
