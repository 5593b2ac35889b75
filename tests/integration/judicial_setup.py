"""A home with sealed records and one account per role in the judicial-access story (shared by the service and
the API tests of judicial access and monitoring)."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from conftest import person_bundle, write_jsonl

from sealkeeper.access import Account
from sealkeeper.config import Settings
from sealkeeper.ledger.checkpoint import parse_checkpoint
from sealkeeper.ledger.merkle import leaf_hash, verify_inclusion
from sealkeeper.ledger.note import parse_verifier_key, verify_note
from sealkeeper.services import sealing_runs
from sealkeeper.services.accounts import LOCAL_OPERATOR, create_account
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.procedure_tables import cases
from sealkeeper.synth.identity import id_number

CST = dt.timezone(dt.timedelta(hours=8), "CST")
T = dt.datetime(2026, 7, 1, 10, 0, tzinfo=CST)  # a Wednesday, office hours
CASE = "(2026)京0105刑初123号"
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only: the library's defaults are slow


def juvenile(number: int) -> dict[str, Any]:
    """Theft at 16 with a short sentence: sealed by law (CPL Art. 286) as soon as it is known."""
    return person_bundle(number, birth_date="2004-01-01", id_number=id_number(number, dt.date(2004, 1, 1)))


@dataclass
class Story:
    home: Settings
    records: list[str]  # sealing case ids (SE-…), one per person
    subjects: list[str]  # their subject tokens
    accounts: dict[str, Account] = field(default_factory=dict)
    secrets: dict[str, tuple[str, str]] = field(default_factory=dict)  # username -> (password, totp secret)


def sealed_story(home: Settings, tmp_path: Path, people: int = 2, *, hasher: PasswordHasher = FAST) -> Story:
    """``people`` juveniles' records imported and sealed, and the accounts: judge (judicial requester), approver,
    approver2, dual (judicial requester and approver), supervisor, and person0… (data subjects)."""
    bundles = [juvenile(n + 1) for n in range(people)]
    import_file(home, write_jsonl(tmp_path / "sealed.jsonl", bundles), dt.date(2026, 6, 30), dt.date(2026, 6, 30))
    sealing_runs.run(home, dt.date(2026, 6, 30), T - dt.timedelta(days=1))
    with open_store(home).connect() as conn:
        rows = {r.bundle: r for r in conn.execute(sa.select(cases).where(cases.c.procedure == "sealing"))}
    chosen = [rows[b["id"]] for b in bundles]
    assert all(r.state == "sealed" for r in chosen)
    story = Story(home, [r.case_id for r in chosen], [r.subject for r in chosen])
    staff = {"judge": ["judicial_requester"], "approver": ["approver"], "approver2": ["approver"],
             "dual": ["judicial_requester", "approver"], "supervisor": ["supervisor"]}  # fmt: skip
    for name, roles in staff.items():
        made = create_account(home, LOCAL_OPERATOR, name, roles, T - dt.timedelta(days=1), jurisdictions=["CN"],
                              hasher=hasher)  # fmt: skip
        story.accounts[name], story.secrets[name] = made.account, (made.password, made.totp_secret)
    for n, token in enumerate(story.subjects):
        made = create_account(home, LOCAL_OPERATOR, f"person{n}", ["data_subject"], T - dt.timedelta(days=1),
                              subject=token, hasher=hasher)  # fmt: skip
        story.accounts[f"person{n}"], story.secrets[f"person{n}"] = made.account, (made.password, made.totp_secret)
    return story


def check_proof(history: dict[str, Any], access: dict[str, Any]) -> int:
    """Check one shown access the way the person would: the checkpoint's signature under the verifier key, the
    entry's leaf hash, and its inclusion proof against the checkpoint's root. Returns the tree size."""
    note, _ = verify_note(history["checkpoint"], [parse_verifier_key(history["verifier_key"])])
    head = parse_checkpoint(note.text)
    proof = access["proof"]
    leaf = leaf_hash(base64.b64decode(access["entry"]))
    assert leaf.hex() == proof["leaf_hash"]
    assert proof["tree_size"] == head.size
    verify_inclusion(access["index"], head.size, leaf, [bytes.fromhex(h) for h in proof["hashes"]], head.root)
    return head.size
