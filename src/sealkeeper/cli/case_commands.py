"""Commands of the procedures: the automatic sealing run, and — as the account of the API token in
SEALKEEPER_TOKEN, through the same services and policy as the HTTP API — the queue and the cases."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click
from rich.console import Console

from sealkeeper.access import Account
from sealkeeper.cli.context import at_on, day_option, now, settings
from sealkeeper.services import sealing_runs

err = Console(stderr=True)


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


def acting_account() -> Account:
    """The account a clerk's or a script's command acts as: the API token in SEALKEEPER_TOKEN."""
    import os  # noqa: PLC0415 - only the acting commands

    from sealkeeper.services import sign_in  # noqa: PLC0415

    token = os.environ.get("SEALKEEPER_TOKEN", "")
    if not token:
        raise click.UsageError("set SEALKEEPER_TOKEN to an API token (`sealkeeper accounts token`): commands act as it")
    found = sign_in.authenticate_api_token(settings(), token, now())
    if not found.ok or found.account is None:
        raise click.UsageError(f"SEALKEEPER_TOKEN is not accepted: {found.check.admission}")
    return found.account


def _body(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise click.BadParameter("not JSON", param_hint="--json") from None
    if not isinstance(value, dict):
        raise click.BadParameter("a JSON object", param_hint="--json")
    return value


def _echo(value: object) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@click.command("queue")
@click.option("--referred", is_flag=True, help="the higher authority's inbox: complaints referred to it (复议)")
def queue_command(referred: bool) -> None:
    """The work queue (open cases with a deadline, overdue first), as the account of SEALKEEPER_TOKEN."""
    from sealkeeper.services import casework, complaints  # noqa: PLC0415

    if referred:
        _echo(complaints.referred_inbox(settings(), acting_account(), now()))
    else:
        _echo(casework.work_queue(settings(), acting_account(), now()))


@click.group()
def case() -> None:
    """Procedure cases, as the account of SEALKEEPER_TOKEN (the same services and policy as the API)."""


@case.command("show")
@click.argument("case_id")
def case_show(case_id: str) -> None:
    from sealkeeper.services import casework  # noqa: PLC0415

    try:
        _echo(casework.case_view(settings(), acting_account(), case_id, now()))
    except casework.CaseNotFoundError:
        raise click.BadParameter(f"no case {case_id}", param_hint="CASE_ID") from None


@case.command("open")
@click.argument("procedure")
@click.option("--json", "text", help='the fields, e.g. {"records": ["SE-…"], "materials": ["M-1"]}')
def case_open(procedure: str, text: str | None) -> None:
    """Open a procedure: application, objection, correction, deletion, complaint or unsealing."""
    from sealkeeper.services import procedure_service  # noqa: PLC0415

    opened = procedure_service.open_case(settings(), acting_account(), procedure, _body(text), now())
    _echo(procedure_service.view(opened))


@case.command("step")
@click.argument("case_id")
@click.argument("command")
@click.option("--json", "text", help='the fields of the command, e.g. {"outcome": "seal", "reasons": [...]}')
def case_step(case_id: str, command: str, text: str | None) -> None:
    """Take a step in a case: ReviewMaterials, Decide, Vote, SendNotice, Withdraw, Escalate…"""
    from sealkeeper.services import procedure_service  # noqa: PLC0415

    moved = procedure_service.take_step(settings(), acting_account(), case_id, command, _body(text), at=now())
    _echo(procedure_service.view(moved))
