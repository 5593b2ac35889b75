"""The automatic sealing run over a real store (SQLite and PostgreSQL): seal at once, schedule and seal on the
day (not the day before), look only at what changed, carry on after a crash, log every transition."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import person_bundle, write_jsonl

from sealkeeper.config import Settings
from sealkeeper.services import sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.store.procedure_tables import cases, runs
from sealkeeper.synth.identity import id_number

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples.json"
TZ = dt.timezone(dt.timedelta(hours=8))


def example(bundle_id: str) -> dict[str, Any]:
    for bundle in json.loads(EXAMPLES.read_text(encoding="utf-8")):
        if bundle["id"] == bundle_id:
            return {str(k): v for k, v in bundle.items() if k not in ("expected", "interpretive")}
    raise LookupError(bundle_id)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=TZ)


def run(home: Settings, day: dt.date, **kw: Any) -> sealing_runs.RunSummary:
    return sealing_runs.run(home, day, at(day), **kw)


def states(home: Settings) -> dict[tuple[str, str], str]:
    with open_store(home).connect() as conn:
        return {(r.bundle, r.record): r.state for r in conn.execute(sa.select(cases.c.bundle, cases.c.record,
                                                                               cases.c.state))}  # fmt: skip


def ledger_texts(home: Settings) -> list[str]:
    with open_store(home).connect() as conn:
        return [bytes(d).decode("utf-8") for d in conn.execute(sa.select(ledger_entries.c.data)).scalars()]


def juvenile(number: int) -> dict[str, Any]:
    """Theft at 16 with a short sentence: sealed by law (CPL Art. 286) as soon as it is known."""
    return person_bundle(number, birth_date="2004-01-01", id_number=id_number(number, dt.date(2004, 1, 1)))


def test_a_juvenile_record_is_sealed_by_the_run_after_import_and_logged(home: Settings, tmp_path: Path) -> None:
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [juvenile(1), person_bundle(2)]), dt.date(2026, 6, 30),
                dt.date(2026, 7, 1))  # fmt: skip
    summary = run(home, dt.date(2026, 7, 1))
    assert summary.last_run is None
    assert summary.effects.get("seal") == 1
    assert states(home)[("IT-0001", "e2")] == "sealed"
    assert states(home)[("IT-0002", "e2")] in {"not_sealed", "review"}
    entries = [json.loads(text) for text in ledger_texts(home)]
    sealed = [e for e in entries if e["type"] == "sealing.sealed"]
    assert len(sealed) == 1
    assert sealed[0]["actor"] == sealing_runs.RUNNER.account
    assert "subject" not in sealed[0]
    assert sealed[0]["subject_commitment"]
    assert not any("IT-000" in text for text in ledger_texts(home) if '"sealing.' in text)  # no source number

    again = run(home, dt.date(2026, 7, 2))
    assert (again.planned, again.applied, again.last_run) == (0, 0, dt.date(2026, 7, 1))


@pytest.mark.parametrize(("day", "state"), [(dt.date(2024, 6, 9), "scheduled"), (dt.date(2024, 6, 10), "sealed")])
def test_a_scheduled_record_is_sealed_on_its_day_not_the_day_before(home: Settings, tmp_path: Path,
                                                                    day: dt.date, state: str) -> None:  # fmt: skip
    bundle = example("DE-02")
    import_file(home, write_jsonl(tmp_path / "de.jsonl", [bundle]), dt.date(2023, 1, 1), dt.date(2023, 1, 2))
    first = run(home, dt.date(2023, 1, 2))
    assert first.effects == {"schedule": 1}
    second = run(home, day)
    assert set(states(home).values()) == {state}
    assert second.effects == ({} if state == "scheduled" else {"seal": 1})
    if state == "sealed":
        entry = next(json.loads(t) for t in ledger_texts(home) if '"sealing.sealed"' in t)
        assert (entry["effective"], entry["trigger"]) == ("2024-06-10", "daily_run")


def test_a_run_killed_half_way_is_carried_on_without_doing_anything_twice(home: Settings, tmp_path: Path) -> None:
    people = [juvenile(n) for n in range(1, 8)]
    import_file(home, write_jsonl(tmp_path / "j.jsonl", people), dt.date(2026, 6, 30), dt.date(2026, 7, 1))

    class KilledError(Exception):
        pass

    def die_after_two_chunks(summary: sealing_runs.RunSummary) -> None:
        if summary.applied >= 2:
            raise KilledError

    with pytest.raises(KilledError):
        run(home, dt.date(2026, 7, 1), chunk=2, progress=die_after_two_chunks)
    assert sorted(states(home).values()).count("sealed") == 2
    with open_store(home).connect() as conn:
        (row,) = conn.execute(sa.select(runs)).all()
    assert row.finished is None
    assert row.applied == 2

    resumed = run(home, dt.date(2026, 7, 1), chunk=2)
    assert resumed.last_run is None  # the killed run never finished
    assert resumed.applied == 5
    assert set(states(home).values()) == {"sealed"}
    sealed = [t for t in ledger_texts(home) if '"sealing.sealed"' in t]
    assert len(sealed) == 7  # one per record: nothing twice


def test_changed_facts_are_applied_to_the_same_case(home: Settings, tmp_path: Path) -> None:
    bundle = juvenile(1)
    import_file(home, write_jsonl(tmp_path / "v1.jsonl", [bundle]), dt.date(2026, 6, 30), dt.date(2026, 7, 1))
    run(home, dt.date(2026, 7, 1))
    with open_store(home).connect() as conn:
        (before,) = conn.execute(sa.select(cases.c.case_id, cases.c.version, cases.c.input_hash)).all()
    bundle["events"][1]["sentence"] = {"kind": "fixed_term", "months": 72}  # corrected: over five years
    import_file(home, write_jsonl(tmp_path / "v2.jsonl", [bundle]), dt.date(2026, 6, 30), dt.date(2026, 7, 2))
    summary = run(home, dt.date(2026, 7, 2))
    with open_store(home).connect() as conn:
        (after,) = conn.execute(sa.select(cases.c.case_id, cases.c.version, cases.c.input_hash, cases.c.state)).all()
    assert after.case_id == before.case_id
    assert after.version == before.version + 1
    assert after.input_hash != before.input_hash
    # a seal is never lifted without an unsealing rule: the regression goes to a clerk
    assert (after.state, summary.effects) == ("review", {"review": 1})


def test_entries_hold_opaque_ids_only(home: Settings, tmp_path: Path) -> None:
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [juvenile(3)]), dt.date(2026, 6, 30), dt.date(2026, 7, 1))
    run(home, dt.date(2026, 7, 1))
    entry = next(json.loads(t) for t in ledger_texts(home) if '"sealing.sealed"' in t)
    assert entry["case_id"].startswith("SE-")
    assert entry["record"].startswith("RC-")
    assert base64.b16decode(entry["case_id"][3:].upper())  # random hex, nothing of the source


def test_an_overdue_review_is_escalated_once_by_the_run(home: Settings, tmp_path: Path) -> None:
    bundle = juvenile(1)
    import_file(home, write_jsonl(tmp_path / "v1.jsonl", [bundle]), dt.date(2026, 6, 30), dt.date(2026, 7, 1))
    run(home, dt.date(2026, 7, 1))
    bundle["events"][1]["sentence"] = {"kind": "fixed_term", "months": 72}
    import_file(home, write_jsonl(tmp_path / "v2.jsonl", [bundle]), dt.date(2026, 6, 30), dt.date(2026, 7, 2))
    run(home, dt.date(2026, 7, 2))  # a question for a clerk, due ten days later
    with open_store(home).connect() as conn:
        (due,) = conn.execute(sa.select(cases.c.due)).scalars().all()
    on_time = run(home, due)
    assert "escalate" not in on_time.effects  # the last day is not late
    late = run(home, due + dt.timedelta(days=1))
    assert late.effects == {"escalate": 1}
    assert "escalate" not in run(home, due + dt.timedelta(days=2)).effects  # once per step
    assert sum('"sealing.escalated"' in t for t in ledger_texts(home)) == 1
