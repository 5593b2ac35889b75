"""The journey in a real browser: Playwright driving Debian's Chromium against `sealkeeper serve` on loopback.

A person applies for a record to be sealed, the clerk reviews, the approver decides, and the person sees the
record sealed; a court asks to read the sealed record (through the API, as its system would), the approver
approves it in the inbox, the court reads it, and the person sees that access in their history, checked by
their own browser against the signed checkpoint; the auditor finds it and verifies the ledger. The sign-in form
is filled with the keyboard only; every page passes axe-core (no serious or critical violation). A screenshot
of each step is kept under test-artifacts/browser/.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, sync_playwright

from sealkeeper.config import load_settings
from sealkeeper.services import accounts, sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.records import init_home
from sealkeeper.services.store_access import close_all, open_store
from sealkeeper.store.procedure_tables import cases
from sealkeeper.synth.identity import id_number

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).parents[2]
AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
SEALKEEPER = Path(sys.executable).parent / "sealkeeper"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip
Accounts = dict[str, tuple[str, str, str]]  # role -> (username, password, totp secret)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def adult_bundle() -> dict[str, Any]:
    """An adult theft conviction, served: not sealed by law, so the person may apply."""
    return {
        "id": "WB-0001", "jurisdiction": "CN", "as_of": dt.date.today().isoformat(),  # noqa: DTZ011 - the server's day
        "person": {"birth_date": "1990-01-01", "name": "浏览器测试", "id_number": id_number(7, dt.date(1990, 1, 1))},
        "events": [
            {"id": "e1", "type": "offense", "date": "2020-01-10",
             "offense": {"name": "盗窃罪", "statute": "刑法第264条"}},
            {"id": "e2", "type": "conviction", "date": "2020-05-01", "offense_ids": ["e1"],
             "sentence": {"kind": "criminal_detention", "months": 3}},
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Accounts, str]]:
    if not CHROMIUM.exists() or not AXE.exists():
        pytest.fail("run scripts/test-browser.sh first (Debian chromium and axe-core); `make test` does")
    home = tmp_path_factory.mktemp("browser") / "home"
    settings = load_settings({"SEALKEEPER_HOME": str(home)})
    init_home(settings)
    now = dt.datetime.now(dt.UTC)
    source = home.parent / "people.jsonl"
    source.write_text(json.dumps(adult_bundle(), ensure_ascii=False) + "\n", encoding="utf-8")
    import_file(settings, source, now.date(), now.date())
    sealing_runs.run(settings, now.date(), now)
    with open_store(settings).connect() as conn:
        token = conn.execute(sa.select(cases.c.subject)).scalar_one()
    made: Accounts = {}
    for role, subject in (
        ("data_subject", token),
        ("clerk", ""),
        ("approver", ""),
        ("judicial_requester", ""),
        ("auditor", ""),
    ):
        new = accounts.create_account(settings, accounts.LOCAL_OPERATOR, f"web-{role}", [role], now, subject=subject,
                                      jurisdictions=[] if subject else ["CN"])  # fmt: skip
        made[role] = (new.username, new.password, new.totp_secret)
    close_all()
    port = free_port()
    env = {**os.environ, "SEALKEEPER_HOME": str(home)}
    env.pop("SEALKEEPER_DATABASE_URL", None)
    proc = subprocess.Popen([str(SEALKEEPER), "serve", "--port", str(port)], env=env,  # noqa: S603 - our own script
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.25)
        else:
            pytest.fail(f"the service did not start: {proc.stderr.read() if proc.stderr else ''}")
        yield base, made, token
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def check_accessibility(page: Page, step: str) -> None:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["help"]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], (step, serious)


def shoot(page: Page, step: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{step}.png"), full_page=True)
    check_accessibility(page, step)


def sign_in_with_keyboard(page: Page, base: str, account: tuple[str, str, str], step: str) -> None:
    username, password, secret = account
    page.goto(f"{base}/login")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the language switch
    page.locator("#username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Tab")
    page.keyboard.type(pyotp.TOTP(secret).now())
    shoot(page, f"{step}-sign-in")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    alert = page.locator("[role=alert]")
    assert alert.count() == 0, alert.inner_text()


def court_reads(base: str, judge: tuple[str, str, str], record: str) -> tuple[httpx.Client, str]:
    """The court's system signs in and asks to read the sealed record (API)."""
    client = httpx.Client(base_url=f"{base}/api/v1", timeout=30)
    username, password, secret = judge
    session = client.post("/session", json={"username": username, "password": password,
                                            "totp": pyotp.TOTP(secret).now()})  # fmt: skip
    assert session.status_code == 200, session.text
    client.headers["Authorization"] = f"Bearer {session.json()['token']}"
    asked = client.post("/access-requests", json={"record": record, "purpose": "trial",
                                                  "case_number": "(2026)京0105刑初9号"})  # fmt: skip
    assert asked.status_code == 201, asked.text
    return client, str(asked.json()["id"])


def apply_review_decide(browser: Browser, base: str, made: Accounts) -> tuple[Page, Page, str]:
    """Steps 1-9: the person applies, the clerk reviews, the approver decides; returns the person's and the
    approver's pages and the record's case id."""
    person = browser.new_page()
    sign_in_with_keyboard(person, base, made["data_subject"], "1-person")
    assert person.url.endswith("/me")
    shoot(person, "2-person-records")
    person.locator("input[name=records]").first.check()
    person.fill("#materials", "M-1")
    person.get_by_role("button", name="申请封存").click()
    assert person.get_by_role("status").inner_text() == "您的申请已提交。"
    shoot(person, "3-person-applied")
    application = person.locator("li", has_text="封存申请").inner_text().split()[1].rstrip(":")

    clerk = browser.new_page()
    sign_in_with_keyboard(clerk, base, made["clerk"], "4-clerk")
    clerk.get_by_role("link", name=application).click()
    shoot(clerk, "5-clerk-case")
    clerk.get_by_role("button", name="审查材料").click()
    assert clerk.locator("#case-state").inner_text() == "已受理"

    approver = browser.new_page()
    sign_in_with_keyboard(approver, base, made["approver"], "6-approver")
    approver.goto(f"{base}/cases/{application}")
    decide = approver.get_by_role("button", name="作出决定")
    decide.click()  # no reasons yet: refused beside the form, nothing changed
    assert approver.locator("#error-Decide").is_visible()
    shoot(approver, "7-approver-refused-without-reasons")
    form = approver.locator("form", has=approver.get_by_role("button", name="作出决定"))
    form.locator("select[name=outcome]").select_option("seal")
    form.get_by_label("规则").fill("cn.application.granted")
    form.get_by_label("引用条文").fill("刑事诉讼法第286条")
    form.get_by_label("理由说明").fill("材料齐全，准予封存")
    form.get_by_role("button", name="作出决定").click()
    assert approver.locator("#case-state").inner_text() == "已决定"
    shoot(approver, "8-approver-decided")

    person.goto(f"{base}/me")
    assert "已封存" in person.locator("td.state").first.inner_text()
    shoot(person, "9-person-sealed")
    record = person.locator("td.state").first.locator("xpath=..").locator("td").nth(1).inner_text()
    return person, approver, record


def test_apply_review_decide_then_a_judicial_access_in_the_browser(server: tuple[str, Accounts, str]) -> None:
    base, made, _ = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        try:
            person, approver, record = apply_review_decide(browser, base, made)

            court, request_id = court_reads(base, made["judicial_requester"], record)
            approver.goto(f"{base}/inbox")
            assert approver.get_by_text("审判").is_visible()  # the stated purpose, translated
            shoot(approver, "10-approver-inbox")
            approver.locator("section", has_text=request_id).get_by_role("button", name="批准").click()
            assert approver.get_by_text("暂无待审批的申请。").is_visible()
            read = court.get(f"/access-requests/{request_id}/record")
            assert read.status_code == 200, read.text

            person.goto(f"{base}/me/access")
            person.locator("td.verdict").first.filter(has_text="已包含在签名检查点中").wait_for(timeout=10_000)
            shoot(person, "11-person-access-history")

            auditor = browser.new_page()
            sign_in_with_keyboard(auditor, base, made["auditor"], "12-auditor")
            auditor.fill("#q-purpose", "trial")
            auditor.get_by_role("button", name="搜索").click()
            assert auditor.locator("tbody tr").count() >= 1
            auditor.get_by_role("button", name="核验全部账本").click()
            assert "all verify" in auditor.get_by_role("status").inner_text()
            shoot(auditor, "13-auditor-verified")
        finally:
            browser.close()
