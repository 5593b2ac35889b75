"""Reading files of record bundles: JSON arrays and JSON Lines, one error item per broken bundle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sealkeeper.adapters.bundle_files import Item, iter_items, read_bundles
from sealkeeper.errors import SourceError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def bundle(number: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"CN-{number:02d}",
        "jurisdiction": "CN",
        "as_of": "2025-01-01",
        "person": {"birth_date": "2006-05-10"},
        "events": [
            {
                "id": "e1",
                "type": "offense",
                "date": "2023-08-01",
                "offense": {"name": "盗窃罪", "statute": "刑法第264条"},
            },
            {
                "id": "e2",
                "type": "conviction",
                "date": "2023-12-15",
                "offense_ids": ["e1"],
                "sentence": {"kind": "fixed_term", "months": 12},
            },
        ],
        **extra,
    }


def broken_bundle(number: int) -> dict[str, Any]:
    """Valid JSON, broken format: the conviction names an offense that is not there."""
    obj = bundle(number)
    obj["events"][1]["offense_ids"] = ["e9"]
    return obj


def jsonl(*objs: object) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)


def ids(items: list[Item]) -> list[str | None]:
    return [i.bundle.id if i.bundle else None for i in items]


# --------------------------------------------------------------------------- iter_items


def test_json_array() -> None:
    text = json.dumps([bundle(1), bundle(2), bundle(3)], ensure_ascii=False, indent=2)
    items = list(iter_items(text, "mem.json"))
    assert ids(items) == ["CN-01", "CN-02", "CN-03"]
    assert all(i.error is None for i in items)
    starts = [n for n, line in enumerate(text.split("\n"), start=1) if line == "  {"]
    assert [i.position for i in items] == starts, "each bundle is reported at the line it starts on"


def test_json_array_with_leading_whitespace() -> None:
    items = list(iter_items("\n\n  " + json.dumps([bundle(1)]), "mem.json"))
    assert ids(items) == ["CN-01"]


def test_empty_json_array() -> None:
    assert list(iter_items("[]", "mem.json")) == []


def test_json_lines() -> None:
    items = list(iter_items(jsonl(bundle(1), bundle(2)), "mem.jsonl"))
    assert ids(items) == ["CN-01", "CN-02"]
    assert [i.position for i in items] == [1, 2]


def test_json_lines_without_final_newline() -> None:
    items = list(iter_items(jsonl(bundle(1), bundle(2)).rstrip("\n"), "mem.jsonl"))
    assert ids(items) == ["CN-01", "CN-02"]


def test_json_lines_with_crlf() -> None:
    items = list(iter_items(jsonl(bundle(1), bundle(2)).replace("\n", "\r\n"), "mem.jsonl"))
    assert ids(items) == ["CN-01", "CN-02"]


def test_blank_lines_are_skipped_and_positions_are_line_numbers() -> None:
    text = "\n" + json.dumps(bundle(1)) + "\n   \n\t\n" + json.dumps(bundle(2)) + "\n\n"
    items = list(iter_items(text, "mem.jsonl"))
    assert ids(items) == ["CN-01", "CN-02"]
    assert [i.position for i in items] == [2, 5]


def test_empty_and_blank_texts_give_nothing() -> None:
    assert list(iter_items("", "mem.jsonl")) == []
    assert list(iter_items("\n  \n\n", "mem.jsonl")) == []


def test_broken_json_line_gives_an_error_item_naming_the_line() -> None:
    text = json.dumps(bundle(1)) + "\n" + '{"id": "CN-02", "jurisdiction": ' + "\n" + json.dumps(bundle(3)) + "\n"
    items = list(iter_items(text, "mem.jsonl"))
    assert ids(items) == ["CN-01", None, "CN-03"]
    bad = items[1]
    assert bad.position == 2
    assert bad.bundle is None
    assert bad.error is not None
    assert bad.error.field == "line 2"
    assert bad.error.bundle_id is None
    assert "line 2" in str(bad.error)
    assert items[0].error is None
    assert items[2].error is None


def test_several_broken_lines_each_named() -> None:
    text = "{\n" + json.dumps(bundle(1)) + "\nnot json\n\n[1,\n"
    items = list(iter_items(text, "mem.jsonl"))
    assert [i.error.field if i.error else None for i in items] == ["line 1", None, "line 3", "line 5"]


def test_format_error_in_a_json_line_names_the_bundle() -> None:
    items = list(iter_items(jsonl(bundle(1), broken_bundle(2), bundle(3)), "mem.jsonl"))
    assert ids(items) == ["CN-01", None, "CN-03"]
    error = items[1].error
    assert error is not None
    assert (error.bundle_id, error.field) == ("CN-02", "events[1].offense_ids[0]")
    assert items[1].position == 2


def test_format_error_in_a_json_array_keeps_the_rest() -> None:
    text = json.dumps([bundle(1), broken_bundle(2), 17, bundle(4)])
    items = list(iter_items(text, "mem.json"))
    assert ids(items) == ["CN-01", None, None, "CN-04"]
    assert items[1].error is not None
    assert items[1].error.bundle_id == "CN-02"
    assert items[2].error is not None
    assert items[2].error.field == "(bundle)"


def test_json_line_that_is_not_an_object() -> None:
    items = list(iter_items(jsonl(bundle(1), [bundle(2)], "CN-03"), "mem.jsonl"))
    assert ids(items) == ["CN-01", None, None]
    assert [i.error.field for i in items[1:] if i.error] == ["(bundle)", "(bundle)"]


def test_broken_json_array_raises_source_error_with_the_line() -> None:
    text = "[\n" + json.dumps(bundle(1)) + ",\n" + json.dumps(bundle(2)) + ",\n  {oops}\n]\n"
    with pytest.raises(SourceError) as info:
        list(iter_items(text, "cases.json"))
    assert info.value.source == "cases.json"
    assert info.value.line == 4
    assert str(info.value).startswith("cases.json:4: ")


def test_truncated_json_array_raises_source_error() -> None:
    text = json.dumps([bundle(1), bundle(2)], indent=2)[:-5]
    with pytest.raises(SourceError) as info:
        list(iter_items(text, "cases.json"))
    assert info.value.line is not None
    assert info.value.line >= 1


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"], ids=["LS", "PS", "NEL"])
def test_json_line_with_unicode_line_separator_in_a_string(separator: str) -> None:
    text = jsonl(bundle(1, note=f"first{separator}second"), bundle(2))
    items = list(iter_items(text, "mem.jsonl"))
    assert ids(items) == ["CN-01", "CN-02"]
    assert [i.position for i in items] == [1, 2]


# --------------------------------------------------------------------------- read_bundles


def test_read_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([bundle(1), bundle(2)], ensure_ascii=False, indent=2), encoding="utf-8")
    assert ids(list(read_bundles(path))) == ["CN-01", "CN-02"]


def test_read_json_lines_file(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(jsonl(bundle(1), broken_bundle(2), bundle(3)), encoding="utf-8")
    items = list(read_bundles(path))
    assert ids(items) == ["CN-01", None, "CN-03"]


def test_read_the_cn_fixture() -> None:
    items = list(read_bundles(FIXTURES / "cn_examples.json"))
    assert items
    assert all(i.error is None for i in items)
    assert all(i.bundle is not None and i.bundle.jurisdiction == "CN" for i in items)


def test_broken_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "cases.json"
    path.write_text('[\n  {"id": "CN-01"},\n  {"id": \n]\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        list(read_bundles(path))
    assert info.value.source == str(path)
    assert info.value.line == 4


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(SourceError) as info:
        list(read_bundles(path))
    assert info.value.source == str(path)
    assert info.value.line is None
    assert "no such file" in str(info.value)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        list(read_bundles(tmp_path))
    assert info.value.source == str(tmp_path)


@pytest.mark.parametrize(
    "raw",
    [
        b'[{"id": "CN-01", "note": "\xff"}]',
        '[{"id": "CN-01", "note": "盗窃"}]'.encode("gb18030"),
        json.dumps([bundle(1)]).encode("utf-16"),
    ],
    ids=["0xff", "gb18030", "utf-16"],
)
def test_non_utf8_bytes(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "cases.json"
    path.write_bytes(raw)
    with pytest.raises(SourceError) as info:
        list(read_bundles(path))
    assert info.value.source == str(path)
    assert "UTF-8" in str(info.value)


def test_a_broken_entry_of_an_array_is_reported_at_its_line() -> None:
    broken = bundle(2)
    del broken["as_of"]
    text = json.dumps([bundle(1), broken], ensure_ascii=False, indent=2)
    second = [n for n, line in enumerate(text.split("\n"), start=1) if line == "  {"][1]
    bad = list(iter_items(text, "mem.json"))[1]
    assert bad.error is not None
    assert bad.position == second


def test_text_after_the_array_is_refused_with_its_line() -> None:
    with pytest.raises(SourceError, match=r"mem.json:2: not valid JSON"):
        list(iter_items('[{"id": "CN-01"}]\n{"id": "CN-02"}', "mem.json"))
