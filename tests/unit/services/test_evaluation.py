"""The evaluation service: the scan refuses, with a clear error, packs the set-based path does not cover."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.errors import PackError
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.services.evaluation import scan

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples.json"


@pytest.mark.parametrize("pack_id", ["DE", "UK-EW", "JP", "US-PA", "US-MI"])
def test_scan_refuses_packs_with_person_level_stages(pack_id: str) -> None:
    bundles = [parse_bundle(b) for b in json.loads(EXAMPLES.read_text("utf-8")) if b["jurisdiction"] == pack_id]
    with pytest.raises(PackError, match="sealkeeper evaluate"):
        scan(bundles, load_pack(pack_id), dt.date(2025, 1, 1), lambda: 0.0)


def test_scan_decides_cn_records() -> None:
    bundles = [parse_bundle(b) for b in json.loads(EXAMPLES.read_text("utf-8")) if b["jurisdiction"] == "CN"]
    result = scan(bundles, load_pack("CN"), dt.date(2026, 6, 30), lambda: 0.0)
    assert result.records == sum(len(b.records()) for b in bundles)
