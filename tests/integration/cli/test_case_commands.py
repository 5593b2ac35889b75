"""`sealkeeper queue` and `sealkeeper case …` act as the account of SEALKEEPER_TOKEN, through the same policy."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import person_bundle, write_jsonl

from sealkeeper.cli.main import cli
from sealkeeper.config import Settings
from sealkeeper.services import accounts, sealing_runs
from sealkeeper.services.importing import import_file


def token_for(home: Settings, role: str) -> str:
    now = dt.datetime.now(dt.UTC)
    accounts.create_account(home, accounts.LOCAL_OPERATOR, role, [role], now, jurisdictions=["CN"])
    return accounts.issue_api_token(home, accounts.LOCAL_OPERATOR, role, "cli", now, dt.timedelta(days=1)).token


def test_queue_and_case_commands_act_as_the_token(cli_runner: CliRunner, home: Settings, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    today = dt.date.today()  # noqa: DTZ011 - the CLI dates by the machine's clock
    bundle = person_bundle(1)
    bundle["as_of"] = today.isoformat()
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [bundle]), today, today)
    sealing_runs.run(home, today, dt.datetime.now().astimezone())
    refused = cli_runner.invoke(cli, ["queue"])
    assert refused.exit_code == 2
    assert "SEALKEEPER_TOKEN" in refused.output
    monkeypatch.setenv("SEALKEEPER_TOKEN", token_for(home, "administrator"))
    denied = cli_runner.invoke(cli, ["queue"])
    assert denied.exit_code == 1
    assert "may not view queue" in str(denied.exception)  # main() prints it as "error: …" (and it is logged)
    monkeypatch.setenv("SEALKEEPER_TOKEN", token_for(home, "clerk"))
    listed = cli_runner.invoke(cli, ["queue"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output) == []
    missing = cli_runner.invoke(cli, ["case", "show", "SE-0000000000000000"])
    assert missing.exit_code == 2
    assert "no case" in missing.output
    bad = cli_runner.invoke(cli, ["case", "step", "SE-0000000000000000", "Decide", "--json", "[1]"])
    assert bad.exit_code == 2
    assert "JSON object" in bad.output


def test_the_higher_authority_lists_its_referred_complaints(cli_runner: CliRunner, home: Settings,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("SEALKEEPER_TOKEN", token_for(home, "higher_authority"))
    listed = cli_runner.invoke(cli, ["queue", "--referred"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output) == []
    denied = cli_runner.invoke(cli, ["queue"])  # the staff's work queue is not its own
    assert denied.exit_code == 1
    monkeypatch.setenv("SEALKEEPER_TOKEN", token_for(home, "clerk"))
    assert cli_runner.invoke(cli, ["queue", "--referred"]).exit_code == 1
