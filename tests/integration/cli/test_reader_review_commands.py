"""`sealkeeper reader review` and `reader apply` act as the account of SEALKEEPER_TOKEN: show the proposal, review
one fact, and put the reviewed facts in the record (a new version, decided again)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from reader_setup import JUVENILE_BIRTH, case_with_proposal, juvenile_judgment
from test_case_commands import token_for

from sealkeeper.cli.main import cli
from sealkeeper.config import Settings


def test_the_clerk_reviews_and_applies_from_the_command_line(cli_runner: CliRunner, home: Settings, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    case_id = case_with_proposal(home, tmp_path, juvenile_judgment(), dt.datetime.now().astimezone())
    monkeypatch.setenv("SEALKEEPER_TOKEN", token_for(home, "clerk"))
    shown = cli_runner.invoke(cli, ["reader", "review", case_id])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["outstanding"][-2:] == ["birth_date", "juvenile"]
    usage = cli_runner.invoke(cli, ["reader", "review", case_id, "--fact", "birth_date"])
    assert usage.exit_code == 2
    assert "one of --confirm, --reject or --correct" in usage.output
    refused = cli_runner.invoke(cli, ["reader", "review", case_id, "--fact", "birth_date", "--confirm"])
    assert "differs from the record" in str(refused.exception)
    for fact, value in (("birth_date", JUVENILE_BIRTH), ("juvenile", "true")):
        done = cli_runner.invoke(cli, ["reader", "review", case_id, "--fact", fact, "--correct", value])
        assert done.exit_code == 0, done.output
        assert json.loads(done.output)["verdict"] == "correct"
    applied = cli_runner.invoke(cli, ["reader", "apply", case_id, "--confirm-rest"])
    assert applied.exit_code == 0, applied.output
    assert json.loads(applied.output) == {"state": "confirmed", "bundle_version": 2, "changed": ["birth_date"]}
