"""The clerk's record page draws the record's timeline: the record's events, the waiting period the deciding rule
applies (start, length, end, its state on the page's as-of date) and today, as an SVG with a text title and
description, and the same facts in tables; a sealed record's own events are not read."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import person_bundle, write_jsonl
from fastapi.testclient import TestClient
from web_session import signed_in

from sealkeeper.config import Settings
from sealkeeper.services import sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.procedure_tables import cases
from sealkeeper.synth.identity import id_number

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def clerk(home: Settings, jurisdiction: str) -> TestClient:
    return signed_in(home, NOW, "u-clerk", ["clerk"], jurisdictions=[jurisdiction])


def michigan(conviction: str) -> dict[str, Any]:
    """A Michigan misdemeanour: set aside 7 years after the sentence (MCL 780.621g)."""
    return {
        "id": "MI-0001", "jurisdiction": "US-MI", "as_of": "2026-06-29",
        "person": {"birth_date": "1990-01-01", "name": "Test Person"},
        "events": [
            {"id": "e1", "type": "offense", "date": "2019-03-02",
             "offense": {"name": "Trespass", "statute": "MCL 750.552", "class": "misdemeanor", "categories": []}},
            {"id": "e2", "type": "conviction", "date": conviction, "offense_ids": ["e1"],
             "sentence": {"kind": "fine", "amount": 250}},
        ],
    }  # fmt: skip


def record_case(home: Settings, tmp_path: Path, bundle: dict[str, Any]) -> str:
    """The record imported and decided two days before the page's as-of date (no daily run since)."""
    before = NOW - dt.timedelta(days=2)
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [bundle]), before.date(), before.date())
    sealing_runs.run(home, before.date(), before)
    with open_store(home).connect() as conn:
        return str(conn.execute(sa.select(cases.c.case_id).where(cases.c.procedure == "sealing")).scalar_one())


def rows(html: str, table: str) -> list[list[str]]:
    body = html.split(f'<table id="{table}">', 1)[1].split("</table>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S) if "<td" in row]  # fmt: skip


@pytest.mark.parametrize(("conviction", "state"), [("2019-06-30", "已届满"), ("2019-07-01", "今日届满"),
                                                   ("2019-07-02", "进行中 — 剩余天数： 1")])  # fmt: skip
# the period ends the day before, on, and the day after the page's as-of date (2026-07-01)
def test_the_waiting_period_is_drawn_with_its_state_on_the_as_of_date(
    home: Settings, tmp_path: Path, conviction: str, state: str
) -> None:
    case_id = record_case(home, tmp_path, michigan(conviction))
    page = clerk(home, "US-MI").get(f"/cases/{case_id}")
    assert page.status_code == 200, page.text
    assert '<svg role="img" aria-labelledby="timeline-svg-title timeline-svg-desc"' in page.text
    assert '<title id="timeline-svg-title">记录时间线</title>' in page.text
    periods = rows(page.text, "timeline-periods")
    end = dt.date.fromisoformat(conviction).replace(year=2026).isoformat()
    assert periods == [["mi.misdemeanor", f"{conviction} (record_date)", "7 年", end, state]]
    events = rows(page.text, "timeline-table")
    assert events[0][1:3] == ["2019-03-02", "犯罪行为"]
    assert events[-1][1:3] == ["2026-07-01", "适用日（今日）"]  # the app's as-of date, not the machine's clock
    assert [e[1] for e in events[:-1]] == sorted(e[1] for e in events[:-1])


def test_a_sealed_record_shows_only_the_procedure_dates(home: Settings, tmp_path: Path) -> None:
    juvenile = person_bundle(1, birth_date="2003-01-01", id_number=id_number(1, dt.date(2003, 1, 1)))
    case_id = record_case(home, tmp_path, {**juvenile, "as_of": "2026-06-29"})  # under 18 at the offence: sealed
    page = clerk(home, "CN").get(f"/cases/{case_id}")
    assert page.status_code == 200, page.text
    assert "未显示记录本身的事件" in page.text
    kinds = [row[2] for row in rows(page.text, "timeline-table")]
    assert "犯罪行为" not in kinds
    assert "封存" in kinds
    assert 'id="timeline-periods"' not in page.text


def test_the_timeline_speaks_english_on_request(home: Settings, tmp_path: Path) -> None:
    case_id = record_case(home, tmp_path, michigan("2020-03-01"))
    client = clerk(home, "US-MI")
    client.get("/lang/en", params={"next": "/"})
    page = client.get(f"/cases/{case_id}")
    assert "Timeline of the record" in page.text
    assert rows(page.text, "timeline-periods")[0][2:] == ["7 years", "2027-03-01", "running — days left: 243"]


def test_a_period_the_pack_computes_in_a_derived_value_is_drawn(home: Settings, tmp_path: Path) -> None:
    """DE: a fine of 120 daily rates leaves the Führungszeugnis three years after the judgment (§34(1) Nr. 1a
    BZRG); the rule's date reads the derived ``fz_period_date``, which the timeline follows."""
    fine = {
        "id": "DE-0001", "jurisdiction": "DE", "as_of": "2026-06-29",
        "person": {"birth_date": "1980-01-01", "name": "Test Person"},
        "events": [
            {"id": "o1", "type": "offense", "date": "2023-01-05",
             "offense": {"name": "Diebstahl", "statute": "§ 242 StGB"}},
            {"id": "c1", "type": "conviction", "date": "2024-03-10", "offense_ids": ["o1"],
             "sentence": {"kind": "fine", "daily_rates": 120}},
        ],
    }  # fmt: skip
    case_id = record_case(home, tmp_path, fine)
    page = clerk(home, "DE").get(f"/cases/{case_id}")
    assert page.status_code == 200, page.text
    periods = rows(page.text, "timeline-periods")
    assert [p[1:4] for p in periods] == [["2024-03-10 (record_date)", "3 年", "2027-03-10"]]
