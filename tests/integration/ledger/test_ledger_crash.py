"""Kill a process that appends and signs checkpoints, 20 times at random moments: every stored checkpoint is
consistent with every other, and the whole log verifies (SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from ledger_helpers import ready

from sealkeeper.config import Settings
from sealkeeper.ledger import merkle
from sealkeeper.ledger.checkpoint import parse_checkpoint
from sealkeeper.ledger.note import verify_note
from sealkeeper.services import ledger_queries as queries
from sealkeeper.services.ledger import fetcher
from sealkeeper.store import ledger_repository as repo
from sealkeeper.store.database import transaction

WORKER = Path(__file__).with_name("ledger_crash_worker.py")
KILLS = 20


def _run_and_kill(settings: Settings, seed: int, delay: float) -> None:
    env = {**os.environ, "SEALKEEPER_HOME": str(settings.home), "SEALKEEPER_DATABASE_URL": settings.database_url}
    proc = subprocess.Popen(  # noqa: S603 - our own worker script
        [sys.executable, str(WORKER), str(seed)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
    time.sleep(delay)
    proc.kill()  # SIGKILL: no cleanup, no rollback by the process itself
    proc.wait(timeout=30)


def test_checkpoints_stay_consistent_across_kills(home: Settings) -> None:
    ledger, engine = ready(home)
    rng = random.Random(20260630)  # noqa: S311 - timing, not secrets
    for kill in range(KILLS):
        _run_and_kill(home, kill, rng.uniform(0.05, 0.6))
    with transaction(engine) as conn:
        checkpoints = repo.checkpoints(conn)
        fetch = fetcher(conn)
        size = repo.head(conn).size
        assert size > 0
        assert len(checkpoints) >= 2
        roots = {}
        for row in checkpoints:
            parsed, _ = verify_note(str(row.note), [ledger.keys.verifier])
            body = parse_checkpoint(parsed.text)
            assert (body.size, body.root) == (int(row.size), bytes(row.root))
            roots[body.size] = body.root
        sizes = sorted(roots)
        pairs = list(itertools.pairwise(sizes))  # consecutive pairs: consistency chains through them
        pairs += [
            (min(p), max(p)) for p in (rng.sample(sizes, 2) for _ in range(200))
        ]  # and, directly, random far pairs
        for old, new in pairs:
            merkle.verify_consistency(old, new, roots[old], roots[new], merkle.consistency_proof(old, new, fetch))
    summary = queries.verify(home)
    assert summary["entries"] == size
    assert summary["checkpoints"] == len(checkpoints)
