"""The journey in a real browser: Playwright driving Debian's Chromium against `sealkeeper serve` on loopback.

A person applies for a record to be sealed, the clerk reviews, the approver decides, and the person sees the
record sealed. The sign-in form is filled with the keyboard only; every page passes axe-core (no serious or
critical violation). A screenshot of each step is kept under test-artifacts/browser/.
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
from playwright.sync_api import Page, sync_playwright

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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Accounts]]:
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
    for role, subject in (("data_subject", token), ("clerk", ""), ("approver", "")):
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
        yield base, made
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


def test_apply_review_decide_in_the_browser(server: tuple[str, Accounts]) -> None:
    base, made = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        try:
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
            form = approver.locator("form", has=approver.get_by_role("button", name="作出决定"))
            form.get_by_role("button", name="作出决定").click()  # no reasons yet: refused beside the form
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
        finally:
            browser.close()
