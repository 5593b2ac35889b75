"""The set-based scan gives the same decision as the single-record engine (Hypothesis, random records).

CN first; then every comparative pack, whose person-level stages (derive, aggregates, combine) the scan
evaluates set-based too, on random bundles in each pack's record shapes (``foreign_strategies``). A
decision is compared whole: status, date and the full chain of rules (combinations included).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import foreign_strategies as fs
import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.record import Bundle
from sealkeeper.rules.batch import BatchPlan
from sealkeeper.rules.engine import evaluate_person, evaluate_record, resolver_for
from sealkeeper.rules.facts_batch import record_facts
from sealkeeper.rules.frames import to_frame
from sealkeeper.rules.pack import Pack, build_pack

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples.json"
STATUTES = [
    "刑法第264条",
    "刑法第133条之一",
    "刑法第347条",
    "刑法第233条",
    "刑法第236条",
    "刑法第103条",
    "刑法第120条之一",
    "刑法第398条",
    "刑法第999条",
    "刑法第199条",
    "Theft Act 1968 s.1",
    "刑法第二百三十七条第三款",
]
KINDS = ["fixed_term", "criminal_detention", "public_surveillance", "fine", "exempt", "life", "death", "custody"]
CATEGORIES = ["drug", "sexual", "traffic", "negligent", "corruption"]
LO = dt.date(2008, 1, 1).toordinal()
HI = dt.date(2027, 12, 31).toordinal()


@st.composite
def days(draw: st.DrawFn, lo: int = LO, hi: int = HI) -> dt.date:
    return dt.date.fromordinal(draw(st.integers(lo, max(lo, hi))))


@st.composite
def sentences(draw: st.DrawFn) -> dict[str, Any]:
    s: dict[str, Any] = {"kind": draw(st.sampled_from(KINDS))}
    if draw(st.booleans()):
        s["months"] = draw(st.sampled_from([0, 1, 6, 11, 12, 13, 35, 36, 37, 59, 60, 61, 72, 120]))
    if draw(st.booleans()):
        s["suspended"] = draw(st.booleans())
    return s


@st.composite
def offenses(draw: st.DrawFn, eid: str, lo: int, hi: int) -> dict[str, Any]:
    o: dict[str, Any] = {"name": "x罪", "statute": draw(st.sampled_from(STATUTES))}
    if draw(st.integers(0, 4)) == 0:
        o["categories"] = draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=2))
    return {"id": eid, "type": "offense", "date": draw(days(lo, hi)).isoformat(), "offense": o}


@st.composite
def bundles(draw: st.DrawFn, number: int) -> dict[str, Any]:
    birth = draw(days(dt.date(1985, 1, 1).toordinal(), dt.date(2008, 1, 1).toordinal()))
    # offences from age 14 to well past 18, so the 18th birthday is often crossed
    lo = (
        birth.replace(year=birth.year + 14).toordinal()
        if birth.month != 2 or birth.day != 29
        else birth.toordinal() + 5200
    )
    events: list[dict[str, Any]] = []
    convictions: list[dict[str, Any]] = []
    for case in range(draw(st.integers(1, 3))):
        ids = []
        for k in range(draw(st.integers(1, 2))):
            off = draw(offenses(f"o{case}{k}", lo, lo + 3650))
            events.append(off)
            ids.append(off["id"])
        last = max(dt.date.fromisoformat(e["date"]) for e in events if e["id"] in ids)
        when = draw(days(last.toordinal(), last.toordinal() + 900)).isoformat()
        kind = draw(st.sampled_from(["conviction"] * 4 + ["non_prosecution", "acquittal", "case_withdrawn", "admin"]))
        rid = f"r{case}"
        if kind == "conviction":
            conv: dict[str, Any] = {
                "id": rid,
                "type": kind,
                "date": when,
                "offense_ids": ids,
                "sentence": draw(sentences()),
            }
            if draw(st.integers(0, 3)) == 0:
                conv["flags"] = {"main_conduct_before_18": draw(st.booleans())}
            events.append(conv)
            convictions.append(conv)
        elif kind == "admin":
            statute = draw(st.sampled_from(["治安管理处罚法", "道路交通安全法第91条", "刑法第264条"]))
            events.append(
                {
                    "id": rid,
                    "type": "admin_penalty",
                    "date": when,
                    "offense": {"name": "殴打他人", "statute": statute},
                    "penalty": {"kind": "fine"},
                }
            )
        else:
            event = {"id": rid, "type": kind, "date": when, "offense_ids": ids}
            if kind == "non_prosecution":
                event["kind"] = draw(st.sampled_from(["statutory", "discretionary", "evidentiary", "conditional"]))
            events.append(event)
    for i, conv in enumerate(convictions):
        start = dt.date.fromisoformat(conv["date"]).toordinal()
        follow = draw(
            st.lists(
                st.sampled_from(
                    ["retrial", "sentence_completed", "probation_completed", "probation_revoked", "combine"]
                ),
                max_size=2,
            )
        )
        for j, kind in enumerate(follow):
            when = draw(days(start, start + 1500)).isoformat()
            fid = f"f{i}{j}"
            if kind == "combine":
                extra = draw(offenses(f"x{i}{j}", lo, start + 1000))
                extra["date"] = min(extra["date"], when)
                events.append(extra)
                events.append(
                    {
                        "id": fid,
                        "type": "conviction",
                        "date": when,
                        "offense_ids": [*conv["offense_ids"], extra["id"]],
                        "sentence": draw(sentences()),
                    }
                )
            elif kind == "retrial":
                events.append(
                    {"id": fid, "type": kind, "date": when, "conviction_id": conv["id"], "sentence": draw(sentences())}
                )
            else:
                events.append({"id": fid, "type": kind, "date": when, "conviction_id": conv["id"]})
    as_of = max(dt.date.fromisoformat(e["date"]) for e in events)
    return {
        "id": f"HY-{number:04d}",
        "jurisdiction": "CN",
        "as_of": as_of.isoformat(),
        "person": {"birth_date": birth.isoformat()},
        "events": events,
    }


@st.composite
def populations(draw: st.DrawFn) -> list[Bundle]:
    raws = [draw(bundles(n)) for n in range(draw(st.integers(1, 6)))]
    return [parse_bundle(r) for r in raws]


def batch_decisions(pack: Pack, population: list[Bundle], as_of: dt.date) -> dict[tuple[str, str], tuple[Any, ...]]:
    plan = BatchPlan(pack, as_of)
    facts = record_facts(to_frame(population), resolver_for(pack), as_of, plan.facts_read(), pack.channels)
    out = plan.decide(facts)
    return {(r["pid"], r["rid"]): (r["status"], r["date"], r["rule"]) for r in out.iter_rows(named=True)}


def single_decisions(pack: Pack, population: list[Bundle], as_of: dt.date) -> dict[tuple[str, str], tuple[Any, ...]]:
    out = {}
    for b in population:
        for record in b.records():
            if record.date <= as_of:
                d = evaluate_record(pack, b, record, as_of)
                out[(b.id, record.id)] = (d.status.value, d.date, d.rules[-1])
    return out


def batch_paths(pack: Pack, population: list[Bundle], as_of: dt.date) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Status, date and the whole chain of rule ids (the tree's path, then the combinations applied)."""
    plan = BatchPlan(pack, as_of)
    facts = record_facts(to_frame(population), resolver_for(pack), as_of, plan.facts_read(), pack.channels)
    out = {}
    for r in plan.decide(facts).iter_rows(named=True):
        path = tuple(rule.id for rule in pack.path_to(r.get("base") or r["rule"])) + tuple(r.get("via") or ())
        out[(r["pid"], r["rid"])] = (r["status"], r["date"], path)
    return out


def single_paths(pack: Pack, population: list[Bundle], as_of: dt.date) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {
        (b.id, rid): (d.status.value, d.date, d.rules)
        for b in population
        for rid, d in evaluate_person(pack, b, as_of).items()
    }


@pytest.fixture(scope="module")
def cn() -> Pack:
    return load_pack("CN")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    population=populations(),
    as_of=days(dt.date(2012, 6, 1).toordinal(), dt.date(2028, 1, 1).toordinal()),
    profile=st.sampled_from([None, "adult_p1", "adult_p3", "adult_p1_waiting3"]),
)
def test_batch_equals_single_record_path(
    cn: Pack, population: list[Bundle], as_of: dt.date, profile: str | None
) -> None:
    pack = cn.with_profile(profile)
    assert batch_decisions(pack, population, as_of) == single_decisions(pack, population, as_of)


def test_batch_on_the_worked_cases_and_an_empty_population(cn: Pack) -> None:
    as_of = dt.date(2026, 6, 1)
    empty = record_facts(to_frame([]), resolver_for(cn), as_of)
    assert BatchPlan(cn, as_of).decide(empty).height == 0
    assert isinstance(empty, pl.DataFrame)


def test_batch_equals_single_on_a_synthetic_population(cn: Pack) -> None:
    from sealkeeper.synth.population import generate  # noqa: PLC0415 - only this test needs the generator

    population = [parse_bundle(b) for b in generate(3000, 11, as_of=dt.date(2026, 6, 30))]
    for as_of in (dt.date(2025, 12, 31), dt.date(2026, 6, 30)):
        batch = batch_decisions(cn, population, as_of)
        assert batch == single_decisions(cn, population, as_of)
        assert {status for status, _, _ in batch.values()} >= {"sealed", "not_sealed", "needs_review"}


def test_batch_equals_single_when_a_combined_crime_was_committed_at_17(cn: Pack) -> None:
    # born 2006-11-11: the added robbery on 2024-05-01 is at 17; a 17-year cut-off would miss it
    raw = {
        "id": "CB-01",
        "jurisdiction": "CN",
        "as_of": "2025-06-01",
        "person": {"birth_date": "2006-11-11"},
        "events": [
            {
                "id": "e1",
                "type": "offense",
                "date": "2024-05-01",
                "offense": {"name": "抢劫罪", "statute": "刑法第263条"},
            },
            {
                "id": "e2",
                "type": "offense",
                "date": "2023-05-01",
                "offense": {"name": "盗窃罪", "statute": "刑法第264条"},
            },
            {
                "id": "e3",
                "type": "conviction",
                "date": "2023-09-01",
                "offense_ids": ["e2"],
                "sentence": {"kind": "fixed_term", "months": 24},
            },
            {
                "id": "e4",
                "type": "conviction",
                "date": "2024-08-01",
                "offense_ids": ["e1", "e2"],
                "sentence": {"kind": "fixed_term", "months": 72},
            },
        ],
    }
    population = [parse_bundle(raw)]
    as_of = dt.date(2025, 6, 1)
    batch = batch_decisions(cn, population, as_of)
    assert batch == single_decisions(cn, population, as_of)
    assert batch[("CB-01", "e3")] == ("unsealed", dt.date(2024, 8, 1), "cn.juvenile.unsealed.combined")


def test_batch_equals_single_when_one_offence_has_unknown_culpability(cn: Pack) -> None:
    # 刑法第129条 has no settled culpability in the catalogue; 第233条 is negligent: together unknown, not negligent
    raw = {
        "id": "CU-01", "jurisdiction": "CN", "as_of": "2025-06-01", "person": {"birth_date": "1980-01-01"},
        "events": [
            {"id": "e1", "type": "offense", "date": "2024-01-01", "offense": {"name": "x罪", "statute": "刑法第129条"}},
            {"id": "e2", "type": "offense", "date": "2024-01-02",
                 "offense": {"name": "y罪", "statute": "刑法第233条"}},
            {"id": "e3", "type": "conviction", "date": "2024-06-01", "offense_ids": ["e1", "e2"],
             "sentence": {"kind": "fixed_term", "months": 24}},
        ],
    }  # fmt: skip
    pack = cn.with_profile("adult_p1")
    population = [parse_bundle(raw)]
    as_of = dt.date(2025, 6, 1)
    batch = batch_decisions(pack, population, as_of)
    assert batch == single_decisions(pack, population, as_of)
    assert batch[("CU-01", "e3")] == ("needs_review", None, "cn.adult.over_threshold_intentional")


def _two_bundles() -> list[Bundle]:
    def raw(bid: str) -> dict[str, Any]:
        return {
            "id": bid, "jurisdiction": "CN", "as_of": "2025-06-01", "person": {"birth_date": "1980-01-01"},
            "events": [
                {"id": "z-done", "type": "sentence_completed", "date": "2025-01-01", "conviction_id": "c1"},
                {"id": "c1", "type": "conviction", "date": "2024-06-01", "offense_ids": ["o2", "o1"],
                 "sentence": {"kind": "fixed_term", "months": 6}},
                {"id": "o2", "type": "offense", "date": "2024-01-02",
                 "offense": {"name": "y罪", "statute": "刑法第233条"}},
                {"id": "o1", "type": "offense", "date": "2024-01-01",
                 "offense": {"name": "x罪", "statute": "刑法第264条"}},
            ],
        }  # fmt: skip

    return [parse_bundle(raw("KB-01")), parse_bundle(raw("KB-02"))]


def test_the_event_frame_numbers_people_and_events_and_keeps_their_ids() -> None:
    frame = to_frame(_two_bundles())
    assert frame["pid"].to_list() == [0] * 4 + [1] * 4
    assert frame["eid"].to_list() == list(range(8))  # the row number
    assert frame["bundle_id"].to_list() == ["KB-01"] * 4 + ["KB-02"] * 4
    assert frame["event_id"].to_list() == ["c1", "o1", "o2", "z-done"] * 2  # event-id order within a bundle
    conviction = frame.filter(pl.col("event_id") == "c1")
    assert conviction["offense_ids"].to_list() == [[2, 1], [6, 5]]  # references become event numbers, in order
    assert frame.filter(pl.col("event_id") == "z-done")["conviction_id"].to_list() == [0, 4]


def test_the_scan_answers_with_bundle_and_event_ids(cn: Pack) -> None:
    population = _two_bundles()
    as_of = dt.date(2025, 6, 1)
    batch = batch_decisions(cn, population, as_of)
    assert set(batch) == {("KB-01", "c1"), ("KB-02", "c1")}
    assert batch == single_decisions(cn, population, as_of)


def test_the_scan_refuses_a_frame_out_of_order(cn: Pack) -> None:
    frame = to_frame(_two_bundles())
    for bad in (frame.reverse(), frame.with_columns(pl.col("pid").reverse())):
        with pytest.raises(ValueError, match="order"):
            record_facts(bad, resolver_for(cn), dt.date(2025, 6, 1))


def test_the_event_frame_refuses_a_reference_to_no_event() -> None:
    bundle = _two_bundles()[0]
    events = tuple(replace(e, offense_ids=("nowhere",)) if e.id == "c1" else e for e in bundle.events)
    with pytest.raises(ValueError, match="nowhere"):
        to_frame([replace(bundle, events=events)])


# --- the comparative packs: person-level stages set-based ---------------------------------------------------
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), as_of=fs.as_of_days())
@pytest.mark.parametrize("pack_id", fs.FOREIGN)
def test_batch_equals_single_record_path_for_each_comparative_pack(
    pack_id: str, data: st.DataObject, as_of: dt.date
) -> None:
    pack = load_pack(pack_id)
    population = data.draw(fs.populations(pack_id))
    assert batch_paths(pack, population, as_of) == single_paths(pack, population, as_of)


@pytest.mark.parametrize("pack_id", ["CN", *fs.FOREIGN])
def test_batch_equals_single_on_the_worked_examples_of_each_pack(pack_id: str) -> None:
    pack = load_pack(pack_id)
    for raw in json.loads(EXAMPLES.read_text("utf-8")):
        if raw["jurisdiction"] != pack_id:
            continue
        bundle = parse_bundle(raw)
        for as_of in (bundle.as_of, bundle.as_of + dt.timedelta(days=3650)):
            assert batch_paths(pack, [bundle], as_of) == single_paths(pack, [bundle], as_of), bundle.id


def _stretched_jp() -> Pack:
    """The JP pack with person-level stages no shipped pack uses, so the set-based path is held to all of the
    format: min/any aggregates, a chain reading own_date, other.own_date and other.final_date (walked position
    by position) with a period_end that is often unknown, ``all`` with a ``with``, a second ``overlap``."""
    folder = Path(__file__).resolve().parents[3] / "src" / "sealkeeper" / "rules" / "packs" / "JP"
    data = yaml.safe_load((folder / "pack.yaml").read_text("utf-8"))
    articles = yaml.safe_load((folder / "articles.yaml").read_text("utf-8"))["articles"]
    text = {"zh": "测试", "en": "test"}
    data["aggregates"] = {
        "earliest_other_fine": {
            "fn": "min",
            "of": "other.record_date",
            "where": "other.sentence_kind == 'fine'",
            "description": "test",
        },
        "any_other_suspended": {"fn": "any", "where": "other.suspended", "description": "test"},
        "latest_other_end": {"fn": "max", "of": "other.period_start", "where": "True", "description": "test"},
    }
    data["derive_after_aggregates"] = {
        "late_start": {"expr": "coalesce(latest_other_end, earliest_other_fine, record_date)", "description": "test"}
    }
    data["combine"] += [
        {
            "id": "x.chain_final",
            "kind": "chain",
            "when": "record_kind == 'conviction' and not any_other_suspended and late_start >= record_date",
            "with": "other.record_kind == 'conviction' and other.sentence_kind != 'exempt'",
            "until": "choose(known(other.own_date) and other.own_date < own_date, add_days(own_date, 30),"
            " max(other.final_date, other.period_start))",
            "period_end": "add_months(record_date, probation_months)",
            "text": text,
            "articles": ["keiho_34_2"],
        },
        {
            "id": "x.all_with",
            "kind": "all",
            "when": "record_kind == 'conviction'",
            "with": "other.sentence_kind == sentence_kind",
            "text": text,
            "articles": ["keiho_34_2"],
        },
        {
            "id": "x.overlap_light",
            "kind": "overlap",
            "when": "sentence_kind in ['fine', 'exempt'] or record_kind != 'conviction'",
            "text": text,
            "articles": ["keiho_34_2"],
        },
    ]
    return build_pack(data, articles, {})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), as_of=fs.as_of_days())
def test_batch_equals_single_record_path_for_every_kind_of_person_level_stage(
    data: st.DataObject, as_of: dt.date
) -> None:
    pack = STRETCHED
    population = data.draw(fs.populations("JP"))
    assert batch_paths(pack, population, as_of) == single_paths(pack, population, as_of)


STRETCHED = _stretched_jp()
