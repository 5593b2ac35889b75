"""``python -m sealkeeper.federated.executor ARGS``: Flower's ``flower-superexec ARGS`` with a forking executor.

Flower 1.42's SuperExec starts a fresh ``flwr-clientapp`` process for every message a SuperNode receives
(``SubprocessExecutor``). Importing flwr, numpy, scikit-learn and the reader takes seconds of CPU here, and
SecAgg+ sends each agency four messages a round. This entry point imports all of that once and runs Flower's own
SuperExec loop (``flwr.supercore.cli.flower_superexec``) with one change: its executor forks the already warm
process for each task, and the child runs Flower's own ``run_clientapp`` for that task's token. The SuperNodes
are started with ``--isolation process`` (Flower's option for a SuperExec started outside the SuperNode), and
``runtime`` starts one of these per SuperNode. Children are reaped here, and stopped by process id with the rest.
"""

from __future__ import annotations

import contextlib
import os
import sys

from flwr.supercore.constant import TaskType
from flwr.supercore.superexec import run_superexec as superexec_module
from flwr.supercore.superexec.executor.types import ExecutionSpec, LaunchResult
from flwr.supernode.runtime.run_clientapp import run_clientapp

import sealkeeper.federated.client_app  # noqa: F401 - imported once here, before any fork


class ForkExecutor:
    """Runs each task in a child forked from this warm process (Flower's ``Executor`` interface)."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.children: set[int] = set()

    def get_eligible_capacity(self, supported_task_types: set[object], **_: object) -> tuple[set[object], set[str]]:
        return supported_task_types, set()

    def wait_for_capacity(self, *_: object, **__: object) -> None:
        """No capacity limit: tasks arrive one at a time per SuperNode."""

    def launch(self, spec: ExecutionSpec) -> LaunchResult:
        if spec.task_type != TaskType.CLIENT_APP:
            return LaunchResult.failed(f"this SuperExec runs ClientApps only, not {spec.task_type}")
        pid = os.fork()
        if pid == 0:  # the child: run the one task, then leave without running the parent's exit handlers
            code = 0
            try:
                run_clientapp(
                    runtime_api_address=spec.runtime_api_address, token=spec.token, insecure=spec.insecure,
                    parent_pid=spec.parent_pid,
                )  # fmt: skip
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else 1
            except BaseException:  # a child must never return into the parent's loop
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.children.add(pid)
        return LaunchResult.accepted()

    def reconcile(self) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ChildProcessError):
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done == 0:
                    continue
            self.children.discard(pid)

    def close(self) -> None:
        if os.getpid() == self.owner:
            self.reconcile()


def main() -> None:
    from flwr.supercore.cli.flower_superexec import flower_superexec  # noqa: PLC0415 - after the patch below

    superexec_module.get_executor = lambda *_, **__: ForkExecutor()  # type: ignore[attr-defined,assignment]  # duck-typed Executor
    sys.argv[0] = "flower-superexec"
    flower_superexec()


if __name__ == "__main__":
    main()
