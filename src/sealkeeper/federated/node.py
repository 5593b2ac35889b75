"""``python -m sealkeeper.federated.node ARGS``: ``flower-supernode ARGS`` with a shorter idle poll.

Flower 1.42's SuperNode sleeps a fixed 3 seconds whenever its pull from the SuperLink finds no message
(``time.sleep(3)`` in ``flwr.supernode.start_client_internal``; no option or variable sets it). SecAgg+ makes
four exchanges a round, so the idle sleep dominates a round. This entry point gives that module a ``time`` whose
``sleep`` caps every pause at ``SEALKEEPER_FLWR_NODE_POLL`` seconds (default 0.1), then runs Flower's own
``flower-supernode`` entry point unchanged. flwr is pinned (==1.42.0); a test checks the sleep is still there.
"""

from __future__ import annotations

import os
import sys
import time
import types


def patched_time(cap: float) -> types.SimpleNamespace:
    """A stand-in for the ``time`` module as that Flower module uses it: ``sleep`` capped at ``cap`` seconds."""
    names = {name: getattr(time, name) for name in dir(time) if not name.startswith("_")}
    names["sleep"] = lambda seconds: time.sleep(min(seconds, cap))
    return types.SimpleNamespace(**names)


def main() -> None:
    from flwr.supernode import start_client_internal  # noqa: PLC0415 - patched before the SuperNode starts
    from flwr.supernode.cli import flower_supernode  # noqa: PLC0415

    start_client_internal.time = patched_time(float(os.environ.get("SEALKEEPER_FLWR_NODE_POLL", "0.1")))  # type: ignore[attr-defined,assignment]  # its module-level time, replaced
    sys.argv[0] = "flower-supernode"
    flower_supernode()


if __name__ == "__main__":
    main()
