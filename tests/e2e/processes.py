"""Stopping a process the e2e tests started: by its id, politely first, then killed (shared by the tests that
run `sealkeeper serve`)."""

from __future__ import annotations

import subprocess


def stop(proc: subprocess.Popen[str]) -> None:
    """Terminate ``proc`` and wait for it; kill it if it has not ended within 30 s."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)
