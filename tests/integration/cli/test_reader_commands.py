"""`sealkeeper reader train | models | show`: the figures, the saved version and its card."""

from __future__ import annotations

import json

from click.testing import CliRunner

from sealkeeper.cli.reader_commands import reader
from sealkeeper.config import Settings


def test_train_prints_the_figures_and_saves_a_version_whose_card_shows(cli_runner: CliRunner, home: Settings) -> None:
    trained = cli_runner.invoke(reader, ["train", "--agencies", "3", "--per-agency", "80", "--format", "json"])
    assert trained.exit_code == 0, trained.output
    report = json.loads(trained.output)
    assert report["version"] == 1
    assert [row["agency"] for row in report["local"]] == ["agency-1", "agency-2", "agency-3"]
    assert 0 <= report["centralised"]["charge_accuracy"] <= 1
    listed = json.loads(cli_runner.invoke(reader, ["models"]).output)
    assert [row["version"] for row in listed] == [1]
    shown = cli_runner.invoke(reader, ["show", "v1"])
    assert shown.exit_code == 0, shown.output
    card = json.loads(shown.output)
    assert card["metrics"]["centralised"] == report["centralised"]
    assert card["privacy"] is None
    table = cli_runner.invoke(reader, ["train", "--agencies", "2", "--per-agency", "40", "--no-save"])
    assert "centralised" in table.output
    assert "saved as" not in table.output
    assert (home.home / "models" / "reader" / "v2").exists() is False


def test_show_refuses_a_version_that_is_not_one(cli_runner: CliRunner) -> None:
    bad = cli_runner.invoke(reader, ["show", "vx"])
    assert bad.exit_code == 2
    assert "not a model version" in bad.output
