"""Benchmark: the automatic sealing scan over 1,000,000 synthetic records, against a same-run baseline.

Baseline: a plain columnar pass over the same frame that only reads the dates and computes one
comparison (``date <= as_of``). Scan: every fact the pack reads derived set-based (joins for
combinations, retrials, priors) plus every rule of the pack — CN by default; ``--pack JP`` (or DE,
UK-EW, US-PA, US-MI) runs a comparative pack, whose person-level stages (derived values, aggregates
over the person's other records, combinations) are evaluated set-based too, over the same population
read as that jurisdiction's records (the synthetic population is Chinese; its statutes mean little to a
foreign statute table, but the records' shapes, dates and sentences are what the scan's cost depends
on). Both are timed in the same process, best of several runs, and
reported as records per second and as the ratio scan / baseline (machines here are shared and noisy,
so the ratio is the figure to compare between runs). Run with ``make bench``.

The population: a synthetic seed population (sealkeeper synth) parsed once, then copied under new
person ids until it holds at least the target number of records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import tracemalloc
from collections.abc import Callable

import polars as pl

from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.record import RECORD_TYPES
from sealkeeper.rules.batch import BatchPlan
from sealkeeper.rules.engine import resolver_for
from sealkeeper.rules.facts_batch import record_facts
from sealkeeper.rules.frames import to_frame
from sealkeeper.synth.population import generate


def population(records: int, seed_people: int, as_of: dt.date) -> pl.DataFrame:
    seed = to_frame(parse_bundle(b) for b in generate(seed_people, 7, as_of=as_of))
    per_copy = seed.filter(pl.col("type").is_in([t.value for t in RECORD_TYPES])).height
    copies = -(-records // per_copy)
    people, events = seed["pid"].max() + 1, seed.height  # type: ignore[operator]
    frames = [
        seed.with_columns(
            pl.col("pid") + k * people,
            pl.col("bundle_id") + f"-{k}",
            pl.col("eid", "conviction_id") + k * events,
            pl.col("offense_ids").list.eval(pl.element() + k * events),
        )
        for k in range(copies)
    ]
    return pl.concat(frames, rechunk=True)


def best_of(runs: int, fn: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed-people", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pack", default="CN", help="the rule pack to scan with (default CN)")
    args = parser.parse_args()
    as_of = dt.date(2026, 6, 30)
    pack = load_pack(args.pack)
    resolve = resolver_for(pack)
    events = population(args.records, args.seed_people, as_of)
    n_records = events.filter(pl.col("type").is_in([t.value for t in RECORD_TYPES])).height
    plan = BatchPlan(pack, as_of)
    wanted = plan.facts_read()

    def baseline() -> pl.DataFrame:
        return events.lazy().select((pl.col("date") <= pl.lit(as_of)).alias("due")).collect()

    def facts() -> pl.DataFrame:
        return record_facts(events, resolve, as_of, wanted, pack.channels)

    facts_frame = facts()

    def rules() -> pl.DataFrame:
        return plan.decide(facts_frame)

    def scan() -> pl.DataFrame:
        return plan.decide(record_facts(events, resolve, as_of, wanted, pack.channels))

    t_base, _ = best_of(args.runs, baseline)
    t_facts, _ = best_of(args.runs, facts)
    t_rules, _ = best_of(args.runs, rules)
    t_scan, decisions = best_of(args.runs, scan)
    if not isinstance(decisions, pl.DataFrame) or decisions.height != n_records:
        raise SystemExit("the scan lost records")
    tracemalloc.start()
    scan()
    _, peak = tracemalloc.get_traced_memory()  # Python-side allocations only (Polars allocates natively)
    tracemalloc.stop()
    people = events["pid"].n_unique()
    print(f"pack {pack.id} {pack.version}")
    print(f"events {events.height:,}  records {n_records:,}  people {people:,}  threads {pl.thread_pool_size()}")
    print(f"baseline (date <= as_of)   {t_base * 1e3:9.1f} ms  {n_records / t_base:>14,.0f} records/s  ratio 1.00")
    for label, t in (
        ("facts (joins, aggregates)", t_facts),
        ("rules (compiled pack)" if plan.person is None else "rules (stages, pack)", t_rules),
        ("whole scan", t_scan),
    ):
        print(f"{label:<26} {t * 1e3:9.1f} ms  {n_records / t:>14,.0f} records/s  ratio {t / t_base:,.2f}")
    counts = dict(decisions.group_by("status").len().iter_rows())
    print("statuses:", ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    print(f"python heap peak during a scan: {peak / 2**20:.1f} MiB (Polars allocates outside it)", file=sys.stderr)


if __name__ == "__main__":
    main()
