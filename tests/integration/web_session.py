"""Signing in to the pages in tests: a new account of the given roles, a browser-like client on an app whose
clock is fixed, the sign-in form with the account's TOTP code, and the CSRF token of a page's forms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import pyotp
from fastapi.testclient import TestClient

from sealkeeper.api import create_app
from sealkeeper.config import Settings
from sealkeeper.services import accounts


def browser(home: Settings, now: dt.datetime) -> TestClient:
    """A client that follows redirects and sees 5xx answers (instead of raising), on an app fixed at ``now``."""
    return TestClient(create_app(home, clock=lambda: now), raise_server_exceptions=False, follow_redirects=True)


def log_in(
    client: TestClient, now: dt.datetime, username: str, password: str, totp_secret: str, *, next_page: str = "/"
) -> int:
    """Submit the sign-in form; the status of the page it lands on."""
    page = client.post("/login", data={"username": username, "password": password,
                                       "totp": pyotp.TOTP(totp_secret).at(now), "next": next_page})  # fmt: skip
    return int(page.status_code)


def signed_in(  # noqa: PLR0917 - the account's parts, as create_account takes them
    home: Settings,
    now: dt.datetime,
    username: str,
    roles: Sequence[str],
    subject: str = "",
    jurisdictions: Sequence[str] | None = None,
    next_page: str = "/",
    landing: tuple[int, ...] = (200,),
) -> TestClient:
    """A new account (staff: in CN unless ``jurisdictions`` says otherwise; a person: ``subject``), signed in."""
    scope = list(jurisdictions) if jurisdictions is not None else ([] if subject else ["CN"])
    new = accounts.create_account(home, accounts.LOCAL_OPERATOR, username, list(roles), now, subject=subject,
                                  jurisdictions=scope)  # fmt: skip
    client = browser(home, now)
    status = log_in(client, now, new.username, new.password, new.totp_secret, next_page=next_page)
    assert status in landing, status
    return client


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)
