"""Benchmark: the ledger's durable batched appends, proofs and checkpoints at 1,000,000 entries.

In one run, over the same entries (canonical JSON events with two salted commitments, about 270 bytes each),
each batch of ``--batch`` entries committed in one transaction:

- baseline: hashlib only — the same RFC 9162 leaf and node hashes, in memory, nothing stored;
- sealkeeper: ``Ledger.append_prepared`` of the entries' bytes into a real home's SQLite store: each entry,
  its leaf hash and every new interior node are written and the tree head updated;
- sealkeeper from events: ``Ledger.append_many`` of the events themselves (what callers use), so the
  canonical JSON and the two salted commitments per event are timed too;
- peer: pymerkle's ``SqliteTree.append_entries`` of the same entries' bytes, one call (one transaction) per
  batch; it writes each entry and its leaf hash (no interior nodes, no tree head).

Fairness: both sides get the same bytes, the same SQLite library and batch size, and the same durability:
first the store's settings, journal_mode=WAL with synchronous=NORMAL (a power cut may lose the last commits,
never atomicity; the peer's connection is given the same pragmas), then both with synchronous=FULL (an
fsync at every commit). Both use SQLite's default wal_autocheckpoint (1000 pages) and page size. pymerkle
as shipped (rollback journal, synchronous=FULL) is printed too, for reference. Rounds are interleaved and the
best of each kept (the machine is shared and noisy: compare ratios, not absolute figures, between runs).

Then, at the full size: inclusion and consistency proof generation from the store and in memory,
verification, proof sizes (and pymerkle's proof generation as the peer), and the time from appending one
event to a signed, committed checkpoint. Run with ``make bench``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

from sealkeeper.config import load_settings
from sealkeeper.ledger import entries as entry_format
from sealkeeper.ledger import merkle
from sealkeeper.ledger.tree import TreeHashes
from sealkeeper.services.ledger import Ledger, ensure_ledger_key, fetcher, open_ledger
from sealkeeper.services.records import init_home
from sealkeeper.services.store_access import open_store
from sealkeeper.store.database import make_engine, transaction

STORE = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")  # what store.database sets on its connections
FULL = ("PRAGMA synchronous=FULL",)
RUNS = (  # (key, label), in the order they run in each round
    ("ours", "sealkeeper, WAL + synchronous=NORMAL (the store's)"),
    ("peer", "peer pymerkle, WAL + synchronous=NORMAL"),
    ("events", "sealkeeper from events, WAL + NORMAL"),
    ("ours_full", "sealkeeper, WAL + synchronous=FULL"),
    ("peer_full", "peer pymerkle, WAL + synchronous=FULL"),
    ("peer_shipped", "peer pymerkle as shipped (rollback journal, FULL)"),
)


def make_events(n: int) -> list[dict[str, Any]]:
    rng = random.Random(7)  # noqa: S311 - synthetic data
    kinds = ("access.decision", "sealing.decision", "workflow.transition", "key.operation")
    out = []
    for i in range(n):
        ev: dict[str, Any] = {"type": kinds[i % 4], "at": "2026-06-30", "subject": f"s{rng.getrandbits(64):016x}"}
        ev.update({"role": "judge", "purpose": "trial", "case_number": f"(2026)京01刑初{i}号", "allowed": i % 3 > 0})
        out.append(ev)
    return out


def baseline(datas: list[bytes]) -> float:
    """hashlib only: every leaf hash and every node hash of the tree, level by level."""
    sha = hashlib.sha256
    start = time.perf_counter()
    row = [sha(b"\x00" + d).digest() for d in datas]
    while len(row) > 1:
        row = [sha(b"\x01" + row[i] + row[i + 1]).digest() for i in range(0, len(row) - 1, 2)] + (
            [row[-1]] if len(row) % 2 else []
        )
    return time.perf_counter() - start


def new_home(home: Path, pragmas: tuple[str, ...]) -> tuple[Ledger, Any]:
    """A new home's ledger and engine; ``pragmas`` run on each new SQLite connection after the store's own."""
    settings = load_settings({"SEALKEEPER_HOME": str(home)})
    init_home(settings)
    ensure_ledger_key(settings)
    engine = open_store(settings) if not pragmas else make_engine(settings.database_url)
    for pragma in pragmas:
        event.listen(engine, "connect", lambda c, _r, p=pragma: c.execute(p))
    return open_ledger(settings), engine


def sealkeeper_append(home: Path, items: list[tuple[bytes, str | None]], batch: int, pragmas: tuple[str, ...]) -> float:
    """Appends of the prepared entries' bytes through the real service into a new home."""
    ledger, engine = new_home(home, pragmas)
    start = time.perf_counter()
    for at in range(0, len(items), batch):
        with transaction(engine) as conn:
            ledger.append_prepared(conn, items[at : at + batch])
    return time.perf_counter() - start


def sealkeeper_events(home: Path, events: list[dict[str, Any]], batch: int) -> float:
    """Appends of the events (``append_many``: canonical JSON and commitments included) into a new home."""
    ledger, engine = new_home(home, ())
    start = time.perf_counter()
    for at in range(0, len(events), batch):
        with transaction(engine) as conn:
            ledger.append_many(conn, events[at : at + batch])
    return time.perf_counter() - start


def pymerkle_append(path: Path, datas: list[bytes], batch: int, pragmas: tuple[str, ...]) -> tuple[float, Any]:
    from pymerkle import SqliteTree  # type: ignore[import-untyped]  # noqa: PLC0415 - a dev dependency only

    tree = SqliteTree(str(path))
    for pragma in pragmas:
        tree.con.execute(pragma)
    start = time.perf_counter()
    for at in range(0, len(datas), batch):
        tree.append_entries(datas[at : at + batch])
    return time.perf_counter() - start, tree


def one_run(key: str, path: Path, events: list[dict[str, Any]], items: list[Any], batch: int) -> tuple[float, Any]:
    if key in ("ours", "ours_full"):
        return sealkeeper_append(path, items, batch, FULL if key == "ours_full" else ()), None
    if key == "events":
        return sealkeeper_events(path, events, batch), None
    pragmas = {"peer": STORE, "peer_full": STORE + FULL, "peer_shipped": ()}[key]
    return pymerkle_append(path.with_suffix(".db"), [d for d, _ in items], batch, pragmas)


def appends(work: Path, events: list[dict[str, Any]], items: list[tuple[bytes, str | None]], args: Any) -> Any:
    """Every append run, interleaved over ``args.rounds`` rounds; prints the best of each and returns the
    peer's tree at the store's settings (for its proofs). The first round's "ours" home is kept as ``home``."""
    n, best, trees = len(items), {"base": 1e9}, {}
    chosen = [(k, label) for k, label in RUNS if not (args.no_peer and k.startswith("peer"))]
    chosen = [(k, label) for k, label in chosen if not (args.no_full_sync and k in ("ours_full", "peer_full"))]
    for r in range(args.rounds):
        best["base"] = min(best["base"], baseline([d for d, _ in items]))
        for key, _ in chosen:
            path = work / "home" if (key, r) == ("ours", 0) else work / f"{key}-{r}"
            t, trees[key] = one_run(key, path, events, items, args.batch)
            best[key] = min(best.get(key, 1e9), t)
    print(f"best of {args.rounds} rounds, {n:,} entries in batches of {args.batch:,}")
    print(f"{'baseline hashlib leaf+node hashes, in memory':52} {n / best['base']:>10,.0f} entries/s  ratio 1.00")
    for key, label in chosen:
        print(f"{label:52} {n / best[key]:>10,.0f} entries/s  ratio {best[key] / best['base']:.2f}")
    for ours, peer, mode in (("ours", "peer", "WAL + NORMAL"), ("ours_full", "peer_full", "WAL + FULL")):
        if peer in best:
            print(f"sealkeeper / pymerkle at the same settings ({mode}): {best[peer] / best[ours]:.2f}x")
    return trees.get("peer")


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds of one call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def proofs(ledger: Ledger, home: Path, n: int, peer: Any, repeat: int) -> None:
    engine = open_store(load_settings({"SEALKEEPER_HOME": str(home)}))
    rng = random.Random(11)  # noqa: S311 - sampling
    indexes = [rng.randrange(n) for _ in range(repeat)]
    old = n // 3 + 1
    with transaction(engine) as conn:
        fetch = fetcher(conn)
        root, old_root = merkle.root_from(n, fetch), merkle.root_from(old, fetch)
        leaf = fetch([(0, indexes[0])])[(0, indexes[0])]
        it = iter(indexes * 2)
        t_inc = timed(lambda: merkle.inclusion_proof(next(it), n, fetch), repeat)
        t_con = timed(lambda: merkle.consistency_proof(old, n, fetch), repeat)
        inc, con = merkle.inclusion_proof(indexes[0], n, fetch), merkle.consistency_proof(old, n, fetch)
    t_inc_v = timed(lambda: merkle.verify_inclusion(indexes[0], n, leaf, inc, root), repeat)
    t_con_v = timed(lambda: merkle.verify_consistency(old, n, old_root, root, con), repeat)
    print(f"\nproofs at {n:,} entries (median of {repeat})")
    print(f"  inclusion   generate (SQLite store) {t_inc * 1e3:7.3f} ms   verify {t_inc_v * 1e3:7.3f} ms   ", end="")
    print(f"size {len(inc)} hashes = {32 * len(inc)} bytes")
    print(f"  consistency generate (SQLite store) {t_con * 1e3:7.3f} ms   verify {t_con_v * 1e3:7.3f} ms   ", end="")
    print(f"size {len(con)} hashes = {32 * len(con)} bytes  ({old:,} -> {n:,})")
    if peer is not None:
        t_peer_inc = timed(lambda: peer.prove_inclusion(indexes[0] + 1), max(3, repeat // 20))
        t_peer_con = timed(lambda: peer.prove_consistency(old, n), max(3, repeat // 20))
        print(
            f"  peer pymerkle SqliteTree: inclusion {t_peer_inc * 1e3:7.3f} ms, consistency {t_peer_con * 1e3:7.3f} ms"
        )


def in_memory_proofs(items: list[tuple[bytes, str | None]], repeat: int) -> None:
    tree = TreeHashes()
    tree.append([merkle.leaf_hash(d) for d, _ in items])
    n = tree.size
    t = timed(lambda: merkle.inclusion_proof(n // 2, n, tree.fetch), repeat)
    c = timed(lambda: merkle.consistency_proof(n // 3 + 1, n, tree.fetch), repeat)
    print(f"  in memory (TreeHashes): inclusion {t * 1e3:7.3f} ms, consistency {c * 1e3:7.3f} ms")


def checkpoint_latency(ledger: Ledger, home: Path, repeat: int) -> None:
    engine = open_store(load_settings({"SEALKEEPER_HOME": str(home)}))
    samples = []
    for i in range(repeat):
        start = time.perf_counter()
        with transaction(engine) as conn:
            ledger.append(conn, {"type": "access.decision", "n": i, "subject": "sbench"})
            ledger.checkpoint(conn)
        samples.append(time.perf_counter() - start)
    print(f"append one event -> signed, committed checkpoint: median {statistics.median(samples) * 1e3:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-full-sync", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp:
        work = Path(tmp)
        events = make_events(args.entries)
        start = time.perf_counter()
        items = entry_format.prepare_many(events, hashlib.sha256(b"bench salt").digest())
        t_prepare = time.perf_counter() - start
        n = len(items)
        mean = sum(len(d) for d, _ in items) / n
        print(f"entries {n:,} (mean {mean:.0f} bytes); prepared (canonical JSON, commitments) {n / t_prepare:,.0f}/s")
        peer = appends(work, events, items, args)
        ledger = open_ledger(load_settings({"SEALKEEPER_HOME": str(work / "home")}))
        proofs(ledger, work / "home", n, peer, args.repeat)
        in_memory_proofs(items, args.repeat)
        checkpoint_latency(ledger, work / "home", 50)


if __name__ == "__main__":
    main()
