"""Benchmark: privacy-preserving statistics (issue 8) — the secure sum under homomorphic encryption, and DP
releases.

Secure sum, ``--agencies`` x ``--cells`` counts (default 50 x 4,096), in one run:

- baseline: the plaintext sum of the same vectors (Python ints);
- BFV (TenSEAL, 4,096 slots: one ciphertext per agency), with the round's parameters and, in the same run,
  with SEAL's default coefficient modulus (what the rounds used before): each agency encrypts and serialises; the
  aggregator deserialises and adds (public context only); the authority decrypts the total once. Printed:
  encrypt (all agencies, and the slowest one: agencies encrypt on their own machines in parallel), aggregate,
  decrypt, the whole secure sum serially, and its critical path (slowest agency + aggregate + decrypt);
  ciphertext and public-context sizes, bytes an agency sends (the JSON envelope);
- Paillier (phe with gmpy2, 2,048-bit modulus, one ciphertext per count): a sample of ``--paillier-sample``
  counts is encrypted, added and decrypted, and the per-value rates are extrapolated to the same
  agencies x cells (running all 204,800 encryptions would take many minutes);
- optional ``--http``: the same round with the parties as processes over HTTP on 127.0.0.1 (what
  ``sealkeeper stats secure-sum`` runs), ``--http-runs`` times, the median printed.

DP release, ``--records`` (default 1,000,000) rows over ``--dp-cells`` (default 1,000) cells:

- baseline: exact counting of the rows in Python (the same contribution bounding, no noise), as releases
  counted before;
- the same counts with polars over the rows' columns (``queries.frame_counts``), and OpenDP alone (one
  measurement on the vector domain, noise for every cell, the 95% interval);
- the release: polars counting plus OpenDP's certified discrete Laplace and the 95% intervals at epsilon 1;
- the relative error of cells whose true count is at least 1,000.

Ratios are against the baseline of the same run (the machine is shared: compare ratios between runs).
"""

from __future__ import annotations

import argparse
import base64
import functools
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any, TypeVar

import polars as pl
from phe import paillier  # type: ignore[import-untyped]  # phe ships no type information

from sealkeeper.stats import queries
from sealkeeper.stats import secure_sum as he
from sealkeeper.stats.budget import MICRO
from sealkeeper.stats.queries import QuerySpec, RecordRow, Row
from sealkeeper.stats.release import release_counts

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def vectors(agencies: int, cells: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)  # noqa: S311 - synthetic benchmark data
    return [[rng.randint(0, 1000) for _ in range(cells)] for _ in range(agencies)]


def bfv(data: list[list[int]], cells: int, authority: he.Authority) -> dict[str, Any]:
    envelopes: list[he.Envelope] = []
    times: list[float] = []
    loads: list[float] = []
    for i, vector in enumerate(data):
        key, seconds = timed(lambda: he.PublicKey.load(authority.public))  # each agency loads the key once
        loads.append(seconds)
        start = time.perf_counter()
        envelopes.append(he.encrypt(key, f"agency-{i}", vector))
        times.append(time.perf_counter() - start)
    aggregator = he.Aggregator(authority.public, cells)

    def aggregate() -> bytes:
        for envelope in envelopes:
            aggregator.accept(envelope)
        return aggregator.total()

    total, aggregate_s = timed(aggregate)
    decrypted, decrypt_s = timed(lambda: authority.decrypt_total(total, cells, len(data), 1000))
    return {
        "decrypted": decrypted, "load_median": statistics.median(loads), "encrypt_all": sum(times),
        "encrypt_max": max(times),
        "encrypt_median": statistics.median(times), "aggregate": aggregate_s, "decrypt": decrypt_s,
        "ciphertext": len(envelopes[0].ciphertext), "public": len(authority.public),
        "sent": len(json.dumps(envelopes[0].json()).encode()),
    }  # fmt: skip


def paillier_rates(sample: int) -> dict[str, float]:
    public, private = paillier.generate_paillier_keypair(n_length=2048)
    rng = random.Random(1)  # noqa: S311 - synthetic benchmark data
    a = [rng.randint(0, 1000) for _ in range(sample)]
    b = [rng.randint(0, 1000) for _ in range(sample)]
    enc_a, encrypt_s = timed(lambda: [public.encrypt(x) for x in a])
    enc_b = [public.encrypt(x) for x in b]
    summed, add_s = timed(lambda: [x + y for x, y in zip(enc_a, enc_b, strict=True)])
    plain, decrypt_s = timed(lambda: [private.decrypt(x) for x in summed])
    assert plain == [x + y for x, y in zip(a, b, strict=True)]  # noqa: S101 - the measurement must be right
    size = len(base64.b64encode(enc_a[0].ciphertext(be_secure=False).to_bytes(512, "big")))
    return {"encrypt": encrypt_s / sample, "add": add_s / sample, "decrypt": decrypt_s / sample, "b64": size}


def secure_sum(args: argparse.Namespace) -> None:
    agencies, cells = args.agencies, args.cells
    data = vectors(agencies, cells, args.seed)
    plain, plain_s = timed(lambda: [sum(column) for column in zip(*data, strict=True)])
    seal_default = bfv(data, cells, he.Authority(coeff_mod_bit_sizes=None))
    result = bfv(data, cells, he.Authority())
    assert result["decrypted"] == plain == seal_default["decrypted"]  # noqa: S101 - a wrong total is no result
    serial = result["encrypt_all"] + result["aggregate"] + result["decrypt"]
    critical = result["encrypt_max"] + result["aggregate"] + result["decrypt"]
    print(f"secure sum: {agencies} agencies x {cells:,} counts; decrypted total == plaintext total: True")
    print(f"  baseline plaintext sum            {plain_s * 1e3:9.2f} ms")
    print(
        f"  BFV encrypt, all agencies         {result['encrypt_all'] * 1e3:9.2f} ms "
        f"(median agency {result['encrypt_median'] * 1e3:.2f} ms, slowest {result['encrypt_max'] * 1e3:.2f} ms)"
    )
    print(f"  BFV public key load, per agency   {result['load_median'] * 1e3:9.2f} ms (median; once per round)")
    print(f"  BFV aggregate (deserialise + add) {result['aggregate'] * 1e3:9.2f} ms")
    print(f"  BFV decrypt the total             {result['decrypt'] * 1e3:9.2f} ms")
    print(f"  BFV whole, serially (no key loads) {serial * 1e3:9.2f} ms  ({serial / plain_s:,.0f} x baseline)")
    print(f"  BFV critical path (parallel)      {critical * 1e3:9.2f} ms  ({critical / plain_s:,.0f} x baseline)")
    print(f"  BFV ciphertext per agency {result['ciphertext']:,} B; envelope sent {result['sent']:,} B; "
          f"public context {result['public']:,} B")  # fmt: skip
    old = seal_default["encrypt_all"] + seal_default["aggregate"] + seal_default["decrypt"]
    print(
        f"  SEAL's default coefficient modulus (36+36+37 bits), same run: whole serially {old * 1e3:.2f} ms "
        f"({old / plain_s:,.0f} x baseline; {serial / old:.2f} x of it now), key load "
        f"{seal_default['load_median'] * 1e3:.2f} ms, ciphertext {seal_default['ciphertext']:,} B, envelope "
        f"{seal_default['sent']:,} B"
    )
    rates = paillier_rates(args.paillier_sample)
    n = agencies * cells
    p_encrypt = rates["encrypt"] * n
    p_add = rates["add"] * (agencies - 1) * cells
    p_decrypt = rates["decrypt"] * cells
    p_total = p_encrypt + p_add + p_decrypt
    print(f"  Paillier (phe + gmpy2, 2048-bit), measured on {args.paillier_sample} values, extrapolated:")
    print(f"    encrypt {1 / rates['encrypt']:,.0f} values/s -> {p_encrypt:,.1f} s for {n:,} counts; "
          f"add {p_add:,.2f} s; decrypt {p_decrypt:,.1f} s")  # fmt: skip
    print(
        f"    whole, serially {p_total:,.1f} s  ({p_total / serial:,.0f} x BFV); per agency "
        f"{rates['b64'] * cells / 1e6:,.2f} MB of base64 ciphertexts (BFV: {result['sent'] / 1e6:.2f} MB)"
    )
    if args.http:
        from sealkeeper.services.stats_secure_sum import demo  # noqa: PLC0415 - only with --http

        rounds = [demo(agencies, cells, args.seed) for _ in range(args.http_runs)]
        assert all(r.decrypted_total == r.plaintext_total for r in rounds)  # noqa: S101
        seconds = sorted(r.seconds for r in rounds)
        print(
            f"  over HTTP, parties as processes   {statistics.median(seconds) * 1e3:9.2f} ms  (median of "
            f"{len(seconds)}, {seconds[0] * 1e3:.0f}-{seconds[-1] * 1e3:.0f} ms; {os.cpu_count()} agency worker "
            f"processes; {statistics.median(seconds) / plain_s:,.0f} x baseline)"
        )


def category(row: Row) -> tuple[str, ...]:
    return (row.category,) if isinstance(row, RecordRow) else ()


def dp_release(args: argparse.Namespace) -> None:
    cells = [str(i) for i in range(args.dp_cells)]
    spec = QuerySpec("bench", queries.RECORDS, "bench", 4, lambda _y: tuple(cells), category)
    rng = random.Random(2)  # noqa: S311 - synthetic benchmark data
    people = [f"p{i // 2:07d}" for i in range(args.records)]  # in order, as the store hands rows over
    drawn = [cells[rng.randrange(args.dp_cells)] for _ in range(args.records)]
    rows = [RecordRow(person, "CN", cell, "sealed", 2024) for person, cell in zip(people, drawn, strict=True)]
    (_, exact), baseline_s = timed(functools.partial(queries.counts, spec, rows, 2026))
    del rows  # the release reads the columns, as the store hands them over
    frame = pl.DataFrame({"person": people, "region": ["CN"] * args.records, "category": drawn,
                          "outcome": ["sealed"] * args.records, "year": [2024] * args.records})  # fmt: skip

    def release() -> Any:
        keys, counts = queries.frame_counts(spec, frame, 2026)
        return release_counts("bench", keys, counts, spec.sensitivity(2026), MICRO)

    (_, by_frame), frame_s = timed(lambda: queries.frame_counts(spec, frame, 2026))
    assert by_frame == exact  # noqa: S101 - the same counts either way
    _, noise_s = timed(lambda: release_counts("bench", cells, exact, spec.sensitivity(2026), MICRO))
    result, release_s = timed(release)
    errors = [abs(c.value - t) / t for c, t in zip(result.cells, exact, strict=True) if t >= 1000]
    print(f"DP release: {args.records:,} records over {args.dp_cells:,} cells, epsilon 1, L1 sensitivity 4")
    print(f"  baseline exact counting, row by row {baseline_s:9.3f} s  (what releases counted with before)")
    print(f"  exact counting, polars columns    {frame_s:9.3f} s  ({frame_s / baseline_s:.2f} x baseline)")
    print(f"  OpenDP measurement + noise + 95%  {noise_s:9.3f} s  (one vector measurement a release)")
    print(f"  release (polars count + noise)    {release_s:9.3f} s  ({release_s / baseline_s:.2f} x baseline)")
    if errors:
        width = result.cells[0].ci95[1] - result.cells[0].value
        print(f"  relative error, {len(errors)} cells >= 1,000: max {max(errors):.3%}, "
              f"mean {statistics.fmean(errors):.3%} (95% half-width {width:g})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--cells", type=int, default=4096)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--paillier-sample", type=int, default=200)
    parser.add_argument("--http", action="store_true", help="also run the round over HTTP with processes")
    parser.add_argument("--http-runs", type=int, default=5, help="rounds over HTTP (the median is printed)")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--dp-cells", type=int, default=1000)
    parser.add_argument("--skip-dp", action="store_true")
    parser.add_argument("--skip-he", action="store_true")
    args = parser.parse_args()
    if not args.skip_he:
        secure_sum(args)
    if not args.skip_dp:
        dp_release(args)


if __name__ == "__main__":
    main()
