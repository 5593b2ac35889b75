"""The ledger through the console script, with a witness running as a real process: cosign, publish, refuse a
fork; proofs and entries check out with nothing but the public key; tampering is named by `ledger verify`."""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sealkeeper.ledger import merkle
from sealkeeper.ledger.checkpoint import parse_checkpoint, parse_cosignature_key
from sealkeeper.ledger.note import parse_verifier_key, verify_note

SEALKEEPER = Path(sys.executable).parent / "sealkeeper"
pytestmark = pytest.mark.skipif(not SEALKEEPER.is_file(), reason=f"console script not installed at {SEALKEEPER}")
WITNESS = "procuratorate.example/w1"
APPEND = """
import sys
from sealkeeper.config import load_settings
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.store_access import open_store
from sealkeeper.store.database import transaction
s = load_settings()
events = [{"type": sys.argv[1], "n": i, "subject": "sperson"} for i in range(int(sys.argv[2]))]
with transaction(open_store(s)) as conn:
    open_ledger(s).append_many(conn, events)
"""


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEALKEEPER_")}
    return {**env, "SEALKEEPER_HOME": str(home), "NO_COLOR": "1"}


def run(home: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 - our own console script
        [str(SEALKEEPER), *args], capture_output=True, text=True, env=_env(home), timeout=120, check=False
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def append(home: Path, kind: str, count: int) -> None:
    subprocess.run([sys.executable, "-c", APPEND, kind, str(count)], env=_env(home), check=True, timeout=120)  # noqa: S603


@pytest.fixture
def witness(tmp_path: Path, log_home: tuple[Path, str]) -> Iterator[tuple[str, str]]:
    home, log_key = log_home
    state = tmp_path / "witness"
    key = run(home, "witness", "key", "--state", str(state), "--name", WITNESS).stdout.strip()
    proc = subprocess.Popen(  # noqa: S603 - our own console script
        [str(SEALKEEPER), "witness", "serve", "--state", str(state), "--name", WITNESS, "--log-key", log_key,
         "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(home),
    )  # fmt: skip
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert "listening on" in line, line + proc.stderr.read()
    try:
        yield line.rsplit(" ", 1)[1].strip(), key
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def log_home(tmp_path: Path) -> tuple[Path, str]:
    home = tmp_path / "log"
    run(home, "init")
    key = run(home, "ledger", "init").stdout.strip()
    assert run(home, "ledger", "key").stdout.strip() == key
    append(home, "access.decision", 11)  # after init's own entry (store.initialised): 12 in all
    return home, key


def test_witness_cosigns_publishes_and_refuses_a_fork(
    tmp_path: Path, log_home: tuple[Path, str], witness: tuple[str, str]
) -> None:
    home, log_key = log_home
    url, witness_key = witness
    first = json.loads(run(home, "ledger", "witness", "--url", url, "--key", witness_key).stdout)
    assert first["size"] == 12
    fork_home = tmp_path / "fork"
    shutil.copytree(home, fork_home)  # same keys, same first 12 entries
    append(home, "access.decision", 5)
    assert json.loads(run(home, "ledger", "witness", "--url", url, "--key", witness_key).stdout)["size"] == 17

    published = run(home, "ledger", "checkpoint").stdout
    note, good = verify_note(published, [parse_verifier_key(log_key), parse_cosignature_key(witness_key)])
    assert len(good) == 2
    assert parse_checkpoint(note.text).size == 17

    append(fork_home, "forged.decision", 5)  # another 17-entry log under the same key
    refused = run(fork_home, "ledger", "witness", "--url", url, "--key", witness_key, ok=False)
    assert refused.returncode != 0
    assert "fork" in refused.stderr
    assert "17" in refused.stderr


def test_proofs_and_entries_check_out_with_the_public_key_alone(log_home: tuple[Path, str]) -> None:
    home, log_key = log_home
    note, _ = verify_note(run(home, "ledger", "checkpoint").stdout, [parse_verifier_key(log_key)])
    body = parse_checkpoint(note.text)
    proof = json.loads(run(home, "ledger", "proof", "--index", "5").stdout)
    assert set(proof) == {"index", "tree_size", "leaf_hash", "hashes"}
    data = base64.b64decode(run(home, "ledger", "entry", "--index", "5").stdout)
    assert merkle.leaf_hash(data).hex() == proof["leaf_hash"]
    assert b"sperson" not in data
    hashes = [bytes.fromhex(h) for h in proof["hashes"]]
    merkle.verify_inclusion(5, body.size, merkle.leaf_hash(data), hashes, body.root)
    append(home, "access.decision", 3)
    later = parse_checkpoint(
        verify_note(run(home, "ledger", "checkpoint").stdout, [parse_verifier_key(log_key)])[0].text
    )
    consistency = json.loads(run(home, "ledger", "consistency", "--from", "12", "--to", "15").stdout)
    assert set(consistency) == {"from", "to", "hashes"}
    merkle.verify_consistency(12, 15, body.root, later.root, [bytes.fromhex(h) for h in consistency["hashes"]])
    trail = json.loads(run(home, "ledger", "trail", "--token", "sperson").stdout)
    assert len(trail["entries"]) == 15  # every appended entry names the person (init's own does not) ...
    assert trail["entries"][-1]["event"]["type"] == "trail.viewed"  # ... and this viewing, logged before it


def test_verify_names_the_altered_entry(log_home: tuple[Path, str]) -> None:
    home, log_key = log_home
    run(home, "ledger", "checkpoint")
    assert json.loads(run(home, "ledger", "verify", "--key", log_key).stdout)["entries"] == 12
    with sqlite3.connect(home / "sealkeeper.db") as db:
        db.execute("UPDATE ledger_entries SET data = ? WHERE idx = 7", (b'{"n":7,"type":"access.decision"}',))
    broken = run(home, "ledger", "verify", ok=False)
    assert broken.returncode != 0
    assert "entry 7" in broken.stderr
