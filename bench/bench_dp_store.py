"""Benchmark: differentially private releases from the record store at a million decided records (SQLite).

The store is made once per run in a temporary home: ``--people`` synthetic people imported as ``sealkeeper
import`` does (encrypted, decided, in the ledger), then their subjects, bundles and decisions copied in SQL
under new tokens and ids until there are ``--records`` decided records (the import of a million people would
take most of an hour; the releases read only tokens, jurisdictions, statuses, dates and categories).

Per query, the wall and CPU seconds of ``services.stats.release`` (budget, access, counting, OpenDP noise,
ledger entry, commit), against a baseline in the same run: reading the decided records row by row and
counting them in Python (what the database's GROUP BY replaced). CPU seconds swing far less than wall time on
a shared machine. outcomes-by-category is released too (``--no-category`` leaves it out): since migration 0008
it counts the category stored with each decision, as the other releases count theirs (before, it parsed every
bundle's facts: about 15 s of CPU at a million records).

    python bench/bench_dp_store.py [--records 1000000] [--people 2000] [--no-category]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from sealkeeper.access import AccessRole, Account
from sealkeeper.config import Settings, load_settings
from sealkeeper.services import stats, stats_data
from sealkeeper.services.importing import import_file
from sealkeeper.services.records import init_home
from sealkeeper.services.store_access import close_all, open_store
from sealkeeper.stats import queries
from sealkeeper.synth.population import generate, write_bundles

AT = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
ADMINISTRATOR = Account("bench-admin", frozenset({AccessRole.ADMINISTRATOR}))


BUNDLE_COLUMNS = "id, token, jurisdiction, as_of, version, digest, facts, narrative, import_id"


def cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def make_store(home: Path, people: int, records: int) -> Settings:
    settings = load_settings({"SEALKEEPER_HOME": str(home)})
    init_home(settings)
    source = home.parent / "people.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        write_bundles(generate(people, 5), handle)
    import_file(settings, source, AT.date(), AT.date())
    engine = sa.create_engine(settings.database_url)
    with engine.begin() as conn:
        columns = ", ".join(r[1] for r in conn.execute(sa.text("PRAGMA table_info(decisions)")))
        picked = columns.replace("bundle_id", "bundle_id || :suffix", 1)
        copies = {
            table: sa.text(f"INSERT INTO {table} ({into}) SELECT {select} FROM {table} WHERE rowid <= :last")  # noqa: S608 - names are this file's constants; values are bound
            for table, into, select in (
                ("subjects", "token, created_on", "token || :suffix, created_on"),
                ("bundles", BUNDLE_COLUMNS, BUNDLE_COLUMNS.replace("id, token", "id || :suffix, token || :suffix")),
                ("decisions", columns, picked),
            )
        }
        last = {table: conn.execute(sa.text(f"SELECT max(rowid) FROM {table}")).scalar() for table in copies}  # noqa: S608 - as above
        count = conn.execute(sa.text("SELECT count(*) FROM decisions")).scalar() or 0
        copy = 0
        while count < records:
            copy += 1
            for table, statement in copies.items():
                conn.execute(statement, {"suffix": f"x{copy}", "last": last[table]})
            count = conn.execute(sa.text("SELECT count(*) FROM decisions")).scalar() or 0
    engine.dispose()
    print(f"store: {count:,} decided records of {people:,} people copied {copy} times ({home})", flush=True)
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument(
        "--category", action=argparse.BooleanOptionalAction, default=True, help="also outcomes-by-category"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dp-store-") as tmp:
        settings = make_store(Path(tmp) / "home", args.people, args.records)
        stats.set_budget(settings, "records", "2026", "1000", AT, account=ADMINISTRATOR)
        stats.release(settings, "applications-by-outcome", "0.01", AT)  # imports and the store opened before timing
        spec = queries.spec("records-by-outcome")
        c0, w0 = cpu(), time.perf_counter()
        with open_store(settings).connect() as conn:
            queries.counts(spec, stats_data.record_rows(conn, with_category=False), AT.year)
        base_wall, base_cpu = time.perf_counter() - w0, cpu() - c0
        print(f"  baseline: records read row by row and counted in Python  wall {base_wall:6.2f} s  cpu "
              f"{base_cpu:6.2f} s")  # fmt: skip
        names = ["records-by-outcome", "sealed-by-year", "outcomes-by-region"]
        for name in [*names, *(["outcomes-by-category"] if args.category else [])]:
            c0, w0 = cpu(), time.perf_counter()
            released = stats.release(settings, name, "0.01", AT)
            wall, used = time.perf_counter() - w0, cpu() - c0
            print(f"  release {name:<22} {len(released.cells):3d} cells   wall {wall:6.2f} s  cpu {used:6.2f} s  "
                  f"({used / base_cpu:.2f} x baseline cpu)")  # fmt: skip
        close_all()


if __name__ == "__main__":
    main()
