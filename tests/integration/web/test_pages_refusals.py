"""The refusals that pages said in English until they had codes (issue 7) are said in Chinese beside the form
or on the page that refused: a blocked certificate, a judicial grant the policy's lists refuse, a mistyped
verification code, a letter asked of an undecided case, an ID number that is not one, a ledger that forked."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import sqlalchemy as sa
import web_session
from conftest import person_bundle, write_jsonl
from fastapi.testclient import TestClient
from judicial_setup import CASE, T, sealed_story
from web_session import csrf

from sealkeeper.config import Settings
from sealkeeper.services import judicial_access as ja
from sealkeeper.services import sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.ledger_tables import ledger_checkpoints
from sealkeeper.store.procedure_tables import access_requests, cases


def account_signed_in(home: Settings, username: str, password: str, totp: str) -> TestClient:
    client = web_session.browser(home, T)
    assert web_session.log_in(client, T, username, password, totp) == 200
    return client


def staff(home: Settings, role: str) -> TestClient:
    return web_session.signed_in(home, T, f"u-{role}", [role])


def test_a_blocked_certificate_is_refused_in_chinese_beside_the_form(home: Settings, tmp_path: Path) -> None:
    unclear = person_bundle(9)
    unclear["events"][0]["offense"]["statute"] = "刑法第999条"  # no such article: the engine asks a clerk
    import_file(home, write_jsonl(tmp_path / "u.jsonl", [unclear]), dt.date(2026, 6, 30), T.date())
    sealing_runs.run(home, T.date(), T)
    officer = staff(home, "certificate_officer")
    form = officer.get("/certificates")
    refused = officer.post("/certificates", data={"csrf": csrf(form.text), "purpose": "general",
                                                  "id_number": unclear["person"]["id_number"]})  # fmt: skip
    assert refused.status_code == 422
    said = re.search(r'<p class="error" role="alert">记录 (R\S+) 阻止出具证明：决定或罪名类别不明，须由承办人核实</p>',
                     refused.text)  # fmt: skip
    assert said is not None, refused.text
    assert "无法办理：" not in refused.text
    assert 'action="/certificates"' in refused.text.split(said.group(0))[1]  # the form follows the refusal


def test_an_approval_the_grant_refuses_is_said_in_chinese_beside_that_request(home: Settings, tmp_path: Path) -> None:
    story = sealed_story(home, tmp_path, people=1)
    request_id = ja.request_access(home, story.accounts["judge"], story.records[0], "trial", CASE, T)
    with open_store(home).begin() as conn:  # the policy's list of purposes changed since the request was made
        conn.execute(sa.update(access_requests).where(access_requests.c.id == request_id).values(purpose="audit"))
    approver = account_signed_in(home, "approver", *story.secrets["approver"])
    inbox = approver.get("/inbox")
    refused = approver.post(f"/inbox/{request_id}/approve", data={"csrf": csrf(inbox.text), "hours": "24"})
    assert refused.status_code == 422
    said = f'<p class="error" role="alert" id="error-{request_id}" tabindex="-1" autofocus>用途不在以下范围内：'
    assert said in refused.text, refused.text
    assert "无法办理：" not in refused.text
    with open_store(home).connect() as conn:
        state = conn.execute(sa.select(access_requests.c.state).where(access_requests.c.id == request_id))
        assert state.scalar_one() == "pending"


def test_a_mistyped_verification_code_is_said_in_chinese(home: Settings) -> None:
    officer = staff(home, "certificate_officer")
    refused = officer.get("/certificates/ABCD.pdf")
    assert refused.status_code == 404
    assert "验证码应有 " in refused.text
    assert "此验证码有 4 个" in refused.text
    assert "无法办理：" not in refused.text


def test_a_letter_of_an_undecided_case_is_refused_in_chinese(home: Settings, tmp_path: Path) -> None:
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [person_bundle(1)]), dt.date(2026, 6, 30), T.date())
    sealing_runs.run(home, T.date(), T)
    with open_store(home).connect() as conn:
        case_id = conn.execute(sa.select(cases.c.case_id).where(cases.c.procedure == "sealing")).scalar_one()
    clerk = staff(home, "clerk")
    refused = clerk.get(f"/cases/{case_id}/letter.pdf")
    assert refused.status_code == 404
    assert f"{case_id}：" in refused.text
    assert "无决定书" in refused.text, refused.text
    assert "无法办理：" not in refused.text
    missing = clerk.get("/cases/AP-none/letter.pdf")
    assert "案件编号：没有案件 AP-none" in missing.text


def test_an_id_number_that_is_not_one_is_said_in_chinese_beside_its_field(home: Settings) -> None:
    officer = staff(home, "certificate_officer")
    form = officer.get("/certificates")
    refused = officer.post("/certificates", data={"csrf": csrf(form.text), "purpose": "general",
                                                  "id_number": "110105199001011235"})  # fmt: skip
    assert refused.status_code == 422
    assert '<span class="error" id="id-error">身份证号码：校验码不符（GB 11643-1999 第 6.2 条）</span>' in refused.text


def test_a_forked_ledger_is_said_in_chinese_on_the_persons_access_page(home: Settings, tmp_path: Path) -> None:
    story = sealed_story(home, tmp_path, people=1)
    with open_store(home).begin() as conn:  # a checkpoint signed beyond the log: the log was cut short
        conn.execute(sa.insert(ledger_checkpoints).values(size=1_000_000, root=bytes(32), note="forged"))
    person = account_signed_in(home, "person0", *story.secrets["person0"])
    refused = person.get("/me/access")
    assert refused.status_code == 403
    assert re.search(r'role="alert">已有大小为 1000000 的检查点，但账本仅有 \d+ 条记录<', refused.text), refused.text
