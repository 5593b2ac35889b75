"""CSV bundles: one row per event, dotted columns; the same Bundle as the JSON form; errors name line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sealkeeper.adapters.bundle_csv import bundles_to_csv, iter_csv_items
from sealkeeper.adapters.bundle_files import iter_items
from sealkeeper.errors import SourceError

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples.json"


def test_every_shared_example_reads_the_same_from_csv_and_json() -> None:
    examples = json.loads(EXAMPLES.read_text("utf-8"))
    for example in examples:
        example.pop("expected", None)
        example.pop("interpretive", None)
        for event in example["events"]:
            event.pop("note", None)
        if example.get("target"):
            example["target"].pop("note", None)
    from_json = [i.bundle for i in iter_items(json.dumps(examples), "x.json")]
    from_csv = [i.bundle for i in iter_csv_items(bundles_to_csv(examples), "x.csv")]
    assert len(from_csv) == len(examples)
    assert from_csv == from_json


def test_a_bad_cell_names_the_line_and_column() -> None:
    text = (
        "id,jurisdiction,as_of,person.birth_date,event.id,event.type,event.date,event.sentence.months\n"
        "CN-01,CN,2026-01-01,1990-01-01,e1,conviction,2020-01-01,three\n"
    )
    (item,) = list(iter_csv_items(text, "in.csv"))
    assert item.error is not None
    assert item.error.field == "line 2: event.sentence.months"
    assert "must be a number" in str(item.error)


def test_bundle_columns_must_agree_on_every_row() -> None:
    text = (
        "id,jurisdiction,as_of,person.birth_date,event.id,event.type,event.date\n"
        "CN-01,CN,2026-01-01,1990-01-01,e1,admin_penalty,2020-01-01\n"
        "CN-01,CN,2026-01-01,1991-01-01,e2,admin_penalty,2020-02-01\n"
    )
    (item,) = list(iter_csv_items(text, "in.csv"))
    assert item.error is not None
    assert item.error.field == "line 3: person.birth_date"


@pytest.mark.parametrize(
    ("header", "message"), [("jurisdiction,as_of", "no `id` column"), ("id,colour", "unknown column")]
)
def test_a_bad_header_refuses_the_file(header: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        list(iter_csv_items(header + "\n", "in.csv"))


def test_a_row_with_a_line_break_in_a_cell_is_reported_at_its_first_line() -> None:
    text = (
        "id,jurisdiction,as_of,person.birth_date,event.id,event.type,event.date,event.note\n"
        'CN-01,CN,2026-01-01,1990-01-01,e1,admin_penalty,2020-01-01,"two\nlines"\n'
        "CN-02,CN,2026-01-01,1990-01-01,e1,admin_penalty,2020-02-01,x\n"
    )
    assert [i.position for i in iter_csv_items(text, "in.csv")] == [2, 4]
