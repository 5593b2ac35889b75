"""Canary (issue 4): people with unique marker names, ID numbers, addresses and notes go through every command
of the store as real subprocesses; afterwards no file under the home holds any marker, in any encoding.

"Every file under the home" is read as bytes: the SQLite database and its -wal/-shm (this test holds a
connection open the whole time, so SQLite never folds the WAL away before it is searched), the key file,
the config, the backups, and logs/, where the stderr of every command and the stdout of every command but
``person`` is saved (``person`` shows a person's identity on purpose: its output is checked, not kept).
The search itself is proven on control files that do contain every marker in every searched encoding.
"""

from __future__ import annotations

import copy
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sealkeeper.adapters.bundle_csv import bundles_to_csv
from sealkeeper.formats.identity import id_check_character

SEALKEEPER = Path(sys.executable).parent / "sealkeeper"
AS_OF = "2026-06-30"
SYNTH_PEOPLE = 300

pytestmark = pytest.mark.skipif(not SEALKEEPER.is_file(), reason=f"console script not installed at {SEALKEEPER}")


# --- markers -------------------------------------------------------------------------------------------------


def _cjk(n: int) -> str:
    return "".join(chr(0x4E00 + secrets.randbelow(0x9FA5 - 0x4E00)) for _ in range(n))


@dataclass(frozen=True)
class Marked:
    """A person whose every identity value occurs nowhere else: a canary."""

    name: str
    id_number: str
    address: str
    birth_date: str

    @property
    def id_body(self) -> str:
        return self.id_number[:17]

    @property
    def wrong_check(self) -> str:
        """The same ID number with a check character that does not match."""
        right = self.id_number[17]
        return self.id_body + next(c for c in "0123456789X" if c != right)


def marked_person(birth_date: str) -> Marked:
    region = f"{secrets.randbelow(900_000) + 100_000}"
    body = region + birth_date.replace("-", "") + f"{secrets.randbelow(1000):03d}"
    tag = secrets.token_hex(4)
    return Marked(
        name="金丝雀" + _cjk(3),
        id_number=body + id_check_character(body),
        address=f"金丝雀省{_cjk(2)}市翠羽路{secrets.randbelow(9000) + 1000}号{tag}室",
        birth_date=birth_date,
    )


def note_marker() -> str:
    return f"金丝雀笔记{_cjk(4)}：当事人自述{secrets.token_hex(4)}"


def forms(text: str) -> dict[str, bytes]:
    """Every byte form a leak could take: UTF-8, UTF-16-LE and JSON's ASCII escapes (\\uXXXX)."""
    out = {"utf-8": text.encode("utf-8"), "utf-16-le": text.encode("utf-16-le")}
    escaped = json.dumps(text).strip('"').encode("ascii")
    if escaped != out["utf-8"]:
        out["json-escaped"] = escaped
    return out


def hits(root: Path, markers: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """(file, marker label, encoding) for every marker form found in any file under ``root``."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            data = path.read_bytes()
            for label, text in markers.items():
                for encoding, needle in forms(text).items():
                    if needle in data:
                        yield str(path.relative_to(root)), label, encoding


# --- input files ---------------------------------------------------------------------------------------------


def for_csv(bundle: dict[str, Any]) -> dict[str, Any]:
    """A bundle as a CSV can carry it: no worked-case fields, no bundle-level note."""
    out = copy.deepcopy(bundle)
    for key in ("expected", "interpretive", "interpretive_choice", "note"):
        out.pop(key, None)
    return out


def write_jsonl(path: Path, bundles: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bundles), encoding="utf-8")
    return path


# --- running the commands ------------------------------------------------------------------------------------


class Runner:
    """Runs `sealkeeper` against one home and keeps what a careless deployment would keep: its output."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.logs = home / "logs"
        self.count = 0
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SEALKEEPER_")}
        self.env.update(SEALKEEPER_HOME=str(home), NO_COLOR="1", COLUMNS="200", PYTHONIOENCODING="utf-8")

    def start(self, *args: str | Path) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
            [str(SEALKEEPER), *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=self.env,
        )

    def finish(
        self, label: str, proc: subprocess.Popen[str], *, keep_stdout: bool = True
    ) -> subprocess.CompletedProcess[str]:
        stdout, stderr = proc.communicate(timeout=300)
        self.count += 1
        self.logs.mkdir(parents=True, exist_ok=True)
        stem = self.logs / f"{self.count:02d}-{label}"
        stem.with_suffix(".stderr").write_text(stderr, encoding="utf-8")
        if keep_stdout or proc.returncode != 0:
            stem.with_suffix(".stdout").write_text(stdout, encoding="utf-8")
        assert "Traceback" not in stdout + stderr, f"{label}: {stderr}"
        return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)

    def run(self, label: str, *args: str | Path, keep_stdout: bool = True) -> subprocess.CompletedProcess[str]:
        return self.finish(label, self.start(*args), keep_stdout=keep_stdout)

    def ok(self, label: str, *args: str | Path, keep_stdout: bool = True) -> subprocess.CompletedProcess[str]:
        proc = self.run(label, *args, keep_stdout=keep_stdout)
        assert proc.returncode == 0, f"{label}: exit {proc.returncode}\n{proc.stderr}"
        return proc


# --- the test ------------------------------------------------------------------------------------------------


@dataclass
class Inputs:
    people_jsonl: Path
    people_csv: Path
    bad_jsonl: Path
    bad_csv: Path
    bad_lines: dict[str, int]  # what is wrong -> line of bad.jsonl
    bad_csv_lines: dict[str, int]  # what is wrong -> line of bad.csv
    markers: dict[str, str]  # label -> text
    people: list[Marked]
    rejected_only: Marked


def make_inputs(runner: Runner, folder: Path) -> Inputs:
    synth = folder / "synth.jsonl"
    runner.ok("synth", "synth", "--people", str(SYNTH_PEOPLE), "--seed", "4", "--identities", "--out", synth)
    population = [json.loads(line) for line in synth.read_text("utf-8").splitlines()]
    templates = [b for b in population if len(b["events"]) >= 2][:4]
    assert len(templates) == 4

    people = [marked_person(t["person"]["birth_date"]) for t in templates[:3]]
    rejected_only = marked_person(templates[3]["person"]["birth_date"])
    markers: dict[str, str] = {}
    for i, p in enumerate([*people, rejected_only]):
        markers |= {f"p{i}.name": p.name, f"p{i}.id_number": p.id_number, f"p{i}.address": p.address}
        markers[f"p{i}.id_digits"] = p.id_body  # also covers the ID with a wrong check character

    def marked(template: dict[str, Any], person: Marked, bid: str, note_label: str) -> dict[str, Any]:
        bundle = copy.deepcopy(template)
        bundle["id"] = bid
        bundle["person"].update(name=person.name, id_number=person.id_number, address=person.address)
        markers[note_label] = note_marker()
        bundle["events"][-1]["note"] = markers[note_label]
        return bundle

    canaries = [
        marked(t, p, f"CA-9000{i}", f"p{i}.note") for i, (t, p) in enumerate(zip(templates, people, strict=False))
    ]
    canaries.append(marked(templates[0], people[0], "CA-90010", "p0.note2"))  # a second bundle, the same person
    markers["p0.bundle_note"] = note_marker()
    canaries[0]["note"] = markers["p0.bundle_note"]
    good = population[:150] + canaries + population[150:]

    # Rejected files: markers in every bad row; the good rows around them must not be written either.
    r = rejected_only
    bad_id = marked(templates[3], r, "CA-90020", "r.note_bad_id")
    bad_id["person"]["id_number"] = r.wrong_check
    bad_date = marked(templates[3], r, "CA-90021", "r.note_bad_date")
    bad_date["events"][0]["date"] = "2019-02-30"
    known_bad = marked(templates[0], people[0], "CA-90022", "p0.note_bad")
    known_bad["person"]["id_number"] = people[0].wrong_check  # an imported person's ID, mistyped
    broken_json = json.dumps(marked(templates[3], r, "CA-90023", "r.note_broken"), ensure_ascii=False)[:-1]
    lines = [json.dumps(b, ensure_ascii=False) for b in population[:5]]
    bad_lines = {"id": 3, "date": 5, "json": 6, "known_id": 8}
    for what, bundle_line in (("id", bad_id), ("date", bad_date), ("json", broken_json), ("known_id", known_bad)):
        text = bundle_line if isinstance(bundle_line, str) else json.dumps(bundle_line, ensure_ascii=False)
        lines.insert(bad_lines[what] - 1, text)
    bad_jsonl = folder / "bad.jsonl"
    bad_jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")

    bad_csv_bundles = [for_csv(b) for b in (population[5], bad_id, population[6], bad_date)]
    bad_csv = folder / "bad.csv"
    bad_csv.write_text(bundles_to_csv(bad_csv_bundles), encoding="utf-8")
    first_line, csv_lines = 2, {}
    for bundle in bad_csv_bundles:
        csv_lines[bundle["id"]] = first_line
        first_line += len(bundle["events"])

    return Inputs(
        people_jsonl=write_jsonl(folder / "people.jsonl", good),
        people_csv=_write(folder / "people.csv", bundles_to_csv([for_csv(b) for b in good])),
        bad_jsonl=bad_jsonl,
        bad_csv=bad_csv,
        bad_lines=bad_lines,
        bad_csv_lines={"id": csv_lines["CA-90020"], "date": csv_lines["CA-90021"]},
        markers=markers,
        people=people,
        rejected_only=rejected_only,
    )


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_search_finds_every_marker_in_every_encoding(tmp_path: Path) -> None:
    """The control: the same search, over files that do hold the markers, finds each one in each form."""
    person = marked_person("1990-05-17")
    markers = {"name": person.name, "id": person.id_number, "address": person.address, "note": note_marker()}
    text = "前文" + " | ".join(markers.values()) + "后文"
    (tmp_path / "utf8.txt").write_bytes(b"\x00garbage" + text.encode("utf-8") + b"\xff")
    (tmp_path / "utf16.bin").write_bytes(b"\x01" + text.encode("utf-16-le"))
    (tmp_path / "escaped.json").write_text(json.dumps({"x": text}), encoding="ascii")
    found = set(hits(tmp_path, markers))
    expected = (
        {("utf8.txt", label, "utf-8") for label in markers}
        | {("utf16.bin", label, "utf-16-le") for label in markers}
        | {("escaped.json", label, "json-escaped") for label in ("name", "address", "note")}
        | {("escaped.json", "id", "utf-8")}
    )  # an ASCII marker has one form for both
    assert found == expected


def test_canary_no_marker_under_the_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    inputs_dir = tmp_path / "inputs"  # outside the home: these files hold the markers on purpose
    inputs_dir.mkdir()
    run = Runner(home)
    run.ok("init", "init")
    db = home / "sealkeeper.db"
    keep = sqlite3.connect(db)  # held open: the WAL and shared-memory files stay on disk to be searched
    keep.execute("SELECT count(*) FROM sqlite_master").fetchall()
    try:
        inputs = make_inputs(run, inputs_dir)
        _story(run, inputs)
        count = keep.execute("SELECT count(*) FROM bundles").fetchone()[0]
        assert count == SYNTH_PEOPLE + 4
        # The search: every file under the home, as bytes, while the WAL is still there.
        files = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
        for expected in ("sealkeeper.db", "sealkeeper.db-wal", "sealkeeper.db-shm", "keys/kek.json", "sealkeeper.toml"):
            assert expected in files, files
        assert any(f.startswith("backups/") for f in files), files
        assert sum(f.startswith("logs/") for f in files) >= 20, files
        assert (home / "sealkeeper.db-wal").stat().st_size > 0
        leaks = sorted(hits(home, inputs.markers))
        assert leaks == [], f"markers found under the home: {leaks}"
        # The search works on these very markers: they are all in the input files.
        in_inputs = {label for _f, label, _e in hits(inputs_dir, inputs.markers)}
        assert in_inputs == set(inputs.markers)
    finally:
        keep.close()


def _story(run: Runner, inputs: Inputs) -> None:  # noqa: PLR0915 - every command, in the order a user runs them
    home = run.home
    p0, r = inputs.people[0], inputs.rejected_only
    # Commands that do not write the store run side by side (each start-up costs seconds of CPU).
    side = {
        "import-bad-jsonl": run.start("import", inputs.bad_jsonl, "--as-of", AS_OF),
        "import-bad-csv": run.start("import", inputs.bad_csv, "--as-of", AS_OF),
        "evaluate": run.start("evaluate", inputs.people_jsonl),
        "evaluate-bad": run.start("evaluate", inputs.bad_jsonl),
        "scan": run.start("scan", inputs.people_jsonl, "--as-of", AS_OF),
        "scan-bad": run.start("scan", inputs.bad_jsonl, "--as-of", AS_OF),
    }
    done = {label: run.finish(label, proc) for label, proc in side.items()}

    bad = done["import-bad-jsonl"]
    assert bad.returncode == 2, bad.stderr
    assert "nothing written" in bad.stderr
    src = str(inputs.bad_jsonl)
    assert f"{src}:{inputs.bad_lines['id']}: person.id_number: check character does not match" in bad.stderr
    assert f"{src}:{inputs.bad_lines['known_id']}: person.id_number: check character does not match" in bad.stderr
    assert re.search(rf"{re.escape(src)}:{inputs.bad_lines['date']}: events\[0\]\.date: ", bad.stderr), bad.stderr
    assert f"{src}:{inputs.bad_lines['json']}: line {inputs.bad_lines['json']}: not valid JSON" in bad.stderr
    bad_csv = done["import-bad-csv"]
    assert bad_csv.returncode == 2, bad_csv.stderr
    src = str(inputs.bad_csv)
    assert f"{src}:{inputs.bad_csv_lines['id']}: person.id_number: check character does not match" in bad_csv.stderr
    assert re.search(rf"{re.escape(src)}:{inputs.bad_csv_lines['date']}: events\[0\]\.date: ", bad_csv.stderr)
    assert done["evaluate"].returncode == 0, done["evaluate"].stderr
    evaluated = json.loads(done["evaluate"].stdout)
    assert len(evaluated) == SYNTH_PEOPLE + 4
    assert done["evaluate-bad"].returncode == 1
    assert "person.id_number" in done["evaluate-bad"].stdout
    assert done["scan"].returncode == 0, done["scan"].stderr
    assert done["scan-bad"].returncode == 0, done["scan-bad"].stderr
    assert "could not be read" in done["scan-bad"].stdout
    assert not any(b["id"].startswith("CA-9") for b in _rows(home, "SELECT id FROM bundles"))

    first = run.ok("import-jsonl", "import", inputs.people_jsonl, "--as-of", AS_OF)
    assert f"{SYNTH_PEOPLE + 4} written ({SYNTH_PEOPLE + 3} new people)" in first.stdout, first.stdout
    again = run.ok("import-again", "import", inputs.people_jsonl, "--as-of", AS_OF)
    assert "all already imported; nothing changed" in again.stdout, again.stdout
    # The same people as CSV (after the JSON Lines: importing a file again after another file changed its
    # bundles fails on imports.digest, a bug reported separately).
    as_csv = run.ok("import-csv", "import", inputs.people_csv, "--as-of", AS_OF)
    assert f"{SYNTH_PEOPLE + 4} bundles" in as_csv.stdout, as_csv.stdout
    assert "0 new people" in as_csv.stdout or "nothing changed" in as_csv.stdout, as_csv.stdout

    started = {  # reads only: side by side
        "person-by-id": run.start("person", "--id-number", p0.id_number),
        "person-unknown-id": run.start("person", "--id-number", r.id_number),
        "keys-status": run.start("keys", "status"),
    }
    done = {
        label: run.finish(label, proc, keep_stdout=not label.startswith("person")) for label, proc in started.items()
    }
    assert done["person-by-id"].returncode == 0, done["person-by-id"].stderr
    view = json.loads(done["person-by-id"].stdout)
    token = view["token"]
    assert view["identity"] == {"name": p0.name, "id_number": p0.id_number, "address": p0.address}
    assert {b["id"] for b in view["bundles"]} == {"CA-90000", "CA-90010"}
    assert done["person-unknown-id"].returncode != 0
    assert "no person" in done["person-unknown-id"].stderr
    assert done["keys-status"].returncode == 0, done["keys-status"].stderr
    assert json.loads(done["keys-status"].stdout)["bundles"] == SYNTH_PEOPLE + 4
    by_token = run.ok("person-by-token", "person", "--token", token, keep_stdout=False)
    assert json.loads(by_token.stdout)["identity"]["name"] == p0.name

    rotated = json.loads(run.ok("keys-rotate", "keys", "rotate", "--retire-old").stdout)
    assert rotated["rewrapped"] == SYNTH_PEOPLE + 3

    (home / "backups").mkdir()
    run.ok("backup", "backup", "--out", home / "backups" / "before-delete.skb")
    run.ok("delete", "delete", token, "--yes")
    run.ok("restore", "restore", home / "backups" / "before-delete.skb", "--yes")
    started = {
        "person-after-delete": run.start("person", "--token", token),
        "backup-after-delete": run.start("backup", "--out", home / "backups" / "after-delete.skb"),
        "keys-status-end": run.start("keys", "status"),
    }
    done = {
        label: run.finish(label, proc, keep_stdout=not label.startswith("person")) for label, proc in started.items()
    }
    assert all(proc.returncode == 0 for proc in done.values()), {k: p.stderr for k, p in done.items()}
    assert json.loads(done["person-after-delete"].stdout)["identity"] is None  # deletion survives the restore
    assert json.loads(done["keys-status-end"].stdout)["deleted"] == 1


def _rows(home: Path, query: str) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(f"file:{home / 'sealkeeper.db'}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(query)]


def test_a_bad_row_with_a_marker_in_the_wrong_field_is_not_echoed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    template = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "cn_examples.json").read_text("utf-8"))[0]
    person = marked_person(template["person"]["birth_date"])
    markers = {"name": person.name, "note": note_marker()}
    shifted = copy.deepcopy(template)  # the name landed in the date column
    shifted["person"]["name"] = person.name
    shifted["events"][0]["date"] = person.name
    wrong_type = copy.deepcopy(template)  # the narrative came as an object
    wrong_type["id"] = "CN-02"
    wrong_type["events"][0]["note"] = {"text": markers["note"]}
    bad = write_jsonl(tmp_path / "bad.jsonl", [shifted, wrong_type])
    proc = Runner(home).run("import-bad", "import", bad, "--as-of", AS_OF)
    assert proc.returncode == 2
    assert f"{bad}:1: events[0].date: " in proc.stderr
    assert f"{bad}:2: events[0].note: " in proc.stderr
    assert sorted(hits(home, markers)) == []
