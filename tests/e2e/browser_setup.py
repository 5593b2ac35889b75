"""What the browser tests share: a home with one person (an adult theft conviction, not sealed) and the judgment
reader's proposal for that record (awaiting a clerk's review), an account for each role, `sealkeeper serve` on a
free loopback port (stopped by its process id, even on failure), Debian's Chromium driven by Playwright, axe-core
injected into each page, and a screenshot of each step under test-artifacts/browser."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyotp
import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, sync_playwright
from processes import free_port, stop, wait_healthy

from sealkeeper.config import Settings, load_settings
from sealkeeper.reader.charges import BY_CODE
from sealkeeper.reader.corpus import Sentence
from sealkeeper.reader.render import Style, render_document
from sealkeeper.services import accounts, reader_models, reader_proposals, sealing_runs
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
ROLES = ("data_subject", "clerk", "approver", "judicial_requester", "auditor", "certificate_officer")
ID_NUMBER = id_number(7, dt.date(1990, 1, 1))
Account = tuple[str, str, str]  # (username, password, totp secret)
Accounts = dict[str, Account]


def adult_bundle(as_of: dt.date) -> dict[str, Any]:
    """An adult theft conviction, served: not sealed by law, so the person may apply."""
    return {
        "id": "WB-0001", "jurisdiction": "CN", "as_of": as_of.isoformat(),
        "person": {"birth_date": "1990-01-01", "name": "浏览器测试", "id_number": ID_NUMBER},
        "events": [
            {"id": "e1", "type": "offense", "date": "2020-01-10",
             "offense": {"name": "盗窃罪", "statute": "刑法第264条"}},
            {"id": "e2", "type": "conviction", "date": "2020-05-01", "offense_ids": ["e1"],
             "sentence": {"kind": "criminal_detention", "months": 3}},
        ],
    }  # fmt: skip


def propose(settings: Settings, texts: Path, today: dt.date) -> None:
    """A small reader model and its proposal for the person's record, from a judgment that agrees with it."""
    rng = np.random.default_rng(0)
    text = render_document(rng, Style.draw(rng), agency=0, charge=BY_CODE["theft"], sentence=Sentence("detention", 3),
                           offence=dt.date(2020, 1, 10), decided=dt.date(2020, 5, 1), birth=dt.date(1990, 1, 1),
                           juvenile=False)  # fmt: skip
    texts.write_text(json.dumps({"bundle": "WB-0001", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    version = reader_models.train(settings, seed=5, agencies=3, per_agency=150, today=today).version
    assert version is not None
    model, _ = reader_models.load(settings, version)
    reader_proposals.attach(settings, texts, reader_proposals.read_texts(texts), model=model, model_version=version,
                            today=today)  # fmt: skip


@contextmanager
def serve(home: Path) -> Iterator[tuple[str, Accounts]]:
    """A home with the person and an account for each role, served on loopback; the server is stopped (by its
    process id) when the block ends, whatever happens in it."""
    settings = load_settings({"SEALKEEPER_HOME": str(home)})
    init_home(settings)
    now = dt.datetime.now(dt.UTC)  # the server's own day: the server reads its clock, so the data must match it
    source = home.parent / "people.jsonl"
    source.write_text(json.dumps(adult_bundle(now.date()), ensure_ascii=False) + "\n", encoding="utf-8")
    import_file(settings, source, now.date(), now.date())
    sealing_runs.run(settings, now.date(), now)
    propose(settings, home.parent / "judgments.jsonl", now.date())
    with open_store(settings).connect() as conn:
        token = conn.execute(sa.select(cases.c.subject)).scalar_one()
    made: Accounts = {}
    for role in ROLES:
        subject = token if role == "data_subject" else ""
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
        wait_healthy(proc, base)
        yield base, made
    finally:
        stop(proc)


@contextmanager
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists() or not AXE.exists():
        pytest.fail("run scripts/test-browser.sh first (Debian chromium and axe-core); `make test` does")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def check_accessibility(page: Page, step: str) -> None:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["help"]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], (step, serious)


def shoot(page: Page, step: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{step}.png"), full_page=True)
    check_accessibility(page, step)


def totp(account: Account) -> str:
    return pyotp.TOTP(account[2]).now()


def court_requests(base: str, judge: Account, record: str, case_number: str) -> tuple[httpx.Client, str]:
    """The court's system signs in over the API and asks to read the sealed ``record`` for a trial; the
    signed-in client (the caller closes it) and the request's id."""
    client = httpx.Client(base_url=f"{base}/api/v1", timeout=30)
    session = client.post("/session", json={"username": judge[0], "password": judge[1], "totp": totp(judge)})
    assert session.status_code == 200, session.text
    client.headers["Authorization"] = f"Bearer {session.json()['token']}"
    asked = client.post("/access-requests", json={"record": record, "purpose": "trial", "case_number": case_number})
    assert asked.status_code == 201, asked.text
    return client, str(asked.json()["id"])
