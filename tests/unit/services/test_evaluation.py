"""The evaluation service: the automatic scan decides every pack set-based, exactly as `evaluate` decides it."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.record import Bundle
from sealkeeper.rules.engine import evaluate_person
from sealkeeper.rules.pack import Pack
from sealkeeper.services.evaluation import Item, evaluate_items, scan

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rules"))  # the pack tests' strategies
import foreign_strategies as fs

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples.json"
PACKS = ["CN", *fs.FOREIGN]


def examples(pack_id: str) -> list[dict[str, Any]]:
    return [b for b in json.loads(EXAMPLES.read_text("utf-8")) if b["jurisdiction"] == pack_id]


def scanned(pack: Pack, bundles: list[Bundle], as_of: dt.date) -> dict[tuple[str, str], tuple[Any, ...]]:
    """(bundle id, record id) -> status, date and the chain of rule ids, from the scan's answer."""
    out = {}
    for row in scan(bundles, pack, as_of, lambda: 0.0).decisions.iter_rows(named=True):
        path = tuple(r.id for r in pack.path_to(row.get("base") or row["rule"])) + tuple(row.get("via") or ())
        assert path[-1] == row["rule"]
        out[(row["pid"], row["rid"])] = (row["status"], row["date"], path)
    return out


def evaluated(pack: Pack, bundles: list[Bundle], as_of: dt.date) -> dict[tuple[str, str], tuple[Any, ...]]:
    """The same from the single-record engine `sealkeeper evaluate` uses."""
    return {
        (b.id, rid): (d.status.value, d.date, d.rules)
        for b in bundles
        for rid, d in evaluate_person(pack, b, as_of).items()
    }


@pytest.mark.parametrize("pack_id", PACKS)
def test_scan_gives_the_decisions_of_evaluate_on_the_worked_examples(pack_id: str) -> None:
    pack, raws = load_pack(pack_id), examples(pack_id)
    assert raws
    items = [Item(position=i, bundle=parse_bundle(b), error=None) for i, b in enumerate(raws)]
    answers = {r["id"]: r for r in evaluate_items(items, None, "en")}
    for raw in raws:
        bundle = parse_bundle(raw)
        records = scanned(pack, [bundle], bundle.as_of)
        assert records == evaluated(pack, [bundle], bundle.as_of), bundle.id
        # what `sealkeeper evaluate` prints for the bundle is the scan's decision on its target record
        target = bundle.target.event_id if bundle.target and bundle.target.event_id else None
        (status, date, path), *rest = [v for (b, r), v in records.items() if target in (None, r)]
        assert not rest, bundle.id
        answer = answers[bundle.id]
        assert (status, date.isoformat() if date else None) == (answer["status"], answer["date"]), bundle.id
        assert [r["rule"] for r in answer["reasons"]] == list(path), bundle.id
        assert (answer["status"], answer["date"]) == (raw["expected"]["status"], raw["expected"]["date"])


@pytest.mark.parametrize("pack_id", fs.FOREIGN)
def test_scan_of_all_the_examples_of_a_pack_at_once(pack_id: str) -> None:
    # one population, one as_of: the records of several people decided together are those decided alone
    pack = load_pack(pack_id)
    bundles = [parse_bundle(b) for b in examples(pack_id)]
    as_of = max(b.as_of for b in bundles)
    result = scan(bundles, pack, as_of, lambda: 0.0)
    assert (result.people, result.records) == (len(bundles), sum(len(b.records()) for b in bundles))
    assert scanned(pack, bundles, as_of) == evaluated(pack, bundles, as_of)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), as_of=fs.as_of_days())
@pytest.mark.parametrize("pack_id", fs.FOREIGN)
def test_scan_gives_the_decisions_of_evaluate_on_random_records(
    pack_id: str, data: st.DataObject, as_of: dt.date
) -> None:
    pack = load_pack(pack_id)
    bundles = data.draw(fs.populations(pack_id))
    assert scanned(pack, bundles, as_of) == evaluated(pack, bundles, as_of)


def test_scan_only_takes_the_packs_jurisdiction() -> None:
    bundles = [parse_bundle(b) for b in json.loads(EXAMPLES.read_text("utf-8"))]
    result = scan(bundles, load_pack("JP"), dt.date(2026, 6, 30), lambda: 0.0)
    assert result.people == len(examples("JP"))


def test_scan_leaves_out_a_bundle_whose_channel_the_pack_lacks_and_decides_the_others() -> None:
    bad, good = examples("DE")[:2]
    bad["target"] = {"channel": "roa"}
    result = scan([parse_bundle(bad), parse_bundle(good)], load_pack("DE"), dt.date(2025, 1, 1), lambda: 0.0)
    assert result.people == 1
    assert len(result.rejected) == 1
    assert result.rejected[0].bundle_id == bad["id"]
    assert result.rejected[0].field == "target.channel"


def test_scan_decides_cn_records() -> None:
    bundles = [parse_bundle(b) for b in examples("CN")]
    result = scan(bundles, load_pack("CN"), dt.date(2026, 6, 30), lambda: 0.0)
    assert result.records == sum(len(b.records()) for b in bundles)
    assert set(result.decisions.columns) == {"pid", "rid", "status", "date", "rule"}


def test_evaluate_reports_a_channel_the_pack_lacks_for_that_bundle_and_goes_on() -> None:
    raws = examples("DE")[:2]
    raws[0]["target"] = {"channel": "roa"}
    items = [Item(position=i, bundle=parse_bundle(b), error=None) for i, b in enumerate(raws)]
    bad, good = evaluate_items(items, None, "en")
    assert (bad["id"], bad["status"], bad["field"]) == ("DE-01", "error", "target.channel")
    assert "roa" in bad["message"]
    assert (good["status"], good["date"]) == (raws[1]["expected"]["status"], raws[1]["expected"]["date"])
