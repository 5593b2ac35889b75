"""A Fleet stops what it started and every descendant, including one that left for a session of its own."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from sealkeeper.federated.processes import Fleet, alive, all_processes, descendants, read_proc

# a parent that starts a child in a NEW session (as Flower starts flower-superexec), which starts a grandchild
CHILD = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); "
SCRIPT = f"""
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "{CHILD}time.sleep(300)"], start_new_session=True)
time.sleep(300)
"""


def test_stop_ends_the_whole_tree_by_pid_even_across_sessions(tmp_path: Path) -> None:
    fleet = Fleet(tmp_path, dict(os.environ))
    try:
        root = fleet.start("tree", [sys.executable, "-c", SCRIPT])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(descendants([root.pid], all_processes())) < 3:
            time.sleep(0.05)
        fleet.note()
        tree = fleet.all_pids()
        assert len(tree) == 3
        assert len({p.session for p in tree}) == 2  # the child left its parent's session
        assert all(alive(p) for p in tree)
    finally:
        fleet.stop(grace=2.0)
    assert not any(alive(p) for p in fleet.all_pids())
    assert root.returncode is not None


def test_a_process_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    ready = tmp_path / "ignoring"
    stubborn = (f"import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); open({str(ready)!r}, 'w')"
                ".close(); time.sleep(300)")  # fmt: skip
    with Fleet(tmp_path, dict(os.environ)) as fleet:
        proc = fleet.start("stubborn", [sys.executable, "-c", stubborn])
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:  # SIGTERM is ignored from now on
            time.sleep(0.02)
        assert ready.exists()
    assert proc.returncode == -signal.SIGKILL  # SIGTERM did nothing: it was killed
    assert read_proc(proc.pid) is None or not alive(fleet.all_pids()[0])
