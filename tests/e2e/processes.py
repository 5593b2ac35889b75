"""The processes the e2e tests start: a free loopback port for a server, waiting until it answers its health
check, and stopping it by its id, politely first, then killed (shared by the tests that run `sealkeeper serve`)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(proc: subprocess.Popen[str], base: str, tries: int = 240) -> None:
    """Wait (0.25 s between tries, whatever the answer) until ``base``/healthz answers 200; fail the test with the
    server's error output if it never does or the process ended."""
    for _ in range(tries):
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        if proc.poll() is not None:
            break
        time.sleep(0.25)
    pytest.fail(f"the service did not start: {proc.stderr.read() if proc.stderr else ''}")


def stop(proc: subprocess.Popen[str]) -> None:
    """Terminate ``proc`` and wait for it; kill it if it has not ended within 30 s."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)
