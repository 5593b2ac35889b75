"""Open-loop HTTP load from one asyncio event loop (aiohttp): request i is sent at ``start + i / rate`` whether
or not the earlier ones came back, and its latency counts from that scheduled time, so a slow server cannot
slow the arrivals down (no coordinated omission).

One event loop in one thread, with aiohttp's C parser, costs this process about 0.2 ms of CPU a request. The
thread pool of httpx clients it replaces cost about 1 ms, and its 64 threads contended for this process's
GIL: on a two-core machine the load generator took the server's core and added its own waits to the
latencies it measured (``/healthz`` p99 29 ms at 200/s with threads, 16 ms from one event loop, same server).

Errors (counted by kind): anything but a 2xx, no answer within ``TIMEOUT`` s, or not sent within ``TIMEOUT`` s
of its scheduled time because every connection was busy (so an overloaded run still ends).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

import aiohttp

TIMEOUT = 10.0
Request = Callable[[aiohttp.ClientSession], Awaitable[int]]  # sends one request, answers its status


@dataclass
class Result:
    sent: int
    errors: int
    latencies_ms: list[float]
    kinds: Counter[str] = field(default_factory=Counter)
    cpu_s: float = 0.0  # the server's CPU time over the run
    note: str = ""  # what the caller adds to the printed line

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class Clients:
    """``count`` keep-alive connections to one server, each its own aiohttp session of one connection, lent
    out least recently used first (FIFO), as from ``count`` clients taking turns.

    One aiohttp session with a pool of ``count`` would do: its pool lends the most recently released
    connection first, so at a few requests in flight nearly all of them went over the same two or three
    connections, whatever ``count``. The server's worker processes each serve the connections they accepted,
    so the load followed those few connections to one process (seen: 4,000 of 4,000 requests on one of two
    processes, p50 1.6 s; the other idle). Many offices asking for certificates are many connections."""

    def __init__(self, base: str, headers: dict[str, str], count: int) -> None:
        self.count = count
        self._all = [
            aiohttp.ClientSession(
                base_url=base,
                headers=headers,
                connector=aiohttp.TCPConnector(limit=1, force_close=False, keepalive_timeout=600),
                timeout=aiohttp.ClientTimeout(total=TIMEOUT),
            )
            for _ in range(count)
        ]
        self._idle: asyncio.Queue[aiohttp.ClientSession] = asyncio.Queue()
        for client in self._all:
            self._idle.put_nowait(client)

    async def __aenter__(self) -> Clients:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        for client in self._all:
            await client.close()

    async def borrow(self, timeout: float) -> aiohttp.ClientSession:
        """The least recently used idle connection (TimeoutError when none is free within ``timeout``)."""
        return await asyncio.wait_for(self._idle.get(), timeout=timeout)

    def give_back(self, client: aiohttp.ClientSession) -> None:
        self._idle.put_nowait(client)


def session(base: str, headers: dict[str, str], connections: int) -> Clients:
    """``connections`` keep-alive connections to ``base``, used in turn (``Clients``)."""
    return Clients(base, headers, connections)


async def status_of(response: AbstractAsyncContextManager[aiohttp.ClientResponse]) -> int:
    """The status of a request, its body read (so the connection goes back to the pool)."""
    async with response as answer:
        await answer.read()
        return answer.status


async def run(clients: Clients, rate: int, seconds: float, request: Request) -> Result:
    """Send ``rate`` requests a second for ``seconds`` over ``clients``, open loop."""
    total = int(rate * seconds)
    latencies: list[float] = []
    failures: list[str] = []

    async def one(due: float) -> None:
        try:
            client = await clients.borrow(timeout=max(0.0, TIMEOUT - (time.perf_counter() - due)))
        except TimeoutError:  # waited for a free connection longer than a client would
            failures.append(f"not sent within {TIMEOUT:g} s")
            return
        try:
            status = await request(client)
        except (aiohttp.ClientError, TimeoutError) as exc:
            failures.append(type(exc).__name__)
            return
        finally:
            clients.give_back(client)
        if 200 <= status < 300:
            latencies.append((time.perf_counter() - due) * 1000)
        else:
            failures.append(f"HTTP {status}")

    start = time.perf_counter() + 0.05
    tasks = []
    for i in range(total):
        due = start + i / rate
        pause = due - time.perf_counter()
        if pause > 0:
            await asyncio.sleep(pause)
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    return Result(total, len(failures), latencies, Counter(failures))
