"""A federation run for real: ``flower-superlink``, one ``flower-supernode`` per agency and ``flwr run``, as
separate processes on 127.0.0.1, with free ports chosen at run time.

Transport is plain HTTP on the loopback interface (``--insecure``): nothing leaves the machine. A deployment
across agencies would give the SuperLink a TLS certificate (``--ssl-certfile``/``--ssl-keyfile``) and the
SuperNodes ``--root-certificates``, and authenticate SuperNodes. Nothing is installed at run time
(``FLWR_DISABLE_RUNTIME_DEPENDENCY_INSTALLATION=1``: the apps come from this environment), telemetry and the
update check are off, and ``FLWR_HOME`` is the run's own directory (the CLI's connection file lives there).

Flower 1.42 as it comes polls at every hop: a SuperNode whose fleet pull finds nothing sleeps 3 s (a constant in
``flwr.supernode.start_client_internal``), its SuperExec polls for tasks every second
(``FLWR_SUPEREXEC_TASK_POLL_INTERVAL``) and starts a fresh ``flwr-clientapp`` process for every message, and the
ServerApp's Grid pulls replies every 3 s. SecAgg+ takes four exchanges a round, each paying all of that. So,
tuned (the default): nodes run through ``sealkeeper.federated.node`` (idle sleep capped at ``poll``) with
``--isolation process`` and a forking SuperExec of ours (``sealkeeper.federated.executor``, task poll ``poll``),
and the ServerApp pulls every ``poll`` seconds (``server_app.CountingGrid``). Measured with 5 SuperNodes under a
loaded machine: about 17 s a SecAgg+ round against about 190 s as it comes (``bench/bench_federated.py``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sealkeeper.errors import SealkeeperError
from sealkeeper.federated.plan import Plan, app_pyproject
from sealkeeper.federated.processes import Fleet, ProcInfo
from sealkeeper.federated.server_app import FAILED, PARAMS, RESULTS


class FederationError(SealkeeperError):
    """The federation could not be started or its run failed; names the process log to read."""


@dataclass(frozen=True)
class Outcome:
    """What the ServerApp wrote back: final parameters and its summary, and the wall time of the run."""

    params: list[Any]
    summary: dict[str, Any]
    seconds: float
    processes: list[ProcInfo]  # every process the run started or saw below them (all stopped by now)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float, alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise FederationError(f"a process exited before listening on 127.0.0.1:{port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise FederationError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def environment(home: Path, poll: float | None) -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env.update({
        "PATH": bin_dir + os.pathsep + env.get("PATH", ""),
        "FLWR_HOME": str(home),
        "FLWR_DISABLE_RUNTIME_DEPENDENCY_INSTALLATION": "1",
        "FLWR_TELEMETRY_ENABLED": "0",
        "FLWR_DISABLE_UPDATE_CHECK": "1",
        "PYTHONUNBUFFERED": "1",
    })  # fmt: skip
    if poll is not None:
        env.update({"FLWR_SUPEREXEC_TASK_POLL_INTERVAL": str(poll), "SEALKEEPER_FLWR_NODE_POLL": str(poll)})
    return env


def _start_node(fleet: Fleet, index: int, link_port: int, *, tuned: bool) -> None:
    """One agency's SuperNode (and, tuned, its forking SuperExec) with ``agency=<index>`` as node config."""
    node_port = free_port()
    common = ["--insecure", "--superlink", f"127.0.0.1:{link_port}", "--port", str(node_port),
              "--node-config", f"agency={index}"]  # fmt: skip
    if not tuned:
        fleet.start(f"supernode-{index}", [str(Path(sys.executable).parent / "flower-supernode"), *common])
        return
    node = fleet.start(
        f"supernode-{index}", [sys.executable, "-m", "sealkeeper.federated.node", "--isolation", "process", *common]
    )
    wait_for_port(node_port, 60, lambda: node.poll() is None)
    fleet.start(
        f"superexec-{index}",
        [sys.executable, "-m", "sealkeeper.federated.executor", "--insecure",
         "--runtime-api-address", f"127.0.0.1:{node_port}", "--parent-pid", str(node.pid)],
    )  # fmt: skip


def run_federation(
    plan: Plan, workdir: Path, *, poll: float = 0.1, tuned: bool = True, timeout: float = 900.0
) -> Outcome:
    """Start the SuperLink and the SuperNodes, run the app through the SuperLink, read its results, stop all.

    ``tuned=False`` runs Flower as it comes (``flower-supernode`` with its own SuperExec, Flower's poll
    intervals, the ServerApp pulling replies every 3 s as Flower's Grid does): the benchmark's reference.
    """
    out = workdir / "out"
    plan = Plan(**{**plan.__dict__, "out": str(out), "poll": poll if tuned else 3.0})
    home, app_dir, logs = workdir / "flwr-home", workdir / "app", workdir / "logs"
    home.mkdir(parents=True, exist_ok=True)
    app_dir.mkdir(parents=True, exist_ok=True)
    (app_dir / "pyproject.toml").write_text(app_pyproject(plan.run_config()), encoding="utf-8")
    env = environment(home, poll if tuned else None)
    start = time.perf_counter()
    with Fleet(logs, env) as fleet:
        link_port = free_port()
        (home / "config.toml").write_text(
            f'[superlink]\ndefault = "sealkeeper"\n\n[superlink.sealkeeper]\n'
            f'address = "127.0.0.1:{link_port}"\ninsecure = true\n',
            encoding="utf-8",
        )
        bin_dir = Path(sys.executable).parent
        link = fleet.start("superlink", [str(bin_dir / "flower-superlink"), "--insecure", "--port", str(link_port)])
        wait_for_port(link_port, 60, lambda: link.poll() is None)
        for index in range(plan.agencies):
            _start_node(fleet, index, link_port, tuned=tuned)
        submitted = subprocess.run(  # noqa: S603 - fixed program, arguments built here
            [str(bin_dir / "flwr"), "run", str(app_dir), "sealkeeper", "--format", "json",
             *[arg for item in plan.run_config_args() for arg in ("--run-config", item)]],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if submitted.returncode != 0:
            raise FederationError(
                f"flwr run failed: {submitted.stdout.strip()[-300:]} {submitted.stderr.strip()[-300:]}"
            )
        run_id = str(json.loads(submitted.stdout).get("run-id"))
        fleet.note()
        _wait_for_results(out, fleet, env, run_id, start + timeout)
        fleet.note()
    elapsed = time.perf_counter() - start
    summary = json.loads((out / RESULTS).read_text(encoding="utf-8"))
    import numpy as np  # noqa: PLC0415 - numpy only once the results are there

    with np.load(out / PARAMS) as arrays:
        params = [arrays[f"arr_{i}"] for i in range(len(arrays.files))]
    return Outcome(params, summary, elapsed, fleet.all_pids())


def _wait_for_results(out: Path, fleet: Fleet, env: dict[str, str], run_id: str, deadline: float) -> None:
    """Wait for the ServerApp's results; fail when the run has finished without them, or at the deadline."""
    checked = time.monotonic()
    while not (out / RESULTS).exists():
        if time.perf_counter() > deadline:
            raise FederationError(f"run {run_id}: no results before the deadline (logs in {fleet.log_dir})")
        if any(p.poll() is not None for p in fleet.started):
            raise FederationError(f"run {run_id}: a Flower process exited (logs in {fleet.log_dir})")
        if (out / FAILED).exists():
            reason = (out / FAILED).read_text(encoding="utf-8")
            raise FederationError(f"run {run_id}: the ServerApp failed: {reason} (logs in {fleet.log_dir})")
        if time.monotonic() - checked > 60:  # the flwr CLI costs seconds of CPU: only to catch a crash at start
            checked = time.monotonic()
            fleet.note()
            status = _run_status(env, run_id)
            if status.startswith("finished") and not (out / RESULTS).exists():
                raise FederationError(f"run {run_id} {status} without results (logs in {fleet.log_dir})")
        time.sleep(0.1)


def _run_status(env: dict[str, str], run_id: str) -> str:
    ls = subprocess.run(  # noqa: S603 - fixed program, arguments built here
        [str(Path(sys.executable).parent / "flwr"), "ls", "sealkeeper", "--run-id", run_id, "--format", "json"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    try:
        runs = json.loads(ls.stdout).get("runs", [])
    except json.JSONDecodeError:
        return ""
    return str(runs[0].get("status", "")) if runs else ""
