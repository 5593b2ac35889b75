"""`sealkeeper federated run` interrupted mid-run: every Flower process it started is gone afterwards (by pid).

The command is started in a session of its own; once the SuperLink and the three SuperNodes are up, it gets
SIGINT (Ctrl-C; the command turns SIGTERM into the same). It must exit with 130 and leave none of the processes
seen below it (including the SuperExecs that Flower starts in sessions of their own).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from sealkeeper.federated.processes import Fleet, ProcInfo, alive, all_processes, descendants

SEALKEEPER = Path(sys.executable).parent / "sealkeeper"


def _below(root: int, seen: dict[int, ProcInfo]) -> int:
    """Note every process below ``root`` and in its descendants' sessions; the number of SuperNodes up."""
    table = all_processes()
    tree = descendants([root], table)
    sessions = {p.session for p in tree}
    for p in [*tree, *(q for q in table if q.session in sessions)]:
        seen.setdefault(p.pid, p)
    return sum(1 for p in tree if "sealkeeper.federated.node" in _cmdline(p.pid))


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_ctrl_c_mid_run_leaves_no_process(tmp_path: Path) -> None:
    env = {**os.environ, "SEALKEEPER_HOME": str(tmp_path / "home")}
    argv = [str(SEALKEEPER), "federated", "run", "--agencies", "3", "--rounds", "50", "--per-agency", "40"]
    guard = Fleet(tmp_path / "guard", env)  # stops the command's whole tree if the test itself fails
    try:
        cli = guard.start("cli", argv)
        seen: dict[int, ProcInfo] = {}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _below(cli.pid, seen) < 3:
            assert cli.poll() is None, (tmp_path / "guard" / "cli.log").read_text()
            time.sleep(0.2)
        time.sleep(2)  # let the SuperNodes start their SuperExecs
        _below(cli.pid, seen)
        assert len(seen) >= 7  # the command, the SuperLink, three SuperNodes and SuperExecs
        os.kill(cli.pid, signal.SIGINT)
        assert cli.wait(timeout=60) == 130
        left = [p for p in seen.values() if alive(p)]
        assert left == [], [_cmdline(p.pid) for p in left]
    finally:
        guard.stop(grace=2.0)
