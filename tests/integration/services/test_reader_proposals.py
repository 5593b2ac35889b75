"""Proposals on import: checked before anything is written, stored encrypted as needs_review, in the ledger,
never read by the engine; a file naming an unknown bundle or record attaches nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import person_bundle, write_jsonl
from reader_setup import theft_judgment, train_small, write_texts

from sealkeeper.cli.main import cli
from sealkeeper.config import Settings
from sealkeeper.errors import ImportRejectedError
from sealkeeper.reader.card import ReaderModelError
from sealkeeper.services import reader_models, reader_proposals
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.store.reader_tables import reader_proposals as table
from sealkeeper.store.tables import decisions

DAY = dt.date(2026, 6, 30)


def _rows(home: Settings) -> list[sa.Row[tuple[object, ...]]]:
    with open_store(home).connect() as conn:
        return list(conn.execute(sa.select(table)))


def test_import_with_texts_attaches_encrypted_proposals_for_review(
    home: Settings, cli_runner: CliRunner, tmp_path: Path
) -> None:
    version = train_small(home)
    bundles = write_jsonl(tmp_path / "b.jsonl", [person_bundle(1), person_bundle(2)])
    rows = [
        {"bundle": "IT-0001", "text": theft_judgment()},
        {"bundle": "IT-0002", "record": "e2", "text": theft_judgment(1)},
    ]
    texts = write_texts(tmp_path / "t.jsonl", rows)
    result = cli_runner.invoke(cli, ["import", str(bundles), "--as-of", DAY.isoformat(), "--texts", str(texts),
                                     "--reader-model", f"v{version}"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 proposals by reader model v1 await review (needs_review)" in result.output
    stored = _rows(home)
    assert sorted((r.bundle_id, r.record_id, r.state, r.model_version) for r in stored) == [
        ("IT-0001", "e2", "needs_review", 1), ("IT-0002", "e2", "needs_review", 1)]  # fmt: skip
    for row in stored:  # personal data: the proposal is ciphertext, and the text is not kept
        assert "盗窃".encode() not in row.body
        assert b"theft" not in row.body
    with open_store(home).connect() as conn:
        logged = [e.decode() for e in conn.execute(sa.select(ledger_entries.c.data)).scalars()]
    assert sum('"type":"reader.proposed"' in e for e in logged) == 2
    assert not any("盗窃" in e or "IT-0001" in e for e in logged if "reader." in e)


def test_the_engine_never_reads_a_proposal(home: Settings, tmp_path: Path) -> None:
    version = train_small(home)
    import_file(home, write_jsonl(tmp_path / "b.jsonl", [person_bundle(1)]), DAY, DAY)
    with open_store(home).connect() as conn:
        before = list(conn.execute(sa.select(decisions)))
    texts = write_texts(tmp_path / "t.jsonl", [{"bundle": "IT-0001", "text": theft_judgment()}])
    model, _ = reader_models.load(home, version)
    items = reader_proposals.read_texts(texts)
    counts = reader_proposals.attach(home, texts, items, model=model, model_version=version, today=DAY)
    assert counts == {"proposed": 1, "kept_decided": 0}
    with open_store(home).connect() as conn:
        assert list(conn.execute(sa.select(decisions))) == before


@pytest.mark.parametrize(
    ("row", "message"),
    [({"bundle": "NOPE", "text": "判决如下"}, "bundle: no bundle NOPE"),
     ({"bundle": "IT-0001", "record": "e9", "text": "判决如下"}, "record: bundle IT-0001 has no event e9"),
     ({"bundle": "IT-0001"}, "text: must be a non-empty string")],
)  # fmt: skip
def test_a_bad_texts_file_attaches_nothing(home: Settings, tmp_path: Path, row: dict[str, str], message: str) -> None:
    version = train_small(home)
    import_file(home, write_jsonl(tmp_path / "b.jsonl", [person_bundle(1)]), DAY, DAY)
    texts = write_texts(tmp_path / "t.jsonl", [{"bundle": "IT-0001", "text": theft_judgment()}, row])
    model, _ = reader_models.load(home, version)

    def attach() -> None:
        items = reader_proposals.read_texts(texts)
        reader_proposals.attach(home, texts, items, model=model, model_version=version, today=DAY)

    with pytest.raises(ImportRejectedError, match=message) as caught:
        attach()
    assert ":2: " in str(caught.value)  # the line is named
    assert "判决如下" not in str(caught.value)  # the text is never echoed
    assert _rows(home) == []


def test_a_missing_model_stops_the_import_before_anything_is_written(
    home: Settings, cli_runner: CliRunner, tmp_path: Path
) -> None:
    bundles = write_jsonl(tmp_path / "b.jsonl", [person_bundle(1)])
    texts = write_texts(tmp_path / "t.jsonl", [{"bundle": "IT-0001", "text": theft_judgment()}])
    result = cli_runner.invoke(cli, ["import", str(bundles), "--texts", str(texts), "--reader-model", "v3"])
    assert isinstance(result.exception, ReaderModelError)  # `sealkeeper` prints it as one line, exit status 2
    assert "no reader model v3" in str(result.exception)
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(decisions)).scalar_one() == 0


def test_a_decided_proposal_is_kept_when_texts_come_again(home: Settings, tmp_path: Path) -> None:
    version = train_small(home)
    import_file(home, write_jsonl(tmp_path / "b.jsonl", [person_bundle(1)]), DAY, DAY)
    texts = write_texts(tmp_path / "t.jsonl", [{"bundle": "IT-0001", "text": theft_judgment()}])
    model, _ = reader_models.load(home, version)
    items = reader_proposals.read_texts(texts)
    reader_proposals.attach(home, texts, items, model=model, model_version=version, today=DAY)
    with open_store(home).begin() as conn:
        conn.execute(table.update().values(state="confirmed", decided_by="u-clerk", decided_on=DAY))
    again = reader_proposals.attach(home, texts, items, model=model, model_version=version, today=DAY)
    assert again == {"proposed": 0, "kept_decided": 1}
    assert [r.state for r in _rows(home)] == ["confirmed"]
