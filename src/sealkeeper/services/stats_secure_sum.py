"""The secure sum across agencies, as separate processes talking HTTP on 127.0.0.1 (issue 8).

- The aggregator is its own process (``serve_aggregator``): a small HTTP server that is given the round's
  public context (never a secret key), accepts encrypted contributions (``POST /contributions``), rejects a
  bad one with a 400 naming the party and the reason (the running total untouched), and hands out the
  encrypted total (``GET /total``).
- Each agency (``submit``) fetches the public context, encrypts its counts and posts the envelope; in the
  demonstration the agencies run in worker processes, each submission its own HTTP exchange.
- The statistics authority (the calling process) makes the keys, opens the round, decrypts only the total
  and adds differential-privacy noise before anything is published (``publish``).

Nothing is logged: the aggregator's request log is switched off (a count vector is not personal data, but an
agency's counts must not be written anywhere in clear, and they never reach the aggregator in clear anyway).
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sealkeeper.stats import secure_sum as he
from sealkeeper.stats.errors import CiphertextRejectedError, StatsError

MAX_BODY = 8 * 1024 * 1024
MAX_AGENCY_COUNT = 1_000  # the demonstration's counts per agency and cell: 0..1000
TIMEOUT = 60.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    aggregator: he.Aggregator | None = None
    round_reply: bytes = b""  # the round's public context as every agency fetches it: serialised once


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """No request log (see the module docstring)."""

    def _reply(self, status: int, body: dict[str, Any] | bytes) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY:
            raise StatsError(f"body: 1 to {MAX_BODY} bytes")
        try:
            return json.loads(self.rfile.read(length))
        except ValueError:
            raise StatsError("body: not JSON") from None

    def do_PUT(self) -> None:
        """Open the round: the authority sends the public context and the number of cells."""
        try:
            if self.path != "/round":
                return self._reply(404, {"error": "not found"})
            if self.server.aggregator is not None:
                return self._reply(409, {"error": "the round is already open"})
            body = self._body()
            public = he.unb64(body.get("public"), "public")
            aggregator = he.Aggregator(public, int(body.get("cells", 0)))
            reply = {"public": he.b64(public), "cells": aggregator.cells, "key_id": aggregator.key_id}
            self.server.round_reply = json.dumps(reply).encode("utf-8")
            self.server.aggregator = aggregator
            self._reply(200, {"key_id": aggregator.key_id})
        except (StatsError, ValueError, TypeError, AttributeError) as exc:
            self._reply(400, {"error": str(exc) if isinstance(exc, StatsError) else "round: malformed"})

    def do_GET(self) -> None:
        aggregator = self.server.aggregator
        if aggregator is None:
            return self._reply(409, {"error": "no round is open"})
        if self.path == "/round":
            return self._reply(200, self.server.round_reply)
        if self.path == "/total":
            try:
                total = aggregator.total()
            except StatsError as exc:
                return self._reply(409, {"error": str(exc)})
            return self._reply(200, {"parties": aggregator.parties, "ciphertext": he.b64(total)})
        return self._reply(404, {"error": "not found"})

    def do_POST(self) -> None:
        aggregator = self.server.aggregator
        if self.path != "/contributions":
            return self._reply(404, {"error": "not found"})
        if aggregator is None:
            return self._reply(409, {"error": "no round is open"})
        try:
            envelope = he.Envelope.from_json(self._body())
            aggregator.accept(envelope)
        except StatsError as exc:
            return self._reply(400, {"error": str(exc)})
        return self._reply(200, {"accepted": envelope.party, "parties": len(aggregator.parties)})


def serve_aggregator(ports: Any) -> None:
    """Run the aggregator on 127.0.0.1 (a free port, put on the ``ports`` queue) until the process ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    ports.put(server.server_address[1])
    server.serve_forever()


def _call(method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any], int]:
    data = None if body is None else json.dumps(body).encode("utf-8")
    if not url.startswith("http://127.0.0.1:"):
        raise StatsError(f"url: the parties talk on http://127.0.0.1 only, not {url[:40]!r}")
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 - checked above
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - http://127.0.0.1 only
            return response.status, json.loads(response.read()), len(data or b"")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}"), len(data or b"")


@functools.lru_cache(maxsize=2)
def public_key(public: bytes) -> he.PublicKey:
    """The round's public context, loaded once per process (TenSEAL builds SEAL's context from it: about 2 ms,
    more than the encryption). In the demonstration a worker process plays several agencies of one round, as
    an agency's machine would serve several rounds under the authority's key; each agency still fetches the
    round and encrypts under exactly the bytes it fetched (the cache is keyed by them)."""
    return he.PublicKey.load(public)


def submit(url: str, party: str, counts: list[int]) -> dict[str, Any]:
    """One agency: fetch the round's public context, encrypt its counts, post them. Returns what happened."""
    status, round_, _ = _call("GET", f"{url}/round")
    if status != 200:
        return {"party": party, "accepted": False, "error": round_.get("error", f"HTTP {status}")}
    public = he.unb64(round_.get("public"), "public")
    start = time.perf_counter()
    envelope = he.encrypt(public_key(public), party, counts)
    encrypt_seconds = time.perf_counter() - start
    status, reply, sent = _call("POST", f"{url}/contributions", envelope.json())
    return {
        "party": party, "accepted": status == 200, "error": reply.get("error"), "bytes_sent": sent,
        "ciphertext_bytes": len(envelope.ciphertext), "encrypt_seconds": encrypt_seconds,
    }  # fmt: skip


def _submit(args: tuple[str, str, list[int]]) -> dict[str, Any]:
    return submit(*args)


def _ready(_: int) -> int:
    """A no-op a worker runs once, so that it has imported this module (and TenSEAL) before the clock starts."""
    return he.POLY_MODULUS_DEGREE


@dataclass
class Round:
    """A running aggregator process and the authority that opened its round."""

    cells: int
    authority: he.Authority = field(default_factory=he.Authority)
    process: Any = None
    url: str = ""

    def __enter__(self) -> Round:
        context = multiprocessing.get_context("spawn")
        ports = context.Queue()
        self.process = context.Process(target=serve_aggregator, args=(ports,), daemon=True)
        self.process.start()
        self.url = f"http://127.0.0.1:{ports.get(timeout=TIMEOUT)}"
        status, reply, _ = _call(
            "PUT", f"{self.url}/round", {"public": he.b64(self.authority.public), "cells": self.cells}
        )
        if status != 200:
            raise StatsError(f"the aggregator did not open the round: {reply.get('error')}")
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.join(timeout=10)

    def total(self, max_count: int) -> tuple[list[str], list[int]]:
        """The authority fetches the encrypted total and decrypts it (only it can)."""
        status, reply, _ = _call("GET", f"{self.url}/total")
        if status != 200:
            raise StatsError(f"no total: {reply.get('error')}")
        parties = list(reply["parties"])
        total = he.unb64(reply.get("ciphertext"), "total")
        return parties, self.authority.decrypt_total(total, self.cells, len(parties), max_count)


@dataclass(frozen=True)
class DemoResult:
    agencies: int
    cells: int
    decrypted_total: list[int]
    plaintext_total: list[int]
    seconds: float
    submissions: list[dict[str, Any]]

    def json(self) -> dict[str, Any]:
        return {
            "agencies": self.agencies, "cells": self.cells, "decrypted_total": self.decrypted_total,
            "plaintext_total": self.plaintext_total, "seconds": round(self.seconds, 4),
        }  # fmt: skip


def agency_counts(agencies: int, cells: int, seed: int) -> list[list[int]]:
    """The demonstration's synthetic counts: agency i's vector (the agencies' own, secret, data)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demonstration data, reproducible by seed; not a secret
    return [[rng.randint(0, MAX_AGENCY_COUNT) for _ in range(cells)] for _ in range(agencies)]


def demo(agencies: int, cells: int, seed: int = 0, workers: int | None = None) -> DemoResult:
    """Run a whole round locally: aggregator process, agencies in worker processes, authority decrypts.

    The agencies share ``workers`` processes, by default one per core: on a machine with fewer cores than
    agencies, more processes only contend for the cores (bench/bench_secure_sum.py --http measures it)."""
    if not 1 <= agencies <= 500:
        raise StatsError("agencies: 1 to 500")
    if not 1 <= cells <= he.POLY_MODULUS_DEGREE:
        raise StatsError(f"cells: 1 to {he.POLY_MODULUS_DEGREE}")
    vectors = agency_counts(agencies, cells, seed)
    plaintext = [sum(column) for column in zip(*vectors, strict=True)]  # computed apart, for comparison only
    context = multiprocessing.get_context("spawn")
    processes = workers or min(agencies, os.cpu_count() or 1)
    with Round(cells) as round_, context.Pool(processes) as pool:
        pool.map(_ready, range(4 * processes), chunksize=1)  # every worker ready before timing
        start = time.perf_counter()
        jobs = [(round_.url, f"agency-{i + 1:03d}", vector) for i, vector in enumerate(vectors)]
        submissions = pool.map(_submit, jobs)
        rejected = [s for s in submissions if not s["accepted"]]
        if rejected:
            raise CiphertextRejectedError(rejected[0]["party"], str(rejected[0]["error"]))
        _, decrypted = round_.total(MAX_AGENCY_COUNT)
        seconds = time.perf_counter() - start
    return DemoResult(agencies, cells, decrypted, plaintext, seconds, submissions)


def publish(total: list[int], epsilon: str) -> Any:
    """The authority's publication of a decrypted total: OpenDP noise first (one person is one count in one
    agency's cell, so the L1 sensitivity is 1). Returns a ``stats.release.Release``."""
    from sealkeeper.stats.budget import parse_epsilon  # noqa: PLC0415 - OpenDP only when publishing
    from sealkeeper.stats.release import release_counts  # noqa: PLC0415

    return release_counts("secure-sum", [str(i) for i in range(len(total))], total, 1, parse_epsilon(epsilon))
