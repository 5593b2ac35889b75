"""The journey in a real browser: Playwright driving Debian's Chromium against `sealkeeper serve` on loopback.

A person applies for a record to be sealed; the certificate officer's certificate still lists the record; the
clerk opens the record (its timeline) and reviews the application; the approver decides; the person sees the
record sealed and a new certificate no longer shows it (the PDF read back with pypdf); a court asks to read the
sealed record (through the API, as its system would), the approver approves it in the inbox, the court reads it,
and the person sees that access in their history, checked by their own browser against the signed checkpoint;
the auditor finds it and verifies the ledger. Sign-in forms are filled with the keyboard only; every page passes
axe-core (no serious or critical violation). A screenshot of each step is kept under test-artifacts/browser/.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_setup import ID_NUMBER, Account, Accounts, chromium, court_requests, serve, shoot, totp
from playwright.sync_api import Browser, Page
from pypdf import PdfReader


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Accounts]]:
    with serve(tmp_path_factory.mktemp("browser") / "home") as running:
        yield running


def sign_in_with_keyboard(page: Page, base: str, account: Account, step: str) -> None:
    username, password, _ = account
    page.goto(f"{base}/login")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the home link
    page.keyboard.press("Tab")  # the language switch
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "username"
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Tab")
    page.keyboard.type(totp(account))
    shoot(page, f"{step}-sign-in")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    alert = page.locator("[role=alert]")
    assert alert.count() == 0, alert.inner_text()


def certificate_text(officer: Page, base: str, step: str) -> str:
    """The certificate officer issues a certificate for the person from the page and opens its PDF (in the
    officer's browser session); the PDF's text, spaces removed (the CJK text comes out with a NUL between glyphs)."""
    officer.goto(f"{base}/certificates")
    officer.get_by_label("居民身份证号码").fill(ID_NUMBER)
    officer.get_by_role("button", name="出具").click()
    assert officer.get_by_role("status").is_visible()
    shoot(officer, step)
    link = officer.get_by_role("link", name="打开证明（PDF）")
    pdf = officer.request.get(f"{base}{link.get_attribute('href')}")
    assert pdf.headers["content-type"] == "application/pdf"
    return re.sub(r"[\s\x00]+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages))


def apply_review_decide(browser: Browser, base: str, made: Accounts) -> tuple[Page, Page, Page, str]:
    """The person applies, the certificate still lists the record, the clerk opens the record's timeline and
    reviews, the approver decides, the person sees the record sealed; returns the person's, the approver's and
    the officer's pages and the record's case id."""
    person = browser.new_page()
    sign_in_with_keyboard(person, base, made["data_subject"], "01-person")
    assert person.url.endswith("/me")
    shoot(person, "02-person-records")
    record = person.locator("input[name=records]").first.get_attribute("value") or ""
    person.locator("input[name=records]").first.check()
    person.fill("#materials", "M-1")
    person.get_by_role("button", name="申请封存").click()
    assert person.get_by_role("status").inner_text() == "您的申请已提交。"
    shoot(person, "03-person-applied")
    application = person.locator("li", has_text="封存申请").inner_text().split()[1].rstrip(":")

    officer = browser.new_page()
    sign_in_with_keyboard(officer, base, made["certificate_officer"], "04-officer")
    assert "盗窃罪" in certificate_text(officer, base, "05-certificate-lists-the-record")

    clerk = browser.new_page()
    sign_in_with_keyboard(clerk, base, made["clerk"], "06-clerk")
    clerk.goto(f"{base}/cases/{record}")
    chart = clerk.get_by_role("img", name="记录时间线")
    assert chart.is_visible()
    table = clerk.locator("#timeline-table")
    assert table.get_by_text("犯罪行为").is_visible()  # the record's own events: the clerk may read it (unsealed)
    assert table.get_by_text("判决（定罪）").is_visible()
    assert table.get_by_text("提出封存申请").is_visible()  # and the application about it
    proposal = clerk.locator("#reader-proposal")  # the reader's proposal, each fact with its review controls
    assert proposal.get_by_text("以下内容由模型建议，使用前须经人工确认。").is_visible()
    assert proposal.get_by_role("button", name="将已确认的事实写入记录").is_disabled()  # nothing reviewed yet
    shoot(clerk, "07-clerk-record-timeline")
    clerk.goto(f"{base}/queue")
    clerk.get_by_role("link", name=application).click()
    shoot(clerk, "08-clerk-case")
    clerk.get_by_role("button", name="审查材料").click()
    assert clerk.locator("#case-state").inner_text() == "已受理"

    approver = browser.new_page()
    sign_in_with_keyboard(approver, base, made["approver"], "09-approver")
    approver.goto(f"{base}/cases/{application}")
    approver.get_by_role("button", name="作出决定").click()  # no reasons yet: refused beside the form
    assert approver.locator("#error-Decide").is_visible()
    shoot(approver, "10-approver-refused-without-reasons")
    form = approver.locator("form", has=approver.get_by_role("button", name="作出决定"))
    form.locator("select[name=outcome]").select_option("seal")
    form.get_by_label("规则").fill("cn.application.granted")
    form.get_by_label("引用条文").fill("刑事诉讼法第286条")
    form.get_by_label("理由说明").fill("材料齐全，准予封存")
    form.get_by_role("button", name="作出决定").click()
    assert approver.locator("#case-state").inner_text() == "已决定"
    shoot(approver, "11-approver-decided")

    person.goto(f"{base}/me")
    assert "已封存" in person.locator("td.state").first.inner_text()
    shoot(person, "12-person-sealed")
    return person, approver, officer, record


def test_the_whole_journey_in_the_browser(server: tuple[str, Accounts]) -> None:
    base, made = server
    with chromium() as browser:
        person, approver, officer, record = apply_review_decide(browser, base, made)

        after = certificate_text(officer, base, "13-certificate-without-the-record")
        assert "盗窃罪" not in after  # sealed: the certificate no longer shows the record
        assert "未发现浏览器测试有犯罪记录" in after, after

        court, request_id = court_requests(base, made["judicial_requester"], record, "(2026)京0105刑初9号")
        approver.goto(f"{base}/inbox")
        assert approver.get_by_text("审判").is_visible()  # the stated purpose, translated
        shoot(approver, "14-approver-inbox")
        approver.locator("section", has_text=request_id).get_by_role("button", name="批准").click()
        assert approver.get_by_text("暂无待审批的申请。").is_visible()
        read = court.get(f"/access-requests/{request_id}/record")
        assert read.status_code == 200, read.text

        person.goto(f"{base}/me/access")
        person.locator("td.verdict").first.filter(has_text="已包含在签名检查点中").wait_for(timeout=10_000)
        shoot(person, "15-person-access-history")

        auditor = browser.new_page()
        sign_in_with_keyboard(auditor, base, made["auditor"], "16-auditor")
        auditor.fill("#q-purpose", "trial")
        auditor.get_by_role("button", name="搜索").click()
        assert auditor.locator("tbody tr").count() >= 1
        auditor.get_by_role("button", name="核验全部账本").click()
        assert "全部核验通过" in auditor.get_by_role("status").inner_text()  # the figures, in Chinese
        shoot(auditor, "17-auditor-verified")


def test_screenshots_are_kept(server: tuple[str, Accounts]) -> None:
    """Runs after the journey (file order): each step left its screenshot."""
    kept = {p.stem for p in (Path(__file__).parents[2] / "test-artifacts" / "browser").glob("*.png")}
    assert {"05-certificate-lists-the-record", "07-clerk-record-timeline", "13-certificate-without-the-record",
            "15-person-access-history"} <= kept  # fmt: skip
