"""Commands of the record store: init, import, person, delete, keys, backup, restore.

The settings object is built once per process, on the first command that needs it. Dates default to today
here, at the entry point; the services take every date as a parameter.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console

from sealkeeper.cli.case_commands import print_run, run_sealing
from sealkeeper.cli.context import day_option, settings, today
from sealkeeper.services import backup as backup_service
from sealkeeper.services import records
from sealkeeper.services.importing import import_file

err = Console(stderr=True)


@click.command()
@click.option("--suite", type=click.Choice(["intl", "gm"]), help="cipher suite (default intl; gm = SM4/SM3)")
@click.option("--key-provider", type=click.Choice(["keyfile", "pkcs11"]), help="where the key-encryption key lives")
@click.option(
    "--recover", is_flag=True, help="a new database under the key file already in the home, to restore a backup into"
)
def init(suite: str | None, key_provider: str | None, recover: bool) -> None:
    """Create the home, the database and the keys (SEALKEEPER_HOME; default: the user data folder)."""
    chosen = settings()
    changes = {k: v for k, v in (("suite", suite), ("key_provider", key_provider)) if v}
    report = records.init_home(chosen.with_overrides(**changes) if changes else chosen, recover=recover)
    click.echo(f"home:        {report.home}")
    click.echo(f"database:    {report.database}")
    click.echo(f"cipher suite: {report.suite}")
    click.echo(f"keys:        {report.key_provider} ({report.key_location})")
    if report.key_provider == "keyfile":
        click.echo(
            "Keep a copy of the key file somewhere safe and apart from the database: without it nothing can be read."
        )


@click.command()
def migrate() -> None:
    """Bring the home's database to this version's schema (idempotent; the change is logged in the ledger)."""
    before, after = records.migrate_home(settings())
    click.echo(f"schema {after}" + ("" if before == after else f" (was {before})"))


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--as-of", "as_of", callback=day_option, help="the day the decisions are taken on (default: today)")
@click.option(
    "--texts",
    type=click.Path(path_type=Path, dir_okay=False),
    help="judgment texts (JSON Lines: bundle, record, text): the reader proposes their facts for review",
)
@click.option("--reader-model", help="the reader model version for --texts (v1, v2, …; default: the latest)")
def import_command(file: Path, as_of: dt.date, texts: Path | None, reader_model: str | None) -> None:
    """Import record bundles (JSON, JSON Lines or CSV): all of the file or nothing."""
    attach = None
    if texts is not None:  # read and checked, with the model, before anything is imported
        from sealkeeper.cli.reader_commands import prepare_proposals  # noqa: PLC0415 - numpy/sklearn only if asked

        attach = prepare_proposals(texts, reader_model)
    report = import_file(settings(), file, as_of, today(), progress=lambda stage: err.print(f"{stage} …"))
    if report.already_imported:
        click.echo(f"{file}: {report.bundles} bundles, all already imported; nothing changed")
    else:
        click.echo(
            f"{file}: {report.bundles} bundles, {report.written} written ({report.new_people} new people), "
            f"{report.unchanged} unchanged"
        )
    for status, n in sorted(report.statuses.items()):
        click.echo(f"  {status}: {n}")
    if not report.already_imported:  # ex officio: sealed on import, not the next day (the daily run catches up
        print_run(run_sealing(today()))  # on anything an interrupted import-and-run left undone)
    if attach is not None:
        attach()


@click.command()
@click.option("--id-number", help="look the person up by resident ID number (through the blind index)")
@click.option("--token", help="the person's subject token")
def person(id_number: str | None, token: str | None) -> None:
    """Show a person's identity, records and decisions."""
    if bool(id_number) == bool(token):
        raise click.UsageError("give exactly one of --id-number or --token")
    if id_number:
        token = records.find_subject(settings(), id_number)
        if token is None:
            raise click.ClickException("no person with that ID number")
    assert token is not None  # noqa: S101 - one of the two was given
    click.echo(records.as_json(records.person_view(settings(), token)))


@click.command()
@click.argument("token")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def delete(token: str, yes: bool) -> None:
    """Delete a person by destroying their data key (PIPL Art. 47): unreadable everywhere, backups included."""
    if not yes:
        click.confirm(f"Destroy the data key of {token}? This cannot be undone", abort=True)
    click.echo(records.as_json(records.delete_subject(settings(), token, today())))


@click.group()
def keys() -> None:
    """Key-encryption keys: status and rotation."""


@keys.command("status")
def keys_status() -> None:
    """The suite, the provider, the KEKs and how many data keys each wraps."""
    click.echo(records.as_json(records.status(settings())))


@keys.command("rotate")
@click.option("--retire-old", is_flag=True, help="destroy the previous KEKs once nothing is wrapped under them")
def keys_rotate(retire_old: bool) -> None:
    """Make a new KEK and re-wrap every data key under it, in small transactions (no downtime)."""
    click.echo(records.as_json(records.rotate_keys(settings(), retire=retire_old)))


@click.command()
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
def backup(out: Path) -> None:
    """An encrypted, consistent backup, taken while the service runs."""
    click.echo(records.as_json(backup_service.backup(settings(), out, today())))


@click.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def restore(path: Path, yes: bool) -> None:
    """Verify a backup completely, then replace the store's records with it (deletions since then stay)."""
    if not yes:
        click.confirm(
            "Replace the store's records with this backup? People imported after it was taken lose their data "
            "for good (backups hold no data keys)",
            abort=True,
        )
    click.echo(records.as_json(backup_service.restore(settings(), path)))
