"""The listening sockets of `sealkeeper serve --workers N` (``cli.workers``): one per process in one
``SO_REUSEPORT`` group, made only when nobody listens on the address yet, and a clear error naming the options
when it is taken (no server process is started here: tests/e2e/test_serve_workers.py runs them)."""

from __future__ import annotations

import socket

import pytest

from sealkeeper.cli.workers import ServeError, listening_sockets
from sealkeeper.errors import SealkeeperError


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_each_process_gets_its_own_socket_on_the_same_address() -> None:
    port = _free_port()
    with listening_sockets("127.0.0.1", port, 3) as sockets:
        assert len(sockets) == 3
        assert len({s.fileno() for s in sockets}) == 3
        assert {s.getsockname() for s in sockets} == {("127.0.0.1", port)}
        assert all(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) for s in sockets)
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # the group accepts connections
    assert all(s.fileno() == -1 for s in sockets)  # closed on leaving


def test_an_address_already_listened_on_is_refused_naming_the_options() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = rf"^--host/--port: cannot listen on 127\.0\.0\.1:{port}: "
        with pytest.raises(ServeError, match=refused), listening_sockets("127.0.0.1", port, 2):
            pass


def test_a_second_server_cannot_join_a_running_group() -> None:
    """SO_REUSEPORT would let it in and give it a share of the connections: the free-address check refuses."""
    port = _free_port()
    with (
        listening_sockets("127.0.0.1", port, 2),
        pytest.raises(ServeError, match="cannot listen"),
        listening_sockets("127.0.0.1", port, 2),
    ):
        pass


def test_an_address_not_of_this_machine_is_refused() -> None:
    not_local = "192.0.2.1"  # TEST-NET-1 (RFC 5737): never this machine's
    with (
        pytest.raises(SealkeeperError, match=r"--host/--port: cannot listen on 192\.0\.2\.1:"),
        listening_sockets(not_local, _free_port(), 1),
    ):
        pass
