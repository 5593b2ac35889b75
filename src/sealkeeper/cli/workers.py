"""`sealkeeper serve --workers N`: N server processes, each accepting on its own listening socket.

uvicorn's own ``--workers`` shares one listening socket among its processes, and which process accepts a new
connection is a race the kernel does not balance: a keep-alive client's connections all went to one of two
processes (64 of 64, measured with ``bench/bench_certificates.py``), which then served every request while
the other idled. Here each process binds its own socket to the same address with ``SO_REUSEPORT``, and the
kernel spreads new connections over the sockets by a hash of their addresses (Linux ``socket(7)``; what
nginx's ``reuse_port`` and envoy do). No library runs uvicorn this way, so it is written here; uvicorn still
serves each socket (``uvicorn.Server.run(sockets=...)``).

The sockets are all bound here, before any process starts, after checking that nobody else is listening on
the address (``SO_REUSEPORT`` would let another server of the same user join the group and take a share of
the connections). The first process that ends ends the service: the others are stopped and the command exits
with an error, so a process that cannot start (a lost key) is not restarted in a loop.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import signal
import socket
import sys
from collections.abc import Iterator
from multiprocessing.process import BaseProcess
from types import FrameType

from sealkeeper.errors import SealkeeperError

STOP_WAIT_S = 10.0  # how long a process may take to finish its requests before it is killed


class ServeError(SealkeeperError):
    """The service could not listen (the address is taken or not this machine's) or one of its processes ended."""


def uvicorn_options() -> dict[str, object]:
    """How every sealkeeper server process runs uvicorn: uvloop and the httptools parser named (its "auto"
    would pick them too; named, a missing one fails loudly instead of falling back to the slower ones)."""
    return {"log_level": "warning", "access_log": False, "loop": "uvloop", "http": "httptools"}


def _listening(host: str, port: int, *, shared: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if shared:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ServeError(f"--host/--port: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


@contextlib.contextmanager
def listening_sockets(host: str, port: int, count: int) -> Iterator[list[socket.socket]]:
    """``count`` sockets listening on (host, port) in one ``SO_REUSEPORT`` group, once the address was free."""
    _listening(host, port, shared=False).close()  # refused (EADDRINUSE) when anyone listens there already
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sockets.append(_listening(host, port, shared=True))
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def _serve_one(sock: socket.socket, threads: int) -> None:  # pragma: no cover - runs in a server process
    import uvicorn  # noqa: PLC0415 - only the server processes need these

    from sealkeeper.api.app import create_app  # noqa: PLC0415
    from sealkeeper.config import load_settings  # noqa: PLC0415
    from sealkeeper.services.serving import prepare  # noqa: PLC0415

    try:
        settings = load_settings()  # the home named by the environment, as in the process that started this one
        prepare(settings)
    except SealkeeperError as exc:  # said as the command says it (cli.main), not as a traceback
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    config = uvicorn.Config(create_app(settings, threads=threads), **uvicorn_options())  # type: ignore[arg-type]
    uvicorn.Server(config).run(sockets=[sock])


def serve_processes(host: str, port: int, count: int, threads: int) -> int:
    """Run ``count`` server processes on (host, port), each with ``threads`` request threads, until a signal
    or until one of them ends; the exit code (0 after SIGINT or SIGTERM, 1 when a process ended by itself)."""
    context = multiprocessing.get_context("spawn")
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    with listening_sockets(host, port, count) as sockets:
        processes: list[BaseProcess] = [
            context.Process(target=_serve_one, args=(sock, threads), daemon=False) for sock in sockets
        ]
        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for process in processes:
                process.start()
            while not stopping and all(p.is_alive() for p in processes):
                multiprocessing.connection.wait([p.sentinel for p in processes], timeout=0.5)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            _stop_all(processes)
    return 0 if stopping else 1


def _stop_all(processes: list[BaseProcess]) -> None:
    for process in processes:
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn finishes the requests in hand, then exits
    for process in processes:
        process.join(STOP_WAIT_S)
        if process.is_alive():
            process.kill()
            process.join()
