"""Run by test_ledger_crash: append and checkpoint forever, until the test kills the process (SIGKILL)."""

from __future__ import annotations

import random
import sys

from sealkeeper.config import load_settings
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.store_access import open_store
from sealkeeper.store.database import transaction


def main() -> None:
    settings = load_settings()
    ledger, engine = open_ledger(settings), open_store(settings)
    rng = random.Random(int(sys.argv[1]))  # noqa: S311 - timing, not secrets
    print("ready", flush=True)
    n = 0
    while True:
        with transaction(engine) as conn:
            count = rng.randint(1, 40)
            ledger.append_many(
                conn, [{"type": "crash.test", "n": n + i, "subject": f"s{(n + i) % 7}"} for i in range(count)]
            )
            n += count
            if rng.random() < 0.3:
                ledger.checkpoint(conn)  # in the same transaction as the append
        if rng.random() < 0.4:
            with transaction(engine) as conn:
                ledger.checkpoint(conn)


if __name__ == "__main__":
    main()
