"""Processes started for a federation, and their stopping by process id (Linux ``/proc``).

Flower's SuperLink and SuperNodes start children of their own (``flower-superexec``, which starts
``flwr-serverapp`` and ``flwr-clientapp``), and ``flower-superexec`` is started in a NEW session
(``start_new_session=True``), so it is not in its parent's process group. Every process here is therefore started
in a session of its own, and a ``Fleet`` remembers every session id among the descendants of what it started;
stopping sends SIGTERM, then SIGKILL after a grace period, to every process id in those sessions (orphans
included: a session id survives reparenting). Written by hand because psutil is not a dependency and
``/proc/<pid>/stat`` gives the parent, session and start time directly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcInfo:
    pid: int
    ppid: int
    session: int
    state: str
    started: int  # clock ticks after boot: with the pid, names one process (pids are reused)


def read_proc(pid: int) -> ProcInfo | None:
    """One process's line of ``/proc/<pid>/stat``; None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = raw[raw.rfind(")") + 2 :].split()  # the command name may hold spaces and parentheses
    return ProcInfo(pid, int(fields[1]), int(fields[3]), fields[0], int(fields[19]))


def all_processes() -> list[ProcInfo]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (info := read_proc(int(entry))) is not None:
            out.append(info)
    return out


def descendants(roots: Iterable[int], table: Sequence[ProcInfo]) -> list[ProcInfo]:
    """The processes below ``roots`` (the roots included when alive), from one snapshot of the table."""
    children: dict[int, list[ProcInfo]] = {}
    by_pid = {p.pid: p for p in table}
    for p in table:
        children.setdefault(p.ppid, []).append(p)
    found: dict[int, ProcInfo] = {}
    todo = [by_pid[r] for r in roots if r in by_pid]
    while todo:
        p = todo.pop()
        if p.pid not in found:
            found[p.pid] = p
            todo.extend(children.get(p.pid, []))
    return list(found.values())


def alive(p: ProcInfo) -> bool:
    """Still the same process and not a zombie (a zombie holds no resources: it waits to be reaped)."""
    now = read_proc(p.pid)
    return now is not None and now.started == p.started and now.state != "Z"


class Fleet:
    """The processes of one federation: start them, remember their sessions, stop them all by process id."""

    def __init__(self, log_dir: Path, env: Mapping[str, str]) -> None:
        self.log_dir, self.env = log_dir, dict(env)
        self.started: list[subprocess.Popen[bytes]] = []
        self.sessions: set[int] = set()
        self.seen: dict[int, ProcInfo] = {}

    def start(self, name: str, argv: Sequence[str]) -> subprocess.Popen[bytes]:
        """Start ``argv`` in its own session, output to ``<log_dir>/<name>.log``."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (self.log_dir / f"{name}.log").open("ab") as log:
            proc = subprocess.Popen(  # noqa: S603 - argv is built by sealkeeper from fixed program names
                list(argv), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                start_new_session=True,
            )  # fmt: skip
        self.started.append(proc)
        self.sessions.add(proc.pid)
        self.note()
        return proc

    def note(self) -> None:
        """Remember the sessions (and processes) now below what was started; call it again as children appear."""
        for p in descendants([s.pid for s in self.started], all_processes()):
            self.sessions.add(p.session)
            self.seen.setdefault(p.pid, p)

    def members(self) -> list[ProcInfo]:
        """Every live process in a remembered session, or seen below what was started."""
        self.note()
        live = [p for p in all_processes() if p.session in self.sessions and p.state != "Z"]
        live += [p for p in self.seen.values() if p.pid not in {q.pid for q in live} and alive(p)]
        return live

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM to every member, SIGKILL to those still there after ``grace`` seconds; reap the direct children."""
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
            members = self.members()
            for p in members:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(p.pid, sig)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and any(alive(p) for p in members):
                self._reap()
                time.sleep(0.05)
            if not self.members():
                break
        self._reap()

    def _reap(self) -> None:
        for proc in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0)

    def all_pids(self) -> list[ProcInfo]:
        """Every process this fleet ever saw (for tests: all must be gone after ``stop``)."""
        self.note()
        return list(self.seen.values())

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
