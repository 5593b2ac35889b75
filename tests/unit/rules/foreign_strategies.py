"""Hypothesis strategies for random bundles in the record shapes of the DE, UK-EW, JP, US-PA and US-MI packs.

Each pack gets offences citing statutes its statute table knows (the tables' own examples) and some it does
not, the grades its rules read, the sentence kinds and facts its periods use (Tagessätze, probation and
operational periods, community orders, life), the follow-up events its dates wait for (completion, payment,
restitution, revocation), non-conviction records, and a target channel where the pack has channels. Dates
span the changes of law each pack encodes (2013–2024) and beyond, so periods straddle them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from hypothesis import strategies as st

from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.categories import CATEGORIES
from sealkeeper.model.record import Bundle


@dataclass(frozen=True)
class Shape:
    grades: tuple[str | None, ...]
    kinds: tuple[str, ...]
    channels: tuple[str | None, ...] = (None,)
    others: tuple[str, ...] = ("acquittal", "dismissal", "case_withdrawn", "non_prosecution")
    extra_statutes: tuple[str, ...] = ("Unlisted Act 1999 s.1",)
    convictions: int = 5  # weight of a conviction against each other kind of record


SHAPES: dict[str, Shape] = {
    "DE": Shape(
        grades=(None,),
        kinds=("fine", "fine", "fixed_term", "fixed_term", "custody", "exempt", "life"),
        channels=(None, "fz", "fz_extended", "register"),
        extra_statutes=("§242 StGB", "§263 StGB", "§316 StGB"),
    ),
    "UK-EW": Shape(
        grades=(None, "summary", "either_way", "indictable"),
        kinds=("fine", "community_order", "exempt", "fixed_term", "fixed_term", "custody", "life"),
        channels=(None, "roa", "dbs"),
        others=("acquittal", "dismissal", "case_withdrawn", "caution", "caution"),
        extra_statutes=("Theft Act 1968 s.1", "Criminal Damage Act 1971 s.1", "Fraud Act 2006 s.1"),
        convictions=10,
    ),
    "JP": Shape(
        grades=(None,),
        kinds=("fixed_term", "fixed_term", "custody", "criminal_detention", "fine", "fine", "exempt", "life", "death"),
        extra_statutes=("刑法第235条", "刑法第208条", "道路交通法第117条の2"),
        convictions=10,
    ),
    "US-PA": Shape(
        grades=(None, "F1", "F2", "F3", "M1", "M2", "M2", "M3", "M3", "summary", "felony", "misdemeanor"),
        kinds=("fine", "fine", "fixed_term", "custody", "exempt"),
        extra_statutes=("18 Pa.C.S. §3921", "18 Pa.C.S. §3929", "75 Pa.C.S. §1543"),
    ),
    "US-MI": Shape(
        grades=(None, "felony", "felony", "misdemeanor", "misdemeanor", "misdemeanor"),
        kinds=("fine", "fine", "fixed_term", "custody", "exempt", "life"),
        extra_statutes=("MCL 750.356", "MCL 750.552", "MCL 750.227", "MCL 257.904"),
        convictions=12,
    ),
}
FOREIGN = tuple(SHAPES)
LO = dt.date(1996, 1, 1).toordinal()


@cache
def statutes(pack_id: str) -> tuple[str, ...]:
    """The citations of the pack's statute table examples and the shape's extra ones."""
    folder = resources.files("sealkeeper.rules").joinpath("packs", pack_id)
    examples: list[str] = []
    table = folder.joinpath("statutes.yaml")
    if table.is_file():
        for entry in yaml.safe_load(table.read_text("utf-8"))["statutes"]:
            examples += [str(e) for e in (entry.get("examples") or ())[:2]]
    return tuple(dict.fromkeys([*examples, *SHAPES[pack_id].extra_statutes]))


@st.composite
def days(draw: st.DrawFn, lo: int, hi: int) -> dt.date:
    return dt.date.fromordinal(draw(st.integers(lo, max(lo, hi))))


@st.composite
def sentences(draw: st.DrawFn, shape: Shape) -> dict[str, Any]:
    s: dict[str, Any] = {"kind": draw(st.sampled_from(shape.kinds))}
    if s["kind"] == "fine":
        if draw(st.integers(0, 3)):
            s["daily_rates"] = draw(st.sampled_from([10, 60, 90, 91, 120, 360]))
    elif s["kind"] not in ("life", "death") and draw(st.integers(0, 4)):
        s["months"] = draw(st.sampled_from([1, 3, 4, 6, 7, 12, 13, 24, 25, 30, 36, 48, 49, 60, 120]))
    if s["kind"] in ("fixed_term", "custody") and draw(st.booleans()):
        s["suspended"] = draw(st.booleans())
        if draw(st.integers(0, 4)):
            s["probation_months"] = draw(st.sampled_from([12, 18, 24, 36, 60]))
    if draw(st.integers(0, 9)) == 0:
        s["days"] = draw(st.sampled_from([30, 93]))
    return s


@st.composite
def offence(draw: st.DrawFn, pack_id: str, eid: str, lo: int, hi: int) -> dict[str, Any]:
    shape = SHAPES[pack_id]
    # half from the statute table (listed offences), half from offences on no list (the ordinary cases)
    pool = statutes(pack_id) if draw(st.booleans()) else shape.extra_statutes
    body: dict[str, Any] = {"name": "offence", "statute": draw(st.sampled_from(pool))}
    grade = draw(st.sampled_from(shape.grades))
    if grade is not None:
        body["class"] = grade
    if draw(st.integers(0, 5)) == 0:
        body["categories"] = draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=2))
    return {"id": eid, "type": "offense", "date": draw(days(lo, hi)).isoformat(), "offense": body}


@st.composite
def bundles(draw: st.DrawFn, pack_id: str, number: int) -> dict[str, Any]:
    shape = SHAPES[pack_id]
    birth = draw(days(dt.date(1960, 1, 1).toordinal(), dt.date(2006, 1, 1).toordinal()))
    lo = max(LO, birth.toordinal() + 14 * 366)
    events: list[dict[str, Any]] = []
    start = lo
    for case in range(draw(st.integers(1, 4))):
        # cases follow one another (sometimes inside an earlier one's period, sometimes long after)
        start += draw(st.sampled_from([0, 200, 900, 2000, 4000]))
        off = draw(offence(pack_id, f"o{case}", start, start + 700))
        events.append(off)
        ids = [off["id"]]
        if draw(st.integers(0, 4)) == 0:
            second = draw(offence(pack_id, f"o{case}b", start, start + 700))
            events.append(second)
            ids.append(second["id"])
        last = max(dt.date.fromisoformat(e["date"]) for e in events if e["id"] in ids)
        when = draw(days(last.toordinal(), last.toordinal() + 500))
        start = max(start, when.toordinal())
        kind = draw(st.sampled_from(["conviction"] * shape.convictions + list(shape.others)))
        rid = f"r{case}"
        if kind == "conviction":
            events.append(
                {
                    "id": rid,
                    "type": "conviction",
                    "date": when.isoformat(),
                    "offense_ids": ids,
                    "sentence": draw(sentences(shape)),
                }
            )
            for j, follow in enumerate(
                draw(
                    st.lists(
                        st.sampled_from(
                            [
                                "sentence_completed",
                                "sentence_completed",
                                "probation_completed",
                                "probation_revoked",
                                "fine_paid",
                                "restitution_paid",
                                "restitution_paid",
                            ]
                        ),
                        max_size=3,
                    )
                )
            ):
                day = draw(days(when.toordinal(), when.toordinal() + 2500))
                events.append({"id": f"f{case}{j}", "type": follow, "date": day.isoformat(), "conviction_id": rid})
        elif kind == "caution":
            events.remove(off)
            if len(ids) > 1:
                events.remove(second)
            cat = draw(st.sampled_from([None, ["dbs_specified"], []]))
            inline: dict[str, Any] = {"name": "offence", "statute": off["offense"]["statute"]}
            if cat is not None:
                inline["categories"] = cat
            events.append({"id": rid, "type": "caution", "date": when.isoformat(), "offense": inline})
        else:
            event: dict[str, Any] = {"id": rid, "type": kind, "date": when.isoformat(), "offense_ids": ids}
            if kind == "non_prosecution":
                event["kind"] = "discretionary"
            events.append(event)
    latest = max(dt.date.fromisoformat(e["date"]) for e in events)
    raw: dict[str, Any] = {
        "id": f"HY-{number:03d}",
        "jurisdiction": pack_id,
        "as_of": max(latest, dt.date(2040, 1, 1)).isoformat(),
        "person": {"birth_date": birth.isoformat()},
        "events": events,
    }
    channel = draw(st.sampled_from(shape.channels))
    if channel is not None:
        raw["target"] = {"channel": channel}
    return raw


def as_of_days() -> st.SearchStrategy[dt.date]:
    """The day of the scan: any from 2005 (before every change of law encoded), often after them all."""
    return st.one_of(
        st.dates(dt.date(2005, 1, 1), dt.date(2040, 1, 1)), st.dates(dt.date(2023, 6, 1), dt.date(2036, 1, 1))
    )


@st.composite
def populations(draw: st.DrawFn, pack_id: str) -> list[Bundle]:
    return [parse_bundle(draw(bundles(pack_id, n))) for n in range(draw(st.integers(1, 5)))]
