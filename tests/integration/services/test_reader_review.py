"""A clerk's review of a reader proposal, fact by fact, reaches the engine only through the record: the confirmed
and corrected facts become a new version of the bundle, decided again, and the sealing run acts on the new
decision; a rejected or unreviewed fact changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from reader_setup import JUVENILE_BIRTH, case_with_proposal, juvenile_judgment

from sealkeeper.access import AccessRole, Account
from sealkeeper.auth.errors import NotAllowedError
from sealkeeper.config import Settings
from sealkeeper.reader.review import ReviewError
from sealkeeper.services import reader_review, sealing_runs
from sealkeeper.services.reader_review import ProposalError
from sealkeeper.services.store_access import open_store
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.store.procedure_tables import cases
from sealkeeper.store.reader_tables import reader_proposals as proposals
from sealkeeper.store.tables import bundles, decisions

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
LATER = NOW + dt.timedelta(days=1)
CLERK = Account("acct-clerk", frozenset({AccessRole.CLERK}), "", frozenset({"CN"}))


def _setup(home: Settings, tmp_path: Path, *, with_id_number: bool = False) -> str:
    return case_with_proposal(home, tmp_path, juvenile_judgment(), NOW, with_id_number=with_id_number)


def _stored(home: Settings) -> dict[str, Any]:
    with open_store(home).connect() as conn:
        bundle = conn.execute(sa.select(bundles.c.version, bundles.c.facts)).one()
        decided = conn.execute(sa.select(decisions.c.status, decisions.c.input_hash)).one()
        case = conn.execute(sa.select(cases.c.state).where(cases.c.procedure == "sealing")).scalar_one()
        proposal = conn.execute(sa.select(proposals.c.state)).scalar_one()
        logged = [e.decode() for e in conn.execute(sa.select(ledger_entries.c.data)).scalars()]
    return {"version": bundle.version, "facts": json.loads(bundle.facts), "status": decided.status,
            "hash": decided.input_hash, "case": case, "proposal": proposal, "ledger": logged}  # fmt: skip


def _review_all_but_birth(home: Settings, case_id: str, verdict: str) -> None:
    for fact in ("charge", "article", "sentence", "offence_date", "judgment_date"):
        reader_review.review_fact(home, CLERK, case_id, fact=fact, verdict=verdict, at=NOW)


def test_a_corrected_birth_date_makes_the_record_juvenile_and_the_run_seals_it(home: Settings, tmp_path: Path) -> None:
    case_id = _setup(home, tmp_path)
    before = _stored(home)
    assert before["status"] != "sealed"
    shown = reader_review.for_case(home, CLERK, case_id, NOW)
    assert shown is not None
    fields = {f["name"]: f for f in shown["fields"]}
    assert fields["birth_date"]["value"] == JUVENILE_BIRTH
    assert fields["birth_date"]["agrees"] is False
    with pytest.raises(ReviewError, match="birth_date: differs from the record"):  # a contradiction is typed
        reader_review.review_fact(home, CLERK, case_id, fact="birth_date", verdict="confirm", at=NOW)
    _review_all_but_birth(home, case_id, "confirm")
    reader_review.review_fact(home, CLERK, case_id, fact="birth_date", verdict="correct", value=JUVENILE_BIRTH, at=NOW)
    with pytest.raises(ProposalError, match="facts still to review: juvenile"):
        reader_review.apply(home, CLERK, case_id, NOW)
    reader_review.review_fact(home, CLERK, case_id, fact="juvenile", verdict="correct", value=True, at=NOW)
    outcome = reader_review.apply(home, CLERK, case_id, NOW)
    assert outcome == {"state": "confirmed", "bundle_version": 2, "changed": ["birth_date"]}
    after = _stored(home)
    assert after["version"] == 2
    assert after["facts"]["person"]["birth_date"] == JUVENILE_BIRTH
    assert after["facts"]["events"] == before["facts"]["events"]  # confirmed facts that agree change nothing
    assert after["status"] == "sealed"
    assert after["proposal"] == "confirmed"
    sealing_runs.run(home, LATER.date(), LATER)
    assert _stored(home)["case"] == "sealed"
    reviewed = [e for e in after["ledger"] if '"type":"reader.fact_reviewed"' in e]
    assert len(reviewed) == 7  # five confirmed, two corrected; the refused confirmation changed nothing
    assert all('"account":"acct-clerk"' in e for e in reviewed)
    assert any('"fact":"birth_date"' in e and '"verdict":"correct"' in e for e in reviewed)
    assert not any(JUVENILE_BIRTH in e or "IT-0001" in e for e in after["ledger"] if "reader." in e)
    assert sum('"type":"reader.confirmed"' in e for e in after["ledger"]) == 1


def test_rejected_facts_change_nothing(home: Settings, tmp_path: Path) -> None:
    case_id = _setup(home, tmp_path)
    before = _stored(home)
    outcome = reader_review.decide(home, CLERK, case_id, "reject", NOW)
    assert outcome == {"state": "rejected", "bundle_version": None, "changed": []}
    after = _stored(home)
    assert (after["version"], after["facts"], after["status"], after["hash"]) == (
        before["version"], before["facts"], before["status"], before["hash"])  # fmt: skip
    assert after["proposal"] == "rejected"
    with pytest.raises(ProposalError, match="already rejected"):
        reader_review.review_fact(home, CLERK, case_id, fact="birth_date", verdict="confirm", at=NOW)


def test_a_rejected_birth_date_never_reaches_the_record(home: Settings, tmp_path: Path) -> None:
    case_id = _setup(home, tmp_path)
    before = _stored(home)
    _review_all_but_birth(home, case_id, "confirm")
    reader_review.review_fact(home, CLERK, case_id, fact="birth_date", verdict="reject", at=NOW)
    reader_review.review_fact(home, CLERK, case_id, fact="juvenile", verdict="reject", at=NOW)
    outcome = reader_review.apply(home, CLERK, case_id, NOW)
    assert outcome == {"state": "confirmed", "bundle_version": 1, "changed": []}  # the record said it all
    after = _stored(home)
    assert (after["version"], after["facts"], after["hash"]) == (before["version"], before["facts"], before["hash"])


def test_a_birth_date_the_id_number_contradicts_is_refused(home: Settings, tmp_path: Path) -> None:
    case_id = _setup(home, tmp_path, with_id_number=True)
    before = _stored(home)
    _review_all_but_birth(home, case_id, "reject")
    reader_review.review_fact(home, CLERK, case_id, fact="birth_date", verdict="correct", value=JUVENILE_BIRTH, at=NOW)
    reader_review.review_fact(home, CLERK, case_id, fact="juvenile", verdict="reject", at=NOW)
    with pytest.raises(ReviewError, match="birth_date: differs from the date of birth the stored ID number"):
        reader_review.apply(home, CLERK, case_id, NOW)
    after = _stored(home)
    assert (after["version"], after["status"], after["proposal"]) == (before["version"], before["status"],
                                                                     "needs_review")  # fmt: skip


@pytest.mark.parametrize("role", [AccessRole.APPROVER, AccessRole.ADMINISTRATOR])
def test_only_a_clerk_of_the_jurisdiction_reviews(home: Settings, tmp_path: Path, role: AccessRole) -> None:
    case_id = _setup(home, tmp_path)
    for actor in (Account("acct-other", frozenset({role}), "", frozenset({"CN"})),
                  Account("acct-de", frozenset({AccessRole.CLERK}), "", frozenset({"DE"}))):  # fmt: skip
        with pytest.raises(NotAllowedError):
            reader_review.review_fact(home, actor, case_id, fact="charge", verdict="confirm", at=NOW)
        with pytest.raises(NotAllowedError):
            reader_review.decide(home, actor, case_id, "confirm", NOW)
    assert _stored(home)["proposal"] == "needs_review"
    assert sum('"rules":["scope.jurisdiction"]' in e for e in _stored(home)["ledger"]) == 2  # denials logged
