"""Benchmark: encrypted import of 100,000 synthetic people, against a plaintext import in the same run.

Encrypted: ``services.importing.import_file`` (what ``sealkeeper import`` runs) into a fresh SQLite home made
by ``init``: read and parse the file, check it, plan (a data key per person wrapped by the key file's KEK,
name / ID number / address and notes sealed with the suite's AEAD, a keyed blind index of the ID number, a
keyed digest per bundle), decide every record with the CN pack, write every row in one transaction.

Plaintext baseline: the very same pipeline, schema and rows, in a second fresh home, with the cipher replaced
by the identity (a ``Protector`` subclass): fields are stored as their UTF-8 bytes in the same columns, the
"data key" is 32 zero bytes stored as itself, the blind index and the digests are unkeyed SHA-256. Only the
cryptography differs, so the ratio encrypted / plaintext is its cost. Both run in the same process, on the
same file, best of ``--runs``; the machines here are shared and noisy, so compare ratios between runs. Each
import's CPU seconds (this process) are printed as well: on a shared machine they swing far less than wall time.

Lookup by ID number (p50/p99 over ``--lookups`` random people), two ways:
  service:  ``services.records.find_subject`` per lookup, as ``sealkeeper person --id-number`` does
            (opens the store, checks the schema revision, unwraps the blind-index key, HMAC, indexed query);
  indexed:  on one open connection with the keys already unwrapped, ``Protector.blind_index`` +
            ``store.repository.subjects_by_index`` (HMAC-SHA-256 + one indexed SELECT).

Stages of the encrypted import are timed from the progress callback: read (read + parse + check, then open
the store and unwrap the index key), protect (plan: keys, seals, blind index, digests), decide (the engine),
write (every insert, then the commit). Run with ``make bench`` or ``python bench/bench_import.py``;
``--profile`` prints where the encrypted import spends its time (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from sealkeeper.config import Settings
from sealkeeper.services import importing, records
from sealkeeper.services.importing import ImportReport, import_file
from sealkeeper.services.protection import Protector, open_protector
from sealkeeper.services.store_access import close_all, open_store
from sealkeeper.store import repository as repo
from sealkeeper.store.database import transaction
from sealkeeper.synth.population import generate, write_bundles
from sealkeeper.vault.providers import WrappedKey

AS_OF = dt.date(2026, 6, 30)
STAGES = ("reading", "protecting", "deciding", "writing")
TARGET_RATE = 20_000
TARGET_RATIO = 0.5


class PlainProtector(Protector):
    """The baseline's cipher: the identity. Same calls, same row shapes, no cryptography."""

    PLAIN_KEY = bytes(32)

    def blind_index(self, id_number: str) -> bytes:
        return hashlib.sha256(("id_number\x00" + id_number).encode("utf-8")).digest()

    def keyed_digest(self, canonical: str) -> str:
        return hashlib.sha256(("digest\x00" + canonical).encode("utf-8")).hexdigest()

    def new_key(self) -> tuple[bytes, WrappedKey]:
        return self.PLAIN_KEY, WrappedKey("plain", self.PLAIN_KEY)

    def data_key(self, token: str, kek_id: str | None, blob: bytes | None) -> bytes:
        return self.PLAIN_KEY

    def seal(self, dek: bytes, record_id: str, field: str, version: int, text: str) -> bytes:
        return text.encode("utf-8")

    def seal_many(self, dek: bytes, record_id: str, version: int, fields: list[tuple[str, str]]) -> list[bytes]:
        return [text.encode("utf-8") for _, text in fields]

    def unseal(self, dek: bytes, record_id: str, field: str, version: int, blob: bytes) -> str:
        return blob.decode("utf-8")


def open_plain_protector(conn: Any, settings: Settings) -> Protector:
    real = open_protector(conn, settings)  # the same start-up work: read the key file, unwrap the index key
    return PlainProtector(real.suite, real.provider, real.index_key)


@dataclass
class Timed:
    seconds: float
    stages: dict[str, float]
    report: ImportReport
    cpu: float = 0.0  # this process's CPU seconds: steadier than wall time when other work shares the cores


def new_settings(root: Path, name: str) -> Settings:
    home = root / name
    return Settings(home=home, database_url=f"sqlite:///{home / 'sealkeeper.db'}")


def new_home(root: Path, name: str) -> Settings:
    settings = new_settings(root, name)
    records.init_home(settings)
    return settings


def timed_import(settings: Settings, path: Path, profiler: cProfile.Profile | None = None) -> Timed:
    marks: list[tuple[str, float]] = []

    def progress(stage: str) -> None:
        marks.append((stage, time.perf_counter()))

    start, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    report = import_file(settings, path, AS_OF, AS_OF, progress=progress)
    if profiler is not None:
        profiler.disable()
    end, cpu = time.perf_counter(), time.process_time() - cpu
    ends = [t for _, t in marks[1:]] + [end]
    stages = {stage: t_end - t for (stage, t), t_end in zip(marks, ends, strict=True)}
    return Timed(end - start, stages, report, cpu)


@contextmanager
def plaintext() -> Iterator[None]:
    with mock.patch.object(importing, "open_protector", open_plain_protector):
        yield


def best(runs: list[Timed]) -> Timed:
    return min(runs, key=lambda r: r.seconds)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return cuts[49], cuts[98]


def lookups(settings: Settings, ids: list[str], n: int) -> dict[str, tuple[float, float]]:
    rng = random.Random(11)  # noqa: S311 - choosing benchmark samples
    sample = [rng.choice(ids) for _ in range(n)]

    def measure(find: Callable[[str], str | None]) -> tuple[float, float]:
        times = []
        for id_number in sample:
            start = time.perf_counter()
            token = find(id_number)
            times.append(time.perf_counter() - start)
            if token is None:
                raise SystemExit("a lookup found nobody: the blind index lost a person")
        return percentiles(times)

    engine = open_store(settings)
    with transaction(engine) as conn:
        protector = open_protector(conn, settings)

        def indexed(id_number: str) -> str | None:
            return next(iter(repo.subjects_by_index(conn, [protector.blind_index(id_number)]).values()), None)

        out = {"indexed": measure(indexed)}
    out["service"] = measure(lambda id_number: records.find_subject(settings, id_number))
    return out


def profile_text(profiler: cProfile.Profile, top: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def write_population(path: Path, people: int, seed: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        write_bundles(generate(people, seed, as_of=AS_OF, identities=True), handle)


def report(n: int, runs: int, plain: Timed, sealed: Timed, *, found: dict[str, tuple[float, float]], k: int) -> None:
    plain_rate, sealed_rate = n / plain.seconds, n / sealed.seconds
    ratio = sealed_rate / plain_rate
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"people {n:,}  new subjects {sealed.report.new_people:,}  SQLite  best of {runs}  (load average {load})")
    print("baseline: the same pipeline and schema with the cipher replaced by the identity (plaintext bytes in")
    print("          the same columns, unwrapped zero data keys, unkeyed SHA-256 for blind index and digests)")
    print(f"plaintext import   {plain.seconds:8.2f} s  {plain_rate:>10,.0f} people/s")
    print(
        f"encrypted import   {sealed.seconds:8.2f} s  {sealed_rate:>10,.0f} people/s  "
        f"ratio {ratio:.2f} of plaintext (target >= {TARGET_RATIO:.2f}: {verdict(ratio >= TARGET_RATIO)}; "
        f">= {TARGET_RATE:,} people/s: {verdict(sealed_rate >= TARGET_RATE)})"
    )
    print(
        f"CPU time (this process): plaintext {plain.cpu:.2f} s ({n / plain.cpu:,.0f} people per CPU-second), "
        f"encrypted {sealed.cpu:.2f} s ({n / sealed.cpu:,.0f}), ratio {plain.cpu / sealed.cpu:.2f}"
    )
    print("stages          encrypted        plaintext")
    for stage in STAGES:
        a, b = sealed.stages.get(stage, 0.0), plain.stages.get(stage, 0.0)
        print(f"  {stage:<12} {a:8.2f} s {a / sealed.seconds:4.0%}  {b:8.2f} s {b / plain.seconds:4.0%}")
    print("  (reading: read, parse, check, open the store; protecting: plan, keys, seals, blind index, digests;")
    print("   deciding: the CN pack over the file; writing: every insert and the commit)")
    print(f"lookup by ID number through the blind index, {k:,} random people:")
    labels = {
        "indexed": "HMAC + indexed SELECT on an open connection",
        "service": "records.find_subject (open store, check schema, unwrap index key, HMAC, SELECT)",
    }
    for kind, (p50, p99) in found.items():
        print(f"  {kind:<8} p50 {p50 * 1e3:7.3f} ms  p99 {p99 * 1e3:7.3f} ms   {labels[kind]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1, help="imports of each kind; the best is reported")
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="cProfile one more encrypted import")
    parser.add_argument("--top", type=int, default=30, help="rows of the profile to print")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        source, warm = root / "people.jsonl", root / "warm-up.jsonl"
        start = time.perf_counter()
        write_population(source, args.people, args.seed)
        print(f"synthesised {args.people:,} people in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        write_population(warm, 200, args.seed + 1)
        timed_import(new_home(root, "warm-up"), warm)  # compile the validators, load the pack: not timed

        plain_runs, sealed_runs = [], []
        for run in range(args.runs):  # alternate the two kinds, so that drift on a shared machine hits both
            with plaintext():
                plain_runs.append(timed_import(new_home(root, f"plain-{run}"), source))
            sealed_runs.append(timed_import(new_home(root, f"sealed-{run}"), source))
        plain, sealed = best(plain_runs), best(sealed_runs)
        for timed in (plain, sealed):
            if timed.report.written != args.people:
                raise SystemExit(f"an import wrote {timed.report.written} of {args.people} bundles")

        ids = [line.split('"id_number": "', 1)[1][:18] for line in source.read_text("utf-8").splitlines()]
        found = lookups(new_settings(root, "sealed-0"), ids, args.lookups)
        report(args.people, args.runs, plain, sealed, found=found, k=args.lookups)

        if args.profile:
            profiler = cProfile.Profile()
            timed_import(new_home(root, "profiled"), source, profiler)
            print(profile_text(profiler, args.top), file=sys.stderr)
    finally:
        close_all()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
