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


def run(*args: str | Path, cwd: Path | None = None, columns: int = 200) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR")}
    env.update(COLUMNS=str(columns), NO_COLOR="1", PYTHONIOENCODING="utf-8")
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(SEALKEEPER), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


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


@pytest.fixture(scope="module")
def cn_run() -> subprocess.CompletedProcess[str]:
    return run("evaluate", CN_EXAMPLES, "--format", "json")


def test_evaluate_cn_examples_json(cn_run: subprocess.CompletedProcess[str]) -> None:
    assert cn_run.returncode == 0, cn_run.stderr
    results = json.loads(cn_run.stdout)
    assert isinstance(results, list)
    assert_matches_expected(results, cn_bundles())
    assert all(r["reasons"] for r in results)


def test_evaluate_shared_examples_json() -> None:
    if not SHARED_EXAMPLES.is_file():
        pytest.skip("/work/shared/cases is not available")
    proc = run("evaluate", SHARED_EXAMPLES, "--format", "json")
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


def test_mixed_good_and_bad_bundles(tmp_path: Path) -> None:
    good = cn_bundles()[:3]
    bad = json.loads(json.dumps(good[0]))
    bad["id"] = "CN-99"
    conviction = next(i for i, e in enumerate(bad["events"]) if e["type"] == "conviction")
    bad["events"][conviction]["offense_ids"] = ["no-such-event"]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([good[0], bad, *good[1:]], ensure_ascii=False), encoding="utf-8")

    proc = run("evaluate", path, "--format", "json")

    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    results = json.loads(proc.stdout)
    assert [r["id"] for r in results] == [good[0]["id"], "CN-99", *(b["id"] for b in good[1:])]
    error = results[1]
    assert error["status"] == "error"
    field = f"events[{conviction}].offense_ids[0]"
    assert "CN-99" in error["message"]
    assert field in error["message"]
    for result, bundle in zip([results[0], *results[2:]], good, strict=True):
        assert_decision_shape(result)
        assert (result["status"], result["date"]) == (bundle["expected"]["status"], bundle["expected"]["date"])


def test_mixed_json_lines_with_a_broken_line(tmp_path: Path) -> None:
    good = cn_bundles()[:2]
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps(good[0], ensure_ascii=False), '{"id": "CN-98", ', json.dumps(good[1], ensure_ascii=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    proc = run("evaluate", path)  # json is the default format

    assert proc.returncode == 1
    results = json.loads(proc.stdout)
    assert [r["status"] == "error" for r in results] == [False, True, False]
    assert "line 2" in results[1]["message"]


def test_missing_file_is_one_error_line(tmp_path: Path) -> None:
    proc = run("evaluate", "missing.json", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error:")
    assert "missing.json" in lines[0]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="bug: cli.main prints errors with rich Console.print, which wraps at the console width (80 columns "
    "when stderr is not a terminal), so a long path splits 'error: …' over several stderr lines",
)
def test_missing_file_with_a_long_path_is_still_one_line(tmp_path: Path) -> None:
    deep = tmp_path / ("a-rather-long-directory-name-" * 3) / "and-another-long-one"
    deep.mkdir(parents=True)
    proc = run("evaluate", deep / "missing-bundles-file.json", columns=80)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error:")


def test_broken_json_array_is_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('[\n  {"id": "CN-01"},\n  {oops}\n]\n', encoding="utf-8")
    proc = run("evaluate", path, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr.startswith("error:")
    assert ":3:" in proc.stderr


def test_evaluate_table(tmp_path: Path) -> None:
    proc = run("evaluate", CN_EXAMPLES, "--format", "table")
    assert proc.returncode == 0, proc.stderr
    for bundle in cn_bundles():
        assert bundle["id"] in proc.stdout
        assert bundle["expected"]["status"] in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_packs_lists_cn() -> None:
    proc = run("packs")
    assert proc.returncode == 0, proc.stderr
    assert "CN" in proc.stdout
    assert "2026" in proc.stdout  # the pack version
