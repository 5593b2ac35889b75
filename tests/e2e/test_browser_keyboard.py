"""Real tasks with the keyboard alone (Tab, Shift+Tab, Enter, Space, typing; no mouse, no element.click()):
switching the language, a person applying (the form's errors focus the field they are about and are announced
beside it), the clerk reviewing and the approver deciding, and the approver approving a court's access request.
Every element the keyboard reaches shows a visible focus outline (``:focus-visible``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_setup import Account, Accounts, chromium, court_requests, serve, shoot, totp
from playwright.sync_api import Page

LIMIT = 60  # Tab presses before a test gives up looking for an element


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Accounts]]:
    with serve(tmp_path_factory.mktemp("keyboard") / "home") as running:
        yield running


def focused(page: Page) -> dict[str, str]:
    return dict(page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {id: e.id, tag: e.tagName.toLowerCase(), text: (e.innerText || e.value || '').trim(),
                href: e.getAttribute('href') || '', outline: s.outlineStyle, width: s.outlineWidth,
                invalid: e.getAttribute('aria-invalid') || '',
                described: (document.getElementById(e.getAttribute('aria-describedby') || '') || {}).textContent
                           || ''}; }"""))  # fmt: skip


def assert_visible_focus(page: Page) -> None:
    now = focused(page)
    assert now["outline"] == "solid", now
    assert float(now["width"].removesuffix("px")) >= 2, now


def tab_to(page: Page, selector: str, *, back: bool = False) -> dict[str, str]:
    """Tab (or Shift+Tab) until the focused element matches ``selector``; each stop shows its focus."""
    for _ in range(LIMIT):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        assert_visible_focus(page)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return focused(page)
    raise AssertionError(f"the keyboard never reached {selector}")


def press(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def sign_in(page: Page, base: str, account: Account) -> None:
    page.goto(f"{base}/login")
    tab_to(page, "#username")
    page.keyboard.type(account[0])
    page.keyboard.press("Tab")
    page.keyboard.type(account[1])
    page.keyboard.press("Tab")
    page.keyboard.type(totp(account))
    press(page, "Enter")
    assert page.locator("[role=alert]").count() == 0


def test_the_language_switch_with_the_keyboard(server: tuple[str, Accounts]) -> None:
    base, _ = server
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/login")
        assert tab_to(page, "a[href^='/lang/']")["text"] == "English"
        press(page, "Enter")
        assert page.get_attribute("html", "lang") == "en"
        assert page.get_by_role("heading", name="Sign in").is_visible()
        assert tab_to(page, "a[href^='/lang/']")["text"] == "中文"
        press(page, "Enter")
        assert page.get_attribute("html", "lang") == "zh-CN"
        sign_in_form_empty = tab_to(page, "button[type=submit]")
        assert sign_in_form_empty["text"] == "登录"
        press(page, "Enter")  # nothing typed: each empty field says so beside it, the first is focused
        now = focused(page)
        assert (now["id"], now["invalid"], now["described"]) == ("username", "true", "此项为必填项。")
        shoot(page, "k1-sign-in-errors-by-keyboard")


def test_apply_review_decide_and_approve_an_access_with_the_keyboard(server: tuple[str, Accounts]) -> None:
    base, made = server
    with chromium() as browser:
        person = browser.new_page()
        sign_in(person, base, made["data_subject"])
        application = apply_with_the_keyboard(person)
        approver = browser.new_page()
        review_and_decide_with_the_keyboard(browser.new_page(), approver, base, made, application)
        court, request_id = court_requests(base, made["judicial_requester"], person_record(person, base),
                                           "(2026)京0105刑初7号")  # fmt: skip
        court.close()
        approver.goto(f"{base}/queue")  # signed in already (a second sign-in would replay the same TOTP code)
        tab_to(approver, "a[href='/inbox']")
        press(approver, "Enter")
        tab_to(approver, f"#hours-{request_id}")
        approver.keyboard.press("Control+A")
        approver.keyboard.type("99")
        press(approver, "Enter")  # out of range: said beside the field, which is focused again
        now = focused(approver)
        assert (now["id"], now["invalid"]) == (f"hours-{request_id}", "true")
        assert now["described"] == "请输入1至72之间的整数小时数。"
        shoot(approver, "k4-approver-hours-error")
        approver.keyboard.press("Control+A")
        approver.keyboard.type("12")
        tab_to(approver, f"form[action='/inbox/{request_id}/approve'] button")
        press(approver, "Space")
        assert approver.get_by_text("暂无待审批的申请。").is_visible()
        shoot(approver, "k5-approver-approved-by-keyboard")


def apply_with_the_keyboard(person: Page) -> str:
    """The person applies from /me; each refusal focuses the field it is about. Returns the application id."""
    tab_to(person, "form[action='/me/apply'] button[type=submit]")
    press(person, "Enter")  # no record chosen: refused, the record's box focused and described
    now = focused(person)
    assert (now["tag"], now["invalid"], now["described"]) == ("input", "true", "请至少选择一项要申请封存的记录。")
    assert_visible_focus(person)
    shoot(person, "k2-person-error-records")
    person.keyboard.press("Space")
    person.keyboard.press("Tab")
    assert focused(person)["id"] == "materials"
    press(person, "Enter")  # a record but no material: the materials field is focused and described
    now = focused(person)
    assert (now["id"], now["invalid"]) == ("materials", "true")
    assert now["described"] == "请至少填写一项材料（材料编号）。"
    person.keyboard.type("M-1")
    tab_to(person, "input[name=records]", back=True)  # the box was cleared by the refusal: back to it
    person.keyboard.press("Space")
    tab_to(person, "#materials")
    press(person, "Enter")
    assert person.get_by_role("status").inner_text() == "您的申请已提交。"
    shoot(person, "k3-person-applied-by-keyboard")
    return person.locator("li", has_text="封存申请").inner_text().split()[1].rstrip(":")


def review_and_decide_with_the_keyboard(clerk: Page, approver: Page, base: str, made: Accounts, case: str) -> None:
    sign_in(clerk, base, made["clerk"])
    tab_to(clerk, f"a[href='/cases/{case}']")
    press(clerk, "Enter")
    tab_to(clerk, "form[action$='/ReviewMaterials'] button")
    press(clerk, "Space")
    assert clerk.locator("#case-state").inner_text() == "已受理"
    sign_in(approver, base, made["approver"])
    approver.goto(f"{base}/cases/{case}")
    tab_to(approver, "form[action$='/Decide'] button")
    press(approver, "Enter")  # no reasons: the reason's rule is focused, invalid, described by the refusal
    now = focused(approver)
    assert (now["id"], now["invalid"]) == ("Decide-reasons-rule", "true")
    assert now["described"] == "决定须说明理由并援引法律条文"
    approver.keyboard.type("cn.application.granted")
    approver.keyboard.press("Tab")
    approver.keyboard.type("刑事诉讼法第286条")
    approver.keyboard.press("Tab")
    approver.keyboard.type("材料齐全，准予封存")
    tab_to(approver, "form[action$='/Decide'] button")
    press(approver, "Enter")
    assert approver.locator("#case-state").inner_text() == "已决定"


def person_record(person: Page, base: str) -> str:
    person.goto(f"{base}/me")
    assert "已封存" in person.locator("td.state").first.inner_text()
    return person.locator("td.state").first.locator("xpath=..").locator("td").nth(1).inner_text()
