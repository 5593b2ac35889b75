"""The installed `sealkeeper` console script, run as a subprocess (what a user sees)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SEALKEEPER = Path(sys.executable).parent / "sealkeeper"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CN_EXAMPLES = FIXTURES / "cn_examples.json"
SHARED_EXAMPLES = Path("/work/shared/cases/examples.json")

pytestmark = pytest.mark.skipif(not SEALKEEPER.is_file(), reason=f"console script not installed at {SEALKEEPER}")

DECISION_KEYS = {"id", "status", "date", "reasons", "pack"}


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
    assert obj["pack"]["id"] == "CN"


def assert_matches_expected(results: list[dict[str, Any]], bundles: list[dict[str, Any]]) -> None:
    assert [r["id"] for r in results] == [b["id"] for b in bundles]
    for result, bundle in zip(results, bundles, strict=True):
        if bundle["jurisdiction"] != "CN":
            continue
        assert_decision_shape(result)
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
    }
    if SHARED_EXAMPLES.is_file():
        procs["shared"] = start("evaluate", SHARED_EXAMPLES, "--format", "json")
    return {name: finish(proc) for name, proc in procs.items()}


def test_evaluate_cn_examples_json(runs: Runs) -> None:
    proc = runs["cn_json"]
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert isinstance(results, list)
    assert_matches_expected(results, cn_bundles())
    assert all(r["reasons"] for r in results)


def test_evaluate_shared_examples_json(runs: Runs) -> None:
    if "shared" not in runs:
        pytest.skip("/work/shared/cases is not available")
    proc = runs["shared"]
    assert "Traceback" not in proc.stdout + proc.stderr
    bundles = json.loads(SHARED_EXAMPLES.read_text("utf-8"))
    results = json.loads(proc.stdout)
    assert_matches_expected(results, bundles)
    others = [r for r, b in zip(results, bundles, strict=True) if b["jurisdiction"] != "CN"]
    # Bundles of jurisdictions without a shipped pack are reported one by one, never dropped.
    assert all(r["status"] == "error" or set(r) == DECISION_KEYS for r in others)
    assert proc.returncode == (1 if any(r["status"] == "error" for r in results) else 0)


def test_cn_fixture_is_a_verbatim_copy_of_the_shared_cases() -> None:
    if not SHARED_EXAMPLES.is_file():
        pytest.skip("/work/shared/cases is not available")
    shared = [b for b in json.loads(SHARED_EXAMPLES.read_text("utf-8")) if b["jurisdiction"] == "CN"]
    assert cn_bundles() == shared


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


def test_packs_lists_cn(runs: Runs) -> None:
    proc = runs["packs"]
    assert proc.returncode == 0, proc.stderr
    assert "CN" in proc.stdout
    assert "2026" in proc.stdout  # the pack version
