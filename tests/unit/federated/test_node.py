"""The SuperNode entry point's shorter idle poll, and the Flower constant it shortens (flwr is pinned)."""

from __future__ import annotations

import inspect
import time

import pytest
from flwr.supernode import start_client_internal

from sealkeeper.federated.node import patched_time


def test_flower_supernode_still_sleeps_three_seconds_when_idle() -> None:
    # if an upgrade of flwr removes this sleep, the patch in sealkeeper.federated.node is to be revisited
    assert "time.sleep(3)" in inspect.getsource(start_client_internal)


def test_patched_time_caps_sleep_and_keeps_the_rest_of_time(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    fake = patched_time(0.01)
    fake.sleep(3)
    fake.sleep(0.001)
    assert slept == [0.01, 0.001]
    assert fake.time is time.time
    assert fake.perf_counter is time.perf_counter
