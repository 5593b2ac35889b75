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

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def session(base: str, headers: dict[str, str], connections: int) -> aiohttp.ClientSession:
    """A keep-alive session of at most ``connections`` connections to ``base``."""
    return aiohttp.ClientSession(
        base_url=base,
        headers=headers,
        connector=aiohttp.TCPConnector(limit=connections, force_close=False),
        timeout=aiohttp.ClientTimeout(total=TIMEOUT),
    )


async def status_of(response: AbstractAsyncContextManager[aiohttp.ClientResponse]) -> int:
    """The status of a request, its body read (so the connection goes back to the pool)."""
    async with response as answer:
        await answer.read()
        return answer.status


async def run(client: aiohttp.ClientSession, rate: int, seconds: float, request: Request) -> Result:
    """Send ``rate`` requests a second for ``seconds`` on ``client``, open loop."""
    total = int(rate * seconds)
    latencies: list[float] = []
    failures: list[str] = []
    slots = asyncio.Semaphore(client.connector.limit if client.connector and client.connector.limit else 64)

    async def one(due: float) -> None:
        try:
            await asyncio.wait_for(slots.acquire(), timeout=max(0.0, TIMEOUT - (time.perf_counter() - due)))
        except TimeoutError:  # waited for a free connection longer than a client would
            failures.append(f"not sent within {TIMEOUT:g} s")
            return
        try:
            status = await request(client)
        except (aiohttp.ClientError, TimeoutError) as exc:
            failures.append(type(exc).__name__)
            return
        finally:
            slots.release()
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
