"""Accounts, sign-in, sessions and API tokens on a real home (SQLite and PostgreSQL): the lockout and the idle
timeout on both sides of their boundaries, TOTP replay, logging of every attempt, and no secret in the clear."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from conftest import make_settings, person_bundle, write_jsonl

from sealkeeper.access import AccessRole, Account
from sealkeeper.auth import Admission, LoginOutcome, NotAllowedError
from sealkeeper.config import Settings
from sealkeeper.services import account_secrets as secret
from sealkeeper.services.accounts import (
    LOCAL_OPERATOR,
    NewAccount,
    account_for,
    create_account,
    issue_api_token,
    list_accounts,
    revoke_api_token,
    set_disabled,
    unlock,
)
from sealkeeper.services.importing import import_file
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.records import find_subject, init_home
from sealkeeper.services.sign_in import authenticate_api_token, authenticate_session, login, logout
from sealkeeper.services.store_access import close_all, open_store
from sealkeeper.store import ledger_repository
from sealkeeper.store.database import transaction

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only: the library's defaults are slow
T0 = dt.datetime(2026, 6, 30, 9, 0, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)
LOCK = dt.timedelta(minutes=15)
IDLE = dt.timedelta(minutes=15)


def ledger_events(settings: Settings) -> list[dict[str, Any]]:
    open_ledger(settings)  # the ledger's keys exist
    with transaction(open_store(settings)) as conn:
        return [json.loads(data) for _, data in ledger_repository.entries_from(conn, 0, 10_000)]


def clerk(settings: Settings, username: str = "clerk.0042") -> NewAccount:
    return create_account(settings, LOCAL_OPERATOR, username, ["clerk"], T0, jurisdictions=["CN"], hasher=FAST)


def code(new: NewAccount, at: dt.datetime) -> str:
    return secret.totp_code(new.totp_secret, at)


def test_an_account_becomes_the_access_policys_account(home: Settings) -> None:
    new = create_account(
        home, LOCAL_OPERATOR, "approver.7", ["approver", "reviewer"], T0, jurisdictions=["CN", "CN-11"], hasher=FAST
    )
    assert account_for(home, new.account.id) == Account(
        new.account.id, frozenset({AccessRole.APPROVER, AccessRole.REVIEWER}), "", frozenset({"CN", "CN-11"})
    )
    assert new.totp_uri.startswith("otpauth://totp/sealkeeper:approver.7?")
    listed = list_accounts(home, LOCAL_OPERATOR, T0)
    assert [(a.username, a.roles) for a in listed] == [("approver.7", ("approver", "reviewer"))]


def test_only_an_administrator_manages_accounts_and_the_refusal_is_logged(home: Settings) -> None:
    new = clerk(home)
    with pytest.raises(NotAllowedError, match=new.account.id):
        create_account(home, new.account, "intruder", ["approver"], T0, hasher=FAST)
    denied = [e for e in ledger_events(home) if e["type"] == "access.decision" and e["outcome"] == "deny"]
    assert [(e["account"], e["action"]) for e in denied] == [(new.account.id, "manage_accounts")]
    assert [a.username for a in list_accounts(home, LOCAL_OPERATOR, T0)] == ["clerk.0042"]


def test_sign_in_needs_password_and_code_and_gives_a_session(home: Settings) -> None:
    new = clerk(home)
    first = login(home, "clerk.0042", new.password, "", T0, hasher=FAST)
    assert (first.outcome, first.session) == (LoginOutcome.TOTP_REQUIRED, None)
    done = login(home, "clerk.0042", new.password, code(new, T0), T0, hasher=FAST)
    assert done.outcome is LoginOutcome.OK
    assert done.session is not None
    seen = authenticate_session(home, done.session, T0 + dt.timedelta(minutes=1))
    assert seen.ok
    assert seen.account == new.account
    assert logout(home, done.session, T0 + dt.timedelta(minutes=2))
    assert authenticate_session(home, done.session, T0 + dt.timedelta(minutes=3)).check.admission is Admission.UNKNOWN


def test_unknown_user_and_wrong_password_get_the_same_answer(home: Settings) -> None:
    new = clerk(home)
    unknown = login(home, "nobody", new.password, "", T0, hasher=FAST)
    wrong = login(home, "clerk.0042", new.password + "x", "", T0, hasher=FAST)
    assert unknown.outcome is wrong.outcome is LoginOutcome.BAD_CREDENTIALS
    assert unknown.message == wrong.message
    logged = [e for e in ledger_events(home) if e["type"] == "auth.login"]
    assert [(e["account"], e["reason"]) for e in logged] == [
        (None, "auth.unknown_user"),
        (new.account.id, "auth.bad_password"),
    ]
    assert "nobody" not in json.dumps(logged)


def test_a_code_is_accepted_once(home: Settings) -> None:
    new = clerk(home)
    now = code(new, T0)
    assert login(home, "clerk.0042", new.password, now, T0, hasher=FAST).ok
    again = login(home, "clerk.0042", new.password, now, T0 + dt.timedelta(seconds=5), hasher=FAST)
    assert (again.outcome, again.reason) == (LoginOutcome.TOTP_BAD, "auth.totp_replayed")
    later = T0 + dt.timedelta(seconds=30)
    assert login(home, "clerk.0042", new.password, code(new, later), later, hasher=FAST).ok


def test_five_failures_lock_until_the_period_ends_to_the_microsecond(home: Settings) -> None:
    new = clerk(home)
    results = [
        login(home, "clerk.0042", "wrong-password-123", "", T0 + dt.timedelta(seconds=i), hasher=FAST) for i in range(5)
    ]
    assert [r.outcome for r in results] == [LoginOutcome.BAD_CREDENTIALS] * 4 + [LoginOutcome.LOCKED]
    until = T0 + dt.timedelta(seconds=4) + LOCK
    assert results[-1].locked_until == until
    assert results[-1].message == login(home, "nobody", "wrong-password-123", "", until, hasher=FAST).message
    before = until - TICK
    refused = login(home, "clerk.0042", new.password, code(new, before), before, hasher=FAST)
    assert (refused.outcome, refused.locked_until) == (LoginOutcome.LOCKED, until)
    assert login(home, "clerk.0042", new.password, code(new, until), until, hasher=FAST).ok
    outcomes = [e["outcome"] for e in ledger_events(home) if e["type"] == "auth.login"]
    assert outcomes == ["bad_credentials"] * 4 + ["locked", "bad_credentials", "locked", "ok"]


def test_an_administrator_unlocks(home: Settings) -> None:
    new = clerk(home)
    for i in range(5):
        login(home, "clerk.0042", "wrong-password-123", "", T0 + dt.timedelta(seconds=i), hasher=FAST)
    at = T0 + dt.timedelta(minutes=1)
    assert login(home, "clerk.0042", new.password, code(new, at), at, hasher=FAST).outcome is LoginOutcome.LOCKED
    unlock(home, LOCAL_OPERATOR, "clerk.0042", at)
    assert login(home, "clerk.0042", new.password, code(new, at), at, hasher=FAST).ok


def test_a_session_ends_after_the_idle_period_exactly(home: Settings) -> None:
    new = clerk(home)
    token = login(home, "clerk.0042", new.password, code(new, T0), T0, hasher=FAST).session
    assert token is not None
    assert authenticate_session(home, token, T0 + IDLE - TICK).ok  # and last seen moves there
    assert authenticate_session(home, token, T0 + IDLE - TICK + IDLE - TICK).ok
    other = login(home, "clerk.0042", new.password, code(new, T0 + IDLE), T0 + IDLE, hasher=FAST).session
    assert other is not None
    ended = authenticate_session(home, other, T0 + IDLE + IDLE)
    assert (ended.check.admission, ended.account) == (Admission.IDLE, None)
    assert authenticate_session(home, other, T0 + IDLE + IDLE - TICK).check.admission is Admission.UNKNOWN


def test_a_busy_session_still_ends_after_its_absolute_lifetime(home: Settings) -> None:
    new = clerk(home)
    token = login(home, "clerk.0042", new.password, code(new, T0), T0, hasher=FAST).session
    assert token is not None
    at = T0
    while at + dt.timedelta(minutes=10) < T0 + dt.timedelta(hours=12):
        at += dt.timedelta(minutes=10)
        assert authenticate_session(home, token, at).ok
    assert authenticate_session(home, token, T0 + dt.timedelta(hours=12) - TICK).ok
    assert authenticate_session(home, token, T0 + dt.timedelta(hours=12)).check.admission is Admission.EXPIRED


def test_api_tokens_expire_and_are_revoked(home: Settings) -> None:
    system = create_account(home, LOCAL_OPERATOR, "gateway", ["certificate_officer"], T0, hasher=FAST)
    issued = issue_api_token(home, LOCAL_OPERATOR, "gateway", "court-gateway", T0, dt.timedelta(days=30))
    ends = T0 + dt.timedelta(days=30)
    seen = authenticate_api_token(home, issued.token, ends - TICK)
    assert (seen.ok, seen.account) == (True, system.account)
    assert authenticate_api_token(home, issued.token, ends).check.admission is Admission.EXPIRED
    assert authenticate_api_token(home, issued.token + "x", T0).check.admission is Admission.UNKNOWN
    revoke_api_token(home, LOCAL_OPERATOR, issued.id, T0 + dt.timedelta(days=1))
    assert authenticate_api_token(home, issued.token, T0 + dt.timedelta(days=1)).check.admission is Admission.REVOKED


def test_a_disabled_account_is_refused_everywhere(home: Settings) -> None:
    new = clerk(home)
    token = login(home, "clerk.0042", new.password, code(new, T0), T0, hasher=FAST).session
    issued = issue_api_token(home, LOCAL_OPERATOR, "clerk.0042", "script", T0, dt.timedelta(days=1))
    assert token is not None
    set_disabled(home, LOCAL_OPERATOR, "clerk.0042", True, T0)
    at = T0 + dt.timedelta(minutes=1)
    assert authenticate_session(home, token, at).check.admission is Admission.UNKNOWN  # its sessions ended
    assert authenticate_api_token(home, issued.token, at).check.admission is Admission.DISABLED
    refused = login(home, "clerk.0042", new.password, code(new, at), at, hasher=FAST)
    assert (refused.outcome, refused.reason) == (LoginOutcome.BAD_CREDENTIALS, "auth.disabled")


def test_an_old_hash_is_upgraded_at_the_next_sign_in(home: Settings) -> None:
    new = clerk(home)
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    assert login(home, "clerk.0042", new.password, code(new, T0), T0, hasher=stronger).ok
    later = T0 + dt.timedelta(minutes=1)
    assert login(home, "clerk.0042", new.password, code(new, later), later, hasher=stronger).ok
    with transaction(open_store(home)) as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM accounts").scalar_one()
    assert "m=16,t=2,p=1" in stored
    assert not stronger.check_needs_rehash(stored)


def test_a_data_subjects_account_logs_no_username(home: Settings, tmp_path: Path) -> None:
    person = person_bundle(7)
    import_file(home, write_jsonl(tmp_path / "in.jsonl", [person]), T0.date(), T0.date())
    token = find_subject(home, person["person"]["id_number"])
    assert token is not None
    new = create_account(home, LOCAL_OPERATOR, "zhang.private", ["data_subject"], T0, subject=token, hasher=FAST)
    assert account_for(home, new.account.id).subject == token
    assert login(home, "zhang.private", new.password, code(new, T0), T0, hasher=FAST).ok
    logged = json.dumps(ledger_events(home), ensure_ascii=False)
    assert "zhang.private" not in logged
    assert token not in logged
    assert new.account.id in logged


@pytest.fixture
def sqlite_home(tmp_path: Path) -> Iterator[Settings]:
    settings = make_settings(tmp_path / "home", f"sqlite:///{tmp_path / 'home' / 'sealkeeper.db'}")
    init_home(settings)
    yield settings
    close_all()


def test_no_password_totp_secret_or_token_is_in_the_database_file(sqlite_home: Settings) -> None:
    new = clerk(sqlite_home)
    session = login(sqlite_home, "clerk.0042", new.password, code(new, T0), T0, hasher=FAST).session
    issued = issue_api_token(sqlite_home, LOCAL_OPERATOR, "clerk.0042", "script", T0, dt.timedelta(days=1))
    assert session is not None
    close_all()  # checkpoint the WAL into the file
    raw = b"".join(p.read_bytes() for p in sqlite_home.home.glob("sealkeeper.db*"))
    assert b"clerk.0042" in raw, "the canary's control: the username is stored, so the scan reads the rows"
    for canary in (new.password, new.totp_secret, session, issued.token):
        assert canary.encode() not in raw
    assert secret.token_hash(session).encode() in raw
