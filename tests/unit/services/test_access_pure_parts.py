"""The pure parts of the access services, property-tested: the monitoring history's half-open windows, the facts
of one record (never the source bundle id, only the record's own events), and the request-time guard check."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.access import AccessLogEntry
from sealkeeper.services.judicial_access import guards_passed
from sealkeeper.services.monitoring import HISTORY_WINDOWS, history
from sealkeeper.services.sealed_records import record_facts

NOW = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)

offsets = st.lists(st.integers(min_value=-60 * 24 * 10, max_value=60 * 24), max_size=40)  # minutes from NOW


@given(offsets, st.integers(min_value=1, max_value=60 * 24 * 2))
def test_each_entry_counts_in_the_one_earlier_window_holding_it(minutes: list[int], window_minutes: int) -> None:
    window = dt.timedelta(minutes=window_minutes)
    entries = [AccessLogEntry(str(i), NOW + dt.timedelta(minutes=m), "acct", "read_record", True)
               for i, m in enumerate(minutes)]  # fmt: skip
    counts = history(entries, NOW, window).get("acct", [0] * HISTORY_WINDOWS)
    assert len(counts) == HISTORY_WINDOWS
    for k, count in enumerate(counts):
        low, high = NOW - (k + 2) * window, NOW - (k + 1) * window
        assert count == sum(1 for e in entries if low < e.at <= high)


events = st.lists(
    st.fixed_dictionaries({"id": st.sampled_from(["e1", "e2", "e3", "e4"]), "type": st.sampled_from(
        ["offense", "conviction", "sentence_completed"])}).flatmap(
        lambda e: st.fixed_dictionaries({
            **{k: st.just(v) for k, v in e.items()},
            "offense_ids": st.lists(st.sampled_from(["e1", "e2", "e3", "e4"]), max_size=2),
            "conviction_id": st.sampled_from(["e1", "e2", "e3", "e4"]),
        })
    ),
    max_size=6,
)  # fmt: skip


@given(events, st.sampled_from(["e1", "e2", "e3", "e4"]))
def test_a_records_facts_are_its_own_events_and_never_the_bundle_id(chosen: list[dict[str, object]],
                                                                    record: str) -> None:  # fmt: skip
    bundle = {"id": "IT-SOURCE-0001", "jurisdiction": "CN", "as_of": "2026-06-30",
              "person": {"birth_date": "2004-01-01"}, "events": chosen}  # fmt: skip
    facts = record_facts(json.dumps(bundle), record)
    assert set(facts) == {"jurisdiction", "as_of", "person", "events"}
    assert "IT-SOURCE-0001" not in json.dumps(facts)
    own = next((e for e in chosen if e["id"] == record), {})
    tied = {record, *own.get("offense_ids", [])}  # type: ignore[misc]
    assert all(e["id"] in tied or e["conviction_id"] == record for e in facts["events"])
    assert [e for e in chosen if e["id"] in tied or e["conviction_id"] == record] == facts["events"]


rules = st.lists(st.sampled_from(["grant.missing", "default.deny", "judicial.case_not_own", "scope.jurisdiction",
                                  "sod.administrator_never_reads"]), min_size=1, max_size=4)  # fmt: skip


@given(rules)
def test_the_guards_pass_only_when_the_missing_grant_is_the_one_specific_ground(found: list[str]) -> None:
    specific = [rule for rule in found if rule != "default.deny"]
    assert guards_passed(tuple(found)) == (specific == ["grant.missing"])
