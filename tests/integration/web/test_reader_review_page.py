"""The clerk's case page reviews the reader's proposal fact by fact: a fact that contradicts the record has no
Confirm button and a forged confirmation is refused beside it; the corrected date of birth, put in the record,
makes the record juvenile and the sealing run seals it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient
from reader_setup import JUVENILE_BIRTH, case_with_proposal, juvenile_judgment
from web_session import signed_in

from sealkeeper.config import Settings
from sealkeeper.services import sealing_runs

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
LATER = NOW + dt.timedelta(days=1)


def _clerk(home: Settings) -> TestClient:
    return signed_in(home, NOW, "u-clerk", ["clerk"])


def _row(page: str, fact: str) -> str:
    start = page.index(f'<tr id="fact-{fact}">')
    return page[start : page.index("</tr>", start)]


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert found is not None
    return found.group(1)


def test_the_clerk_corrects_a_contradicted_fact_and_the_record_is_sealed(home: Settings, tmp_path: Path) -> None:
    case_id = case_with_proposal(home, tmp_path, juvenile_judgment(), NOW)
    clerk = _clerk(home)
    clerk.get("/lang/en", params={"next": "/"})
    page = clerk.get(f"/cases/{case_id}").text
    assert 'value="confirm"' in _row(page, "charge")
    assert 'value="confirm"' not in _row(page, "birth_date")  # it differs: only a correction puts it in
    assert f'value="{JUVENILE_BIRTH}"' in _row(page, "birth_date")  # the correction starts from the proposal
    assert "not reviewed" in _row(page, "birth_date")
    assert "disabled" in page[page.index("Put the confirmed facts in the record") - 80 :][:90]
    token = _csrf(page)
    forged = clerk.post(f"/cases/{case_id}/proposal/fact/birth_date", data={"csrf": token, "verdict": "confirm"})
    assert forged.status_code == 422
    row = _row(forged.text, "birth_date")
    assert 'id="error-fact-birth_date"' in row
    assert "differs from the record" in row
    assert 'aria-invalid="true" aria-describedby="error-fact-birth_date"' in row
    bad = clerk.post(f"/cases/{case_id}/proposal/fact/sentence",
                     data={"csrf": token, "verdict": "correct", "kind": "fixed_term", "months": "six"})  # fmt: skip
    assert bad.status_code == 422
    assert "months must be a whole number" in _row(bad.text, "sentence")
    for fact, value in (("birth_date", JUVENILE_BIRTH), ("juvenile", "true")):
        done = clerk.post(f"/cases/{case_id}/proposal/fact/{fact}",
                          data={"csrf": token, "verdict": "correct", "value": value})  # fmt: skip
        assert done.status_code == 200
        assert "Done: fact reviewed" in done.text
    assert f"corrected: {JUVENILE_BIRTH}" in _row(done.text, "birth_date")
    assert "corrected: yes" in _row(done.text, "juvenile")
    applied = clerk.post(f"/cases/{case_id}/proposal/confirm", data={"csrf": token})
    assert applied.status_code == 200
    assert "confirmed by a person" in applied.text
    assert "Put in the record as version 2: Date of birth" in applied.text
    assert 'value="confirm"' not in applied.text[applied.text.index('id="reader-proposal"') :]
    sealing_runs.run(home, LATER.date(), LATER)
    assert '<dd id="case-state">sealed</dd>' in clerk.get(f"/cases/{case_id}").text


def test_the_review_and_its_refusals_are_in_chinese_by_default(home: Settings, tmp_path: Path) -> None:
    case_id = case_with_proposal(home, tmp_path, juvenile_judgment(), NOW)
    clerk = _clerk(home)
    page = clerk.get(f"/cases/{case_id}").text
    for text in ("审核", "未审核", "更正后的值", "将已确认的事实写入记录", "确认全部事实并写入记录"):
        assert text in page
    forged = clerk.post(f"/cases/{case_id}/proposal/fact/birth_date", data={"csrf": _csrf(page), "verdict": "confirm"})
    assert "出生日期：与记录不一致，只能以更正方式（手工填写该值）写入" in _row(forged.text, "birth_date")
