"""Commands of accounts: add, list, unlock, token, revoke-token.

They act as the holder of the home (``services.accounts.LOCAL_OPERATOR``): whoever can run them here can read
the home's key file and database, so local file access is the root of trust; that is how the first
administrator is made. Every command is still decided by the access policy and logged in the ledger.
Passwords, TOTP secrets and API tokens are printed once and never stored in the clear.
"""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console
from rich.table import Table

from sealkeeper.access import AccessRole
from sealkeeper.cli.context import now, settings
from sealkeeper.services import accounts as service


@click.group()
def accounts() -> None:
    """Accounts of staff, systems and data subjects (run on the machine that holds the home)."""


@accounts.command()
@click.option("--username", required=True, help="a staff id, a system's name, or a data subject's chosen name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([str(r) for r in AccessRole]))
@click.option("--subject", default="", help="the person's subject token (data_subject accounts only)")
@click.option("--jurisdiction", "jurisdictions", multiple=True, help="a jurisdiction whose records it works on")
def add(username: str, roles: tuple[str, ...], subject: str, jurisdictions: tuple[str, ...]) -> None:
    """Create an account and print its password and TOTP secret once.

    Bootstrapping: the first administrator is made with `sealkeeper accounts add --username U --role
    administrator`, run by whoever holds the home on this machine (local access to the key file and database
    is the root of trust). `sealkeeper init` makes no account.
    """
    new = service.create_account(settings(), service.LOCAL_OPERATOR, username, roles, now(),
                                 subject=subject, jurisdictions=jurisdictions)  # fmt: skip
    click.echo(f"account:     {new.account.id}")
    click.echo(f"username:    {new.username}")
    click.echo(f"roles:       {', '.join(sorted(new.account.roles))}")
    click.echo(f"password:    {new.password}")
    click.echo(f"TOTP secret: {new.totp_secret}")
    click.echo(f"TOTP URI:    {new.totp_uri}")
    click.echo("These are shown once and stored only hashed or encrypted: hand them over now.")


@accounts.command("list")
def list_command() -> None:
    """List the accounts (no secrets): username, id, roles, jurisdictions, state."""
    table = Table("username", "id", "roles", "jurisdictions", "state", "created")
    at = now()
    for info in service.list_accounts(settings(), service.LOCAL_OPERATOR, at):
        state = "disabled" if info.disabled else "active"
        if info.locked_until is not None and info.locked_until > at:
            state += f", locked until {info.locked_until.isoformat(timespec='seconds')}"
        table.add_row(info.username, info.id, ", ".join(info.roles), ", ".join(info.jurisdictions), state,
                      info.created.date().isoformat())  # fmt: skip
    Console().print(table)


@accounts.command()
@click.argument("username")
def unlock(username: str) -> None:
    """Lift the lock of an account locked after failed sign-ins."""
    account = service.unlock(settings(), service.LOCAL_OPERATOR, username, now())
    click.echo(f"{username} ({account}) unlocked")


@accounts.command()
@click.option("--username", required=True, help="the account the token acts as")
@click.option("--name", required=True, help="what the token is for, e.g. court-gateway")
@click.option("--days", type=click.IntRange(min=1, max=3650), default=365, show_default=True)
def token(username: str, name: str, days: int) -> None:
    """Issue an API token for system-to-system calls and print it once."""
    issued = service.issue_api_token(settings(), service.LOCAL_OPERATOR, username, name, now(), dt.timedelta(days=days))
    click.echo(f"token id: {issued.id}")
    click.echo(f"expires:  {issued.expires.isoformat(timespec='seconds')}")
    click.echo(f"token:    {issued.token}")
    click.echo("The token is shown once and stored only as its SHA-256: hand it over now.")


@accounts.command("revoke-token")
@click.argument("token_id")
def revoke_token(token_id: str) -> None:
    """Revoke an API token by its id."""
    service.revoke_api_token(settings(), service.LOCAL_OPERATOR, token_id, now())
    click.echo(f"{token_id} revoked")
