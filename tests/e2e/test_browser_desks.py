"""The guardian's and the higher authority's pages in a real browser (Debian's Chromium, Playwright) against
`sealkeeper serve`: the guardian asks to represent the person, a clerk approves (API), the guardian sees the
person's records and a refused form says why beside its field; the person's complaint is rejected and referred
(API), and the higher authority finds it in its inbox, reads the file, is refused a decision without reasons and
then decides with them. Every page passes axe-core; a screenshot of each step is kept under test-artifacts/browser/.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from browser_setup import Account, Accounts, chromium, serve, shoot, totp
from playwright.sync_api import Page

from sealkeeper.config import load_settings
from sealkeeper.services import accounts
from sealkeeper.services.store_access import close_all, open_store
from sealkeeper.store.procedure_tables import cases

REASON = {"rule": "demo.decision", "citation": "刑事诉讼法第286条", "text": "理由"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Accounts, str, str]]:
    """The served home, its accounts (with a guardian, a supervisor and the higher authority), and the person's
    record case and subject token."""
    home = tmp_path_factory.mktemp("desks") / "home"
    with serve(home) as (base, made):
        settings = load_settings({"SEALKEEPER_HOME": str(home)})
        now = dt.datetime.now(dt.UTC)
        for role in ("representative", "supervisor", "higher_authority"):
            new = accounts.create_account(settings, accounts.LOCAL_OPERATOR, f"web-{role}", [role], now,
                                          jurisdictions=["CN"])  # fmt: skip
            made[role] = (new.username, new.password, new.totp_secret)
        with open_store(settings).connect() as conn:
            record, token = conn.execute(sa.select(cases.c.case_id, cases.c.subject)).one()
        close_all()
        yield base, made, str(record), str(token)


def api(base: str, account: Account) -> httpx.Client:
    client = httpx.Client(base_url=f"{base}/api/v1", timeout=30)
    session = client.post("/session", json={"username": account[0], "password": account[1], "totp": totp(account)})
    assert session.status_code == 200, session.text
    client.headers["Authorization"] = f"Bearer {session.json()['token']}"
    return client


def sign_in(page: Page, base: str, account: Account) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", account[0])
    page.fill("#password", account[1])
    page.fill("#totp", totp(account))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("[role=alert]").count() == 0


def test_the_guardian_and_the_higher_authority_at_their_pages(server: tuple[str, Accounts, str, str]) -> None:
    base, made, record, token = server
    with chromium() as browser:
        guardian = browser.new_page()
        sign_in(guardian, base, made["representative"])
        assert guardian.url.endswith("/represented")
        shoot(guardian, "20-guardian-without-a-link")
        guardian.fill("#link-subject", token)
        guardian.select_option("#link-basis", "parent")
        guardian.fill("#link-document", "M-birth-1")
        with guardian.expect_navigation():
            guardian.get_by_role("button", name="申请建立代理关系").click()
        link = re.search(r"RP-[0-9a-f]{16}", guardian.content())
        assert link is not None
        clerk = api(base, made["clerk"])
        approved = clerk.post(f"/cases/{link.group(0)}/Approve", json={"reasons": [REASON]})
        assert approved.status_code == 200, approved.text

        guardian.goto(f"{base}/represented")
        assert guardian.get_by_role("cell", name=record).first.is_visible()
        shoot(guardian, "21-guardian-the-person-represented")
        with guardian.expect_navigation():
            guardian.get_by_role("button", name="申请更正").click()  # no field named: refused beside the field
        assert "更正请求须写明有误的字段" in guardian.locator("#p0-error-correction").inner_text()
        assert guardian.get_attribute("#p0-corr-fields", "aria-invalid") == "true"
        shoot(guardian, "22-guardian-refused-beside-the-field")

        person, supervisor = api(base, made["data_subject"]), api(base, made["supervisor"])
        filed = person.post("/cases", json={"procedure": "complaint", "ground": "leak", "concerning": record})
        assert filed.status_code == 201, filed.text
        complaint = str(filed.json()["case_id"])
        answered = supervisor.post(f"/cases/{complaint}/Answer", json={"finding": "rejected", "reasons": [REASON]})
        assert answered.status_code == 200, answered.text
        assert person.post(f"/cases/{complaint}/Refer", json={}).status_code == 200

        higher = browser.new_page()
        sign_in(higher, base, made["higher_authority"])
        assert higher.url.endswith("/referred")
        shoot(higher, "23-higher-authority-inbox")
        with higher.expect_navigation():
            higher.get_by_role("link", name=complaint).click()
        shoot(higher, "24-higher-authority-complaint-file")
        decide = higher.locator("form.action button[type=submit]")
        with higher.expect_navigation():
            decide.click()  # no reasons: refused beside the form
        assert "复议决定须说明理由" in higher.locator("#error-Reconsider").inner_text()
        shoot(higher, "25-higher-authority-refused")
        higher.fill("#Reconsider-reasons-rule", REASON["rule"])
        higher.fill("#Reconsider-reasons-citation", REASON["citation"])
        with higher.expect_navigation():
            higher.locator("form.action button[type=submit]").click()
        assert higher.get_by_text("没有待复议的投诉。").is_visible()
        shoot(higher, "26-higher-authority-decided")
