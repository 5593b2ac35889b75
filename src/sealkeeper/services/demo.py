"""`sealkeeper demo`: a home to try sealkeeper with — synthetic people, cases in every procedure state, a judgment
reader proposal awaiting review, and an account for every role (printed once; the demo is for trying, never for
real records).

The demo is built through the same services a real deployment uses (import, the sealing run, accounts, the
procedures), so everything it makes is in the ledger like anything else.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from sealkeeper.access import AccessRole, Account
from sealkeeper.config import Settings
from sealkeeper.procedures.base import Case
from sealkeeper.services import accounts, demo_reader, procedure_service, sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.records import init_home
from sealkeeper.services.store_access import open_store
from sealkeeper.store.procedure_tables import cases
from sealkeeper.synth.population import generate, write_bundles

STAFF = [("clerk", "clerk"), ("approver", "approver"), ("reviewer", "reviewer1"), ("reviewer", "reviewer2"),
         ("reviewer", "reviewer3"), ("judicial_requester", "judge"), ("certificate_officer", "certificates"),
         ("supervisor", "supervisor"), ("auditor", "auditor"), ("statistician", "statistician"),
         ("administrator", "admin"), ("higher_authority", "higher")]  # fmt: skip
REASON = {"rule": "demo.decision", "citation": "刑事诉讼法第286条", "text": "演示用理由"}


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    totp_secret: str


def write_accounts_note(settings: Settings, made: list[DemoAccount]) -> Path:
    """``<home>/demo-accounts.txt`` (mode 0600): the demo's accounts, for `make run` to show again. A demo home
    holds only synthetic people; a real home never has this file."""
    path = settings.home / "demo-accounts.txt"
    lines = ["DEMO ONLY — synthetic people; sign in with the password and the TOTP code of the secret", ""]
    lines += [f"{a.role:<20} {a.username:<14} {a.password}  TOTP {a.totp_secret}" for a in made]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return path


@dataclass(frozen=True)
class DemoReport:
    people: int
    accounts: list[DemoAccount]
    cases: dict[str, str]  # what was made -> its case id


def _record_cases(settings: Settings) -> dict[str, list[tuple[str, str]]]:
    """state -> [(case id, subject token)] of the sealing cases, in case id order."""
    out: dict[str, list[tuple[str, str]]] = {}
    with open_store(settings).connect() as conn:
        query = sa.select(cases.c.state, cases.c.case_id, cases.c.subject).where(cases.c.procedure == "sealing")
        for state, case_id, subject in conn.execute(query.order_by(cases.c.case_id)):
            out.setdefault(state, []).append((case_id, subject))
    return out


def build_demo(settings: Settings, people: int, seed: int, at: dt.datetime, *,
               source: Path | None = None, as_of: dt.date | None = None) -> DemoReport:  # fmt: skip
    """Fill ``settings.home`` (initialised here if it is not yet) with a demo; ``at`` dates everything. The people
    come from ``source`` (bundles, decided on ``as_of``) or are synthesised (``people``, ``seed``)."""
    if not (settings.home / "sealkeeper.toml").exists():
        init_home(settings)
    if source is not None:
        report = import_file(settings, source, as_of or at.date(), at.date())
        people = report.bundles
    else:
        with tempfile.TemporaryDirectory() as tmp:
            made_source = Path(tmp) / "demo.jsonl"
            with made_source.open("w", encoding="utf-8") as out:
                write_bundles(generate(people, seed, as_of=at.date(), identities=True), out)
            import_file(settings, made_source, at.date(), at.date())
    sealing_runs.run(settings, at.date(), at)
    made: list[DemoAccount] = []
    staff: dict[str, Account] = {}
    for role, name in STAFF:
        new = accounts.create_account(settings, accounts.LOCAL_OPERATOR, name, [role], at, jurisdictions=["CN"])
        made.append(DemoAccount(role, new.username, new.password, new.totp_secret))
        staff[name] = new.account
    records = _record_cases(settings)
    unsealed = records.get("not_sealed", [])
    sealed = records.get("sealed", [])
    if len(unsealed) < 4 or not sealed:
        raise procedure_service.InputError(f"people: {people} synthetic people are too few for a demo (try 200)")
    persons: list[Account] = []
    for n, (_, token) in enumerate(unsealed[:4], start=1):
        new = accounts.create_account(settings, accounts.LOCAL_OPERATOR, f"person{n}", ["data_subject"], at,
                                      subject=token)  # fmt: skip
        made.append(DemoAccount(str(AccessRole.SUBJECT), new.username, new.password, new.totp_secret))
        persons.append(new.account)
    guardian = accounts.create_account(settings, accounts.LOCAL_OPERATOR, "guardian1", ["representative"], at)
    made.append(DemoAccount(str(AccessRole.REPRESENTATIVE), guardian.username, guardian.password,
                            guardian.totp_secret))  # fmt: skip
    staff["guardian1"] = guardian.account
    write_accounts_note(settings, made)
    made_cases = _procedures(settings, staff, persons, (unsealed, sealed), at)
    # records no procedure of the demo is about: one of them gets the judgment reader's proposal
    proposed = demo_reader.propose_for_one(settings, [case_id for case_id, _ in unsealed[4:]], seed, at)
    if proposed is not None:
        made_cases["reader proposal (awaiting a clerk's review)"] = proposed
    return DemoReport(people, made, made_cases)


Pairs = list[tuple[str, str]]


def _procedures(settings: Settings, staff: dict[str, Account], persons: list[Account],
                records: tuple[Pairs, Pairs], at: dt.datetime) -> dict[str, str]:  # fmt: skip
    """One case in each state the demo shows; ``records``: (not sealed, sealed) record cases."""
    unsealed, sealed = records

    def apply(n: int) -> Case:
        body = {"records": [unsealed[n][0]], "materials": [f"M-{n}"]}
        return procedure_service.open_case(settings, persons[n], "application", body, at)

    def step(who: Account, case: Case, command: str, **body: object) -> Case:
        return procedure_service.take_step(settings, who, case.case_id, command, body, at=at)

    out = {"application (filed)": apply(0).case_id}
    out["application (accepted)"] = step(staff["clerk"], apply(1), "ReviewMaterials").case_id
    granted = step(staff["clerk"], apply(2), "ReviewMaterials")
    granted = step(staff["approver"], granted, "Decide", outcome="seal", reasons=[REASON])
    out["application (decided: seal, record sealed)"] = step(staff["clerk"], granted, "SendNotice").case_id
    refused = step(staff["clerk"], apply(3), "ReviewMaterials")
    refused = step(staff["approver"], refused, "Decide", outcome="refuse", reasons=[REASON])
    refused = step(staff["clerk"], refused, "SendNotice")
    out["application (refused, notified)"] = refused.case_id
    objection = procedure_service.open_case(settings, persons[3], "objection", {"contest": refused.case_id}, at)
    out["objection (filed)"] = objection.case_id
    unsealing = procedure_service.open_case(settings, staff["judge"], "unsealing", {
        "record_case": sealed[0][0], "grounds": [REASON], "purpose": "trial", "case_number": "(2026)京0105刑初1号",
    }, at)  # fmt: skip
    out["unsealing (requested)"] = unsealing.case_id
    out["correction (filed)"] = procedure_service.open_case(settings, persons[0], "correction", {
        "record_case": unsealed[0][0], "fields": ["events[0].date"]}, at).case_id  # fmt: skip
    out["deletion (filed)"] = procedure_service.open_case(settings, persons[1], "deletion",
                                                          {"record_case": unsealed[1][0]}, at).case_id  # fmt: skip
    out["complaint (filed)"] = procedure_service.open_case(settings, persons[2], "complaint", {
        "ground": "late", "concerning": granted.case_id}, at).case_id  # fmt: skip
    referred = procedure_service.open_case(settings, persons[3], "complaint", {
        "ground": "refused", "concerning": refused.case_id}, at)  # fmt: skip
    referred = step(staff["supervisor"], referred, "Answer", finding="rejected", reasons=[REASON])
    link = procedure_service.open_case(
        settings,
        staff["guardian1"],
        "representation",
        {"subject": persons[0].subject, "capacity": "guardian", "basis": "parent", "document": "M-birth-1"},
        at,
    )
    out["representation (guardian of person1, approved)"] = step(staff["clerk"], link, "Approve",
                                                                 reasons=[REASON]).case_id  # fmt: skip
    out["complaint (referred to the higher authority)"] = step(persons[3], referred, "Refer").case_id
    return out
