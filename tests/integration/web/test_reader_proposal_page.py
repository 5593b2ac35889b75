"""The reader's proposal on the clerk's case page: marked as the model's, each fact with its confidence and
beside the record's; the clerk confirms it (once); one who may not read the record does not see it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import sqlalchemy as sa
from conftest import ledger_events, person_bundle, write_jsonl
from fastapi.testclient import TestClient
from reader_setup import theft_judgment, train_small, write_texts
from web_session import signed_in

from sealkeeper.config import Settings
from sealkeeper.services import reader_models, reader_proposals, sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.procedure_tables import cases
from sealkeeper.store.reader_tables import reader_proposals as table

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _signed_in(home: Settings, role: str, jurisdictions: list[str]) -> TestClient:
    return signed_in(home, NOW, f"u-{role}-{len(jurisdictions)}", [role], jurisdictions=jurisdictions)


def _case_with_proposal(home: Settings, tmp_path: Path) -> str:
    version = train_small(home)
    import_file(home, write_jsonl(tmp_path / "b.jsonl", [person_bundle(1)]), NOW.date(), NOW.date())
    sealing_runs.run(home, NOW.date(), NOW)
    texts = write_texts(tmp_path / "t.jsonl", [{"bundle": "IT-0001", "text": theft_judgment()}])
    model, _ = reader_models.load(home, version)
    reader_proposals.attach(home, texts, reader_proposals.read_texts(texts), model=model, model_version=version,
                            today=NOW.date())  # fmt: skip
    with open_store(home).connect() as conn:
        return str(conn.execute(sa.select(cases.c.case_id).where(cases.c.procedure == "sealing")).scalar_one())


def test_the_clerk_sees_the_proposal_marked_and_confirms_it(home: Settings, tmp_path: Path) -> None:
    case_id = _case_with_proposal(home, tmp_path)
    clerk = _signed_in(home, "clerk", ["CN"])
    clerk.get("/lang/en", params={"next": "/"})
    page = clerk.get(f"/cases/{case_id}")
    assert page.status_code == 200
    section = page.text[page.text.index('id="reader-proposal"') :]
    assert "Proposed by the model — confirm before use." in section
    assert "盗窃罪" in section
    assert "刑法第二百六十四条" in section
    assert "criminal detention 3 months" in section
    assert "2020-01-10" in section
    assert "2020-05-01" in section
    assert re.search(r"<td>\d{1,3}%</td>", section)  # a confidence for each fact
    assert "agrees" in section
    assert "differs" not in section
    assert "awaiting a person" in section
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert token is not None
    done = clerk.post(f"/cases/{case_id}/proposal/confirm", data={"csrf": token.group(1)})
    assert done.status_code == 200
    assert "confirmed by a person" in done.text
    assert "Confirm the proposal" not in done.text
    with open_store(home).connect() as conn:
        row = conn.execute(sa.select(table.c.state, table.c.decided_by, table.c.decided_on)).one()
    assert (row.state, row.decided_on) == ("confirmed", NOW.date())
    assert row.decided_by in done.text  # the account that confirmed, shown beside the state
    again = clerk.post(f"/cases/{case_id}/proposal/confirm", data={"csrf": token.group(1)})
    assert again.status_code == 422
    assert "already confirmed" in again.text


def test_the_page_is_chinese_by_default(home: Settings, tmp_path: Path) -> None:
    case_id = _case_with_proposal(home, tmp_path)
    page = _signed_in(home, "clerk", ["CN"]).get(f"/cases/{case_id}")
    assert "以下内容由模型建议，使用前须经人工确认。" in page.text
    assert "待人工确认" in page.text


def test_a_clerk_of_another_jurisdiction_does_not_see_the_proposal(home: Settings, tmp_path: Path) -> None:
    case_id = _case_with_proposal(home, tmp_path)
    other = _signed_in(home, "clerk", ["DE"])
    other.get("/lang/en", params={"next": "/"})
    page = other.get(f"/cases/{case_id}")
    assert "you may not read the record" in page.text
    assert "盗窃罪" not in page.text
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert token is not None
    refused = other.post(f"/cases/{case_id}/proposal/confirm", data={"csrf": token.group(1)})
    assert refused.status_code == 422
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(table.c.state)).scalar_one() == "needs_review"


def test_the_clerks_queue_lists_the_proposal_until_it_is_reviewed(home: Settings, tmp_path: Path) -> None:
    case_id = _case_with_proposal(home, tmp_path)
    clerk = _signed_in(home, "clerk", ["CN"])
    before = len(ledger_events(home, "access.decision"))
    queue = clerk.get("/queue")
    assert queue.status_code == 200
    logged = ledger_events(home, "access.decision")[before:]
    assert [e["action"] for e in logged] == ["view_queue"]  # one view, one entry (it was logged twice)
    listed = queue.text[queue.text.index('id="proposals-heading"') :]
    assert "待复核的判决书识别建议" in listed
    assert f'href="/cases/{case_id}#reader-proposal"' in listed
    page = clerk.get(f"/cases/{case_id}")
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert token is not None
    clerk.post(f"/cases/{case_id}/proposal/reject", data={"csrf": token.group(1)})
    assert 'id="proposals-heading"' not in clerk.get("/queue").text
