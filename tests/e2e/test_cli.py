"""The installed `sealkeeper` console script, run as a subprocess (what a user sees)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

SEALKEEPER = Path(sys.executable).parent / "sealkeeper"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CN_EXAMPLES = FIXTURES / "cn_examples.json"
ALL_EXAMPLES = FIXTURES / "examples.json"  # a verbatim copy of shared/cases/examples.json
SHARED_EXAMPLES = Path("/work/shared/cases/examples.json")

pytestmark = pytest.mark.skipif(not SEALKEEPER.is_file(), reason=f"console script not installed at {SEALKEEPER}")

DECISION_KEYS = {"id", "status", "date", "reasons", "pack"}
FOREIGN = ("DE", "UK-EW", "JP", "US-PA", "US-MI")
PACK_IDS = ("CN", *FOREIGN)
SCAN_LABELS = {
    "sealed": "sealed",
    "eligible_on": "eligible later",
    "not_sealed": "not eligible",
    "unsealed": "unsealed",
    "needs_review": "needs review",
}


def _env(columns: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR")}
    env.update(COLUMNS=str(columns), NO_COLOR="1", PYTHONIOENCODING="utf-8")
    return env


def start(*args: str | Path, cwd: Path | None = None, columns: int = 200) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
        [str(SEALKEEPER), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=_env(columns),
    )


def finish(proc: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    stdout, stderr = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def cn_bundles() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(CN_EXAMPLES.read_text("utf-8"))
    return loaded


def assert_decision_shape(obj: dict[str, Any]) -> None:
    assert set(obj) == DECISION_KEYS
    assert isinstance(obj["id"], str)
    assert obj["status"] in {"sealed", "eligible_on", "not_sealed", "unsealed", "needs_review"}
    assert obj["date"] is None or isinstance(obj["date"], str)
    assert isinstance(obj["reasons"], list)
    for reason in obj["reasons"]:
        assert set(reason) == {"rule", "text", "citation"}
        assert all(isinstance(v, str) for v in reason.values())
    assert set(obj["pack"]) == {"id", "version"}


def assert_matches_expected(results: list[dict[str, Any]], bundles: list[dict[str, Any]]) -> None:
    assert [r["id"] for r in results] == [b["id"] for b in bundles]
    for result, bundle in zip(results, bundles, strict=True):
        assert_decision_shape(result)
        assert result["pack"]["id"] == bundle["jurisdiction"]
        expected = bundle["expected"]
        assert (result["status"], result["date"]) == (expected["status"], expected["date"]), bundle["id"]


def mixed_file(folder: Path) -> Path:
    """A JSON array with one bad bundle (CN-99) among good ones."""
    good = cn_bundles()
    bad = json.loads(json.dumps(good[0]))
    bad["id"] = "CN-99"
    bad["events"][CONVICTION_INDEX]["offense_ids"] = ["no-such-event"]
    array = folder / "mixed.json"
    array.write_text(json.dumps([good[0], bad, good[1], good[2]], ensure_ascii=False), encoding="utf-8")
    return array


CONVICTION_INDEX = next(i for i, e in enumerate(cn_bundles()[0]["events"]) if e["type"] == "conviction")
Runs = dict[str, subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Every command of this module, started together (each start-up imports Polars: ~1.5 s of CPU)."""
    folder = tmp_path_factory.mktemp("cli")
    array = mixed_file(folder)
    deep = folder / ("a-rather-long-directory-name-" * 3) / "and-another-long-one"
    deep.mkdir(parents=True)
    procs = {
        "cn_json": start("evaluate", CN_EXAMPLES, "--format", "json"),
        "cn_table": start("evaluate", CN_EXAMPLES, "--format", "table"),
        "mixed": start("evaluate", array),  # json is the default format
        "missing": start("evaluate", "missing.json", "--format", "json", cwd=folder),
        "missing_long": start("evaluate", deep / "missing-bundles-file.json", columns=80),
        "packs": start("packs"),
        "all_json": start("evaluate", ALL_EXAMPLES, "--format", "json"),
        "show_de_zh": start("packs", "show", "DE", "--lang", "zh"),
        "show_pa_en": start("packs", "show", "US-PA", "--lang", "en"),
        "show_missing": start("packs", "show", "XX"),
    }
    if SHARED_EXAMPLES.is_file():
        procs["shared"] = start("evaluate", SHARED_EXAMPLES, "--format", "json")
    for pack_id in FOREIGN:  # the scan of each comparative pack's examples, on the latest as_of among them
        population = folder / f"{pack_id}.json"
        population.write_text(json.dumps(examples_of(pack_id), ensure_ascii=False), encoding="utf-8")
        procs[f"scan_{pack_id}"] = start("scan", population, "--as-of", scan_day(pack_id), "--jurisdiction", pack_id)
    for pack_id in PACK_IDS:
        procs[f"show_{pack_id}_zh_all"] = start("packs", "show", pack_id, "--lang", "zh")
    return {name: finish(proc) for name, proc in procs.items()}


def examples_of(pack_id: str) -> list[dict[str, Any]]:
    return [b for b in json.loads(ALL_EXAMPLES.read_text("utf-8")) if b["jurisdiction"] == pack_id]


def scan_day(pack_id: str) -> str:
    return max(str(b["as_of"]) for b in examples_of(pack_id))


def test_evaluate_cn_examples_json(runs: Runs) -> None:
    proc = runs["cn_json"]
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert isinstance(results, list)
    assert_matches_expected(results, cn_bundles())
    assert all(r["reasons"] for r in results)


def test_every_example_of_every_jurisdiction_passes(runs: Runs) -> None:
    proc = runs["all_json"]
    assert proc.returncode == 0, proc.stderr
    bundles = json.loads(ALL_EXAMPLES.read_text("utf-8"))
    assert {b["jurisdiction"] for b in bundles} == {"CN", "DE", "UK-EW", "JP", "US-PA", "US-MI"}
    results = json.loads(proc.stdout)
    assert_matches_expected(results, bundles)
    assert all(r["reasons"] for r in results)


def test_evaluate_shared_examples_json(runs: Runs) -> None:
    if "shared" not in runs:
        pytest.skip("/work/shared/cases is not available")
    proc = runs["shared"]
    assert proc.returncode == 0, proc.stderr
    assert_matches_expected(json.loads(proc.stdout), json.loads(SHARED_EXAMPLES.read_text("utf-8")))


def test_fixtures_are_verbatim_copies_of_the_shared_cases() -> None:
    if not SHARED_EXAMPLES.is_file():
        pytest.skip("/work/shared/cases is not available")
    shared = json.loads(SHARED_EXAMPLES.read_text("utf-8"))
    assert json.loads(ALL_EXAMPLES.read_text("utf-8")) == shared
    assert cn_bundles() == [b for b in shared if b["jurisdiction"] == "CN"]


def test_packs_show_reads_like_law(runs: Runs) -> None:
    zh, en = runs["show_de_zh"], runs["show_pa_en"]
    assert zh.returncode == 0, zh.stderr
    assert en.returncode == 0, en.stderr
    assert "规则（首条适用的规则决定结果" in zh.stdout
    assert "§47 BZRG" in zh.stdout
    assert "[de.register.blocking] (all)" in zh.stdout
    assert "act36_commencement" in en.stdout
    assert "1970-01-01: 2024-06-11" in en.stdout
    assert "[pa.misdemeanor.excluded_offence]" in en.stdout
    assert "18 Pa.C.S." in en.stdout
    missing = runs["show_missing"]
    assert missing.returncode == 2
    assert "no such rule pack" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_mixed_good_and_bad_bundles(runs: Runs) -> None:
    proc = runs["mixed"]
    good = cn_bundles()[:3]
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    results = json.loads(proc.stdout)
    assert [r["id"] for r in results] == [good[0]["id"], "CN-99", good[1]["id"], good[2]["id"]]
    error = results[1]
    assert error["status"] == "error"
    assert "CN-99" in error["message"]
    assert f"events[{CONVICTION_INDEX}].offense_ids[0]" in error["message"]
    for result, bundle in zip([results[0], *results[2:]], good, strict=True):
        assert_decision_shape(result)
        assert (result["status"], result["date"]) == (bundle["expected"]["status"], bundle["expected"]["date"])


def test_missing_file_is_one_error_line(runs: Runs) -> None:
    proc = runs["missing"]
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error:")
    assert "missing.json" in lines[0]


def test_missing_file_with_a_long_path_is_still_one_line(runs: Runs) -> None:
    proc = runs["missing_long"]
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error:")


def test_evaluate_table(runs: Runs) -> None:
    proc = runs["cn_table"]
    assert proc.returncode == 0, proc.stderr
    for bundle in cn_bundles():
        assert bundle["id"] in proc.stdout
        assert bundle["expected"]["status"] in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_packs_lists_every_pack(runs: Runs) -> None:
    proc = runs["packs"]
    assert proc.returncode == 0, proc.stderr
    for pack_id in ("CN", "DE", "JP", "UK-EW", "US-MI", "US-PA"):
        assert pack_id in proc.stdout
    assert "2026" in proc.stdout  # the pack version


@pytest.mark.parametrize("pack_id", FOREIGN)
def test_scan_decides_every_comparative_pack_as_evaluate_does(runs: Runs, pack_id: str) -> None:
    from sealkeeper.adapters.packfiles import load_pack  # noqa: PLC0415 - the expected counts, in-process
    from sealkeeper.formats.bundle import parse_bundle  # noqa: PLC0415
    from sealkeeper.rules.engine import evaluate_person  # noqa: PLC0415

    proc = runs[f"scan_{pack_id}"]
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    pack, day = load_pack(pack_id), dt.date.fromisoformat(scan_day(pack_id))
    bundles = [parse_bundle(b) for b in examples_of(pack_id)]
    expected = Counter(d.status.value for b in bundles for d in evaluate_person(pack, b, day).values())
    assert f"pack {pack_id} {pack.version}, as of {day.isoformat()}: {len(bundles)} people" in proc.stdout
    for status, label in SCAN_LABELS.items():
        match = re.search(rf"{label}\s*│\s*([0-9,]+)\s*│", proc.stdout)
        assert match, (label, proc.stdout)
        assert int(match.group(1).replace(",", "")) == expected.get(status, 0), (pack_id, status)


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_packs_show_in_chinese_gives_every_parameter_a_chinese_description(runs: Runs, pack_id: str) -> None:
    from sealkeeper.adapters.packfiles import load_pack  # noqa: PLC0415 - the parameter names, in-process

    proc = runs[f"show_{pack_id}_zh_all"]
    assert proc.returncode == 0, proc.stderr
    names = set(load_pack(pack_id).parameters)
    described = {}
    for line in proc.stdout.splitlines():
        match = re.match(r"^  ([a-z0-9_]+) — (.*)$", line)
        if match and match.group(1) in names:
            described[match.group(1)] = match.group(2)
    assert set(described) == names
    assert not [
        n for n, text in described.items() if not re.search(r"[\u4e00-\u9fff]", text) or "〔暂无中文说明" in text
    ]
