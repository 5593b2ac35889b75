"""The accounts commands on a real home: the printed password, TOTP secret and API token work, once."""

from __future__ import annotations

import datetime as dt
import re

from click.testing import CliRunner

from sealkeeper.cli.main import cli
from sealkeeper.config import Settings
from sealkeeper.services import account_secrets as secret
from sealkeeper.services.sign_in import authenticate_api_token, login


def field(output: str, name: str) -> str:
    found = re.search(rf"^{name}:\s+(\S+)$", output, re.MULTILINE)
    assert found is not None, f"{name} not printed"
    return found.group(1)


def test_the_first_administrator_and_a_clerk_with_a_token(cli_runner: CliRunner, home: Settings) -> None:
    admin = cli_runner.invoke(cli, ["accounts", "add", "--username", "admin.01", "--role", "administrator"])
    assert admin.exit_code == 0, admin.output
    added = cli_runner.invoke(
        cli, ["accounts", "add", "--username", "clerk.01", "--role", "clerk", "--jurisdiction", "CN"]
    )
    assert added.exit_code == 0, added.output
    password, totp = field(added.output, "password"), field(added.output, "TOTP secret")
    assert f"secret={totp}" in field(added.output, "TOTP URI")
    at = dt.datetime.now(dt.UTC)
    assert login(home, "clerk.01", password, secret.totp_code(totp, at), at).ok
    issued = cli_runner.invoke(cli, ["accounts", "token", "--username", "clerk.01", "--name", "script", "--days", "2"])
    assert issued.exit_code == 0, issued.output
    seen = authenticate_api_token(home, field(issued.output, "token"), at)
    assert seen.account is not None
    assert seen.account.id == field(added.output, "account")
    listed = cli_runner.invoke(cli, ["accounts", "list"])
    assert "clerk.01" in listed.output
    assert password not in listed.output


def test_unlock_of_an_unknown_account_is_a_clear_error(cli_runner: CliRunner) -> None:
    result = cli_runner.invoke(cli, ["accounts", "unlock", "nobody"])
    assert result.exit_code != 0
    assert "no account with username 'nobody'" in str(result.exception)
