"""`sealkeeper serve --workers 2` (``cli.workers``: two uvicorn processes, each on its own socket of one
``SO_REUSEPORT`` group): connections are spread over both processes; certificates requested concurrently
through both are each answered after their ledger entries committed, and the log verifies; a second server
on the same port is refused. The server and its workers are stopped by their process ids, even on failure."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import sqlalchemy as sa
from processes import free_port, stop, wait_healthy

from sealkeeper.config import Settings, load_settings
from sealkeeper.services import accounts, ledger_queries, sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.records import init_home
from sealkeeper.services.store_access import close_all, open_store
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.synth.population import generate, write_bundles

SEALKEEPER = Path(sys.executable).parent / "sealkeeper"


def children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text("ascii").split()]
    return []


@contextlib.contextmanager
def served(home: Path, workers: int, port: int = 0) -> Iterator[tuple[str, list[int]]]:
    """The server's address and its child processes (its workers, and multiprocessing's resource tracker)."""
    port = port or free_port()
    env = {**os.environ, "SEALKEEPER_HOME": str(home)}
    env.pop("SEALKEEPER_DATABASE_URL", None)
    command = [str(SEALKEEPER), "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # noqa: S603 - our own script
    base, started = f"http://127.0.0.1:{port}", []
    try:
        wait_healthy(proc, base)
        started = children(proc.pid)
        yield base, started
    finally:
        started = started or children(proc.pid)
        stop(proc)
        for child in started:  # the server stops its workers itself; any left over is stopped here
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)


def accepted_by(pid: int, port: int) -> int:
    """How many established connections to ``port`` process ``pid`` holds (its socket descriptors matched with
    the kernel's table of TCP connections)."""
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    held = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text("ascii").splitlines()[1:]:
            fields = line.split()
            local_port, state, inode = int(fields[1].rsplit(":", 1)[1], 16), fields[3], fields[9]
            held += local_port == port and state == "01" and inode in inodes  # 01: ESTABLISHED
    return held


def issued(settings: Settings) -> int:
    with open_store(settings).connect() as conn:
        rows = conn.execute(sa.select(ledger_entries.c.data)).scalars()
        return sum(json.loads(bytes(d)).get("type") == "document.issued" for d in rows)


def test_two_workers_issue_concurrent_certificates_each_logged(tmp_path: Path) -> None:
    settings = load_settings({"SEALKEEPER_HOME": str(tmp_path / "home")})
    init_home(settings)
    now = dt.datetime.now(dt.UTC)  # the server reads its own clock
    source = tmp_path / "people.jsonl"
    with source.open("w", encoding="utf-8") as out:
        write_bundles(generate(20, 7, as_of=now.date(), identities=True), out)
    import_file(settings, source, now.date(), now.date())
    sealing_runs.run(settings, now.date(), now)
    officer = accounts.create_account(settings, accounts.LOCAL_OPERATOR, "officer", ["certificate_officer"], now,
                                      jurisdictions=["CN"])  # fmt: skip
    token = accounts.issue_api_token(settings, accounts.LOCAL_OPERATOR, officer.username, "e2e", now,
                                     dt.timedelta(hours=1)).token  # fmt: skip
    numbers = [json.loads(line)["person"]["id_number"] for line in source.read_text("utf-8").splitlines()]
    before = issued(settings)
    close_all()
    with served(settings.home, 2) as (base, _):

        def ask(number: str) -> int:
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
                return client.post("/api/v1/certificates", json={"id_number": number, "purpose": "general"}).status_code

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, numbers * 2))
    assert set(answers) <= {200, 409}  # 409: a person with a record that needs review (blocked by design)
    assert answers.count(200) > 0
    assert issued(settings) - before == answers.count(200)
    assert ledger_queries.verify(settings)["entries"] > 0
    close_all()


def test_connections_are_spread_over_the_worker_processes_and_the_port_is_not_shared(tmp_path: Path) -> None:
    settings = load_settings({"SEALKEEPER_HOME": str(tmp_path / "home")})
    init_home(settings)
    close_all()
    port = free_port()
    with served(settings.home, 2, port) as (base, servers), contextlib.ExitStack() as stack:
        clients = [stack.enter_context(httpx.Client(base_url=base, timeout=30)) for _ in range(24)]
        assert all(client.get("/healthz").status_code == 200 for client in clients)  # each keeps its connection
        held = {pid: accepted_by(pid, port) for pid in servers}
        assert sum(held.values()) == 24
        assert sorted(held.values())[-2] > 0, held  # both processes accepted some (all 24 on one: p = 2**-23)
        second = subprocess.run(  # noqa: S603 - our own script
            [str(SEALKEEPER), "serve", "--port", str(port), "--workers", "2"], env={**os.environ,
            "SEALKEEPER_HOME": str(settings.home)}, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert second.returncode == 2
        assert f"--host/--port: cannot listen on 127.0.0.1:{port}" in second.stderr
        assert "Traceback" not in second.stderr
        assert all(client.get("/healthz").status_code == 200 for client in clients)  # the first one still serves


def test_a_home_that_cannot_serve_is_refused_once_before_any_worker_starts(tmp_path: Path) -> None:
    env = {**os.environ, "SEALKEEPER_HOME": str(tmp_path / "never-initialised")}
    env.pop("SEALKEEPER_DATABASE_URL", None)
    command = [str(SEALKEEPER), "serve", "--port", str(free_port()), "--workers", "2"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603 - our own script
    assert result.returncode == 2
    assert result.stderr.count("is not a sealkeeper home: run `sealkeeper init` first") == 1
    assert "Traceback" not in result.stderr
