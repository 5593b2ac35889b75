"""A record's offence category: the same from a parsed bundle (import) as from its stored facts (the fill of
`sealkeeper migrate`), and the Criminal Law chapter of the first offence a conviction names."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.services import record_categories as rc
from sealkeeper.stats.queries import CATEGORIES
from sealkeeper.synth.population import generate

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rules"))  # the pack tests' strategies
import foreign_strategies as fs

CHAPTER_OF = rc.chapter_reader()
THEFT = {"id": "o", "type": "offense", "date": "2020-01-01", "offense": {"name": "盗窃罪", "statute": "刑法第264条"}}


def stored(raw: dict[str, Any]) -> dict[str, Any]:
    """The facts as the store keeps them: JSON text, decoded."""
    loaded: dict[str, Any] = json.loads(json.dumps(raw, ensure_ascii=False))
    return loaded


def both_ways(raw: dict[str, Any]) -> dict[str, str]:
    bundle = parse_bundle(raw)
    by_bundle = {e.id: rc.of_bundle(bundle, e.id, CHAPTER_OF) for e in bundle.events}
    by_facts = {e["id"]: rc.of_facts(stored(raw), e["id"], CHAPTER_OF) for e in raw["events"]}
    assert by_bundle == by_facts
    assert set(by_bundle.values()) <= set(CATEGORIES)
    return by_bundle


@pytest.mark.parametrize(
    ("event", "category"),
    [
        ({"type": "conviction", "offense_ids": ["o"], "sentence": {"kind": "exempt"}}, "property"),  # chapter 5
        ({"type": "admin_penalty", "offense": {"name": "殴打他人", "statute": "治安管理处罚法"},
          "penalty": {"kind": "detention", "days": 5}},
         "public_security_penalty"),
        ({"type": "non_prosecution", "kind": "discretionary", "offense_ids": ["o"]}, "non_conviction"),
        ({"type": "acquittal", "offense_ids": ["o"]}, "non_conviction"),
    ],
)  # fmt: skip
def test_a_records_category_is_its_criminal_law_chapter(event: dict[str, Any], category: str) -> None:
    raw = {"id": "CN-01", "jurisdiction": "CN", "as_of": "2026-06-30", "person": {"birth_date": "1990-01-01"},
           "events": [THEFT, {"id": "r", "date": "2020-06-01", **event}]}  # fmt: skip
    assert both_ways(raw)["r"] == category
    assert both_ways(raw)["o"] == "unknown", "an offence is no record of its own"


def test_a_conviction_whose_first_offence_cannot_be_read_is_unknown() -> None:
    assert CHAPTER_OF is not None
    assert CHAPTER_OF("刑法第133条之一") == "public_safety"  # 危险驾驶罪
    assert CHAPTER_OF("治安管理处罚法") == "unknown"
    assert CHAPTER_OF("刑法第2条") == "unknown", "the general part is no chapter of offences"
    facts = {"events": [{"id": "r", "type": "conviction", "offense_ids": ["missing"]}]}
    assert rc.of_facts(facts, "r", CHAPTER_OF) == "unknown"
    assert rc.of_facts(facts, "no-such-record", CHAPTER_OF) == "unknown"
    assert rc.of_facts({"events": [{"id": "r", "type": "conviction", "offense_ids": ["o"]}, THEFT]}, "r", None) == (
        "unknown"
    ), "without a catalogue no chapter is read"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_import_and_fill_agree_on_synthetic_cn_populations(seed: int) -> None:
    seen: set[str] = set()
    for raw in generate(40, seed):
        raw.pop("expected", None)
        raw.pop("interpretive", None)
        seen |= set(both_ways(raw).values())
    assert "unknown" in seen  # every bundle has offence events


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), pack_id=st.sampled_from(fs.FOREIGN))
def test_import_and_fill_agree_on_foreign_bundles(data: st.DataObject, pack_id: str) -> None:
    """The CN catalogue reads every bundle's citations, as the statistics always did: a foreign statute
    it cannot parse is "unknown", never an error."""
    both_ways(data.draw(fs.bundles(pack_id, 1)))
