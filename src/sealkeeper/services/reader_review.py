"""The reader's proposal for the record of a sealing case, as the clerk's case page shows it, and the clerk's
review of it, fact by fact.

A proposal is the record's content: it is shown only when the policy lets the account read the record
(``read_record``; a sealed record is not shown), and that decision is logged like every other. Each fact is set
beside what the stored record says, so the clerk sees where they agree. The clerk confirms, corrects or rejects
each fact (``reader.review``; ``correct_record`` in the policy), each review logged in the ledger with a keyed
digest of the value, never the value. Applying the reviewed proposal puts the confirmed and corrected facts in
the record as a new version of its bundle, decided again (``reader_apply``); the rules engine reads the stored
record, never a proposal, so a rejected or unreviewed fact never reaches a decision.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import Enum, unique
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.access import AccessRequest, Account, Action, Context
from sealkeeper.config import Settings
from sealkeeper.errors import SealkeeperError
from sealkeeper.formats.canonical import canonical
from sealkeeper.reader import review as fact_review
from sealkeeper.reader.facts import FIELDS
from sealkeeper.services import sealed_records
from sealkeeper.services.authorization import decide_and_log, refused
from sealkeeper.services.ledger import Ledger, open_ledger
from sealkeeper.services.protection import Protector, open_protector
from sealkeeper.services.reader_apply import new_version
from sealkeeper.services.store_access import open_store, writer_lock
from sealkeeper.store import repository as repo
from sealkeeper.store.database import transaction
from sealkeeper.store.procedure_tables import cases
from sealkeeper.store.reader_tables import CONFIRMED, NEEDS_REVIEW, REJECTED, reader_proposals
from sealkeeper.store.tables import bundles

__all__ = [
    "ProposalError", "ProposalRefusal", "ReviewError", "apply", "decide", "for_case", "review_fact", "value_from_form",
]  # fmt: skip

ReviewError = fact_review.ReviewError
value_from_form = fact_review.from_form
ORDER = FIELDS
FIELD = "reader_proposal"
WHOLE = ("confirm", "reject", "apply")  # the whole proposal at once (``decide``)


def binding(bundle_id: str, record_id: str) -> str:
    """What a proposal's ciphertext is bound to (with the field and the version)."""
    return f"{bundle_id}/{record_id}"


@unique
class ProposalRefusal(Enum):
    """Why the proposal cannot be acted on (the member's name in lower case is the code the pages translate)."""

    NO_SEALING_CASE = "case_id: no sealing case {case_id}"
    NO_PROPOSAL = "case_id: no proposal for the record of {case_id}"
    ALREADY_DECIDED = "proposal: already {state}"
    FACTS_TO_REVIEW = "proposal: facts still to review: {facts}"
    NOT_A_WHOLE_VERDICT = "verdict: {verdict} is not one of {verdicts}"


class ProposalError(SealkeeperError):
    """No proposal to act on, or one already decided."""


@dataclass
class _Open:
    """A proposal opened in a transaction: its case, row, key and decrypted body."""

    found: sealed_records.Target
    row: Any
    protector: Protector
    dek: bytes
    body: dict[str, Any]

    @property
    def reviews(self) -> dict[str, Any]:
        return dict(self.body.get("review") or {})

    def recorded(self, conn: Connection) -> dict[str, Any]:
        facts = conn.execute(sa.select(bundles.c.facts).where(bundles.c.id == self.row.bundle_id)).scalar_one()
        return fact_review.on_record(json.loads(facts), self.row.record_id)

    def event(self, kind: str, actor: Account, at: dt.datetime, **more: Any) -> dict[str, Any]:
        return {"type": kind, "subject": self.found.subject, "case_number": self.found.case_id,
                "record": self.found.record, "account": actor.id, "model": f"reader v{self.row.model_version}",
                "at": at.isoformat(), **more}  # fmt: skip


def _key(found: sealed_records.Target) -> Any:
    return (reader_proposals.c.bundle_id == found.bundle) & (reader_proposals.c.record_id == found.record)


def _open(conn: Connection, case_id: str) -> tuple[sealed_records.Target, Any] | None:
    found = sealed_records.target(conn, case_id)
    if found is None:
        return None
    row = conn.execute(sa.select(reader_proposals).where(_key(found))).first()
    return None if row is None else (found, row)


def _unseal(conn: Connection, settings: Settings, found: sealed_records.Target, row: Any) -> _Open:
    kek_id, blob = repo.wrapped_keys(conn, [row.token]).get(row.token, (None, None))
    protector = open_protector(conn, settings)
    dek = protector.data_key(row.token, kek_id, blob)
    body = json.loads(protector.unseal(dek, binding(row.bundle_id, row.record_id), FIELD, row.version, row.body))
    return _Open(found, row, protector, dek, body)


def for_case(settings: Settings, actor: Account, case_id: str, at: dt.datetime) -> dict[str, Any] | None:
    """The proposal for the case's record, or None when there is none; ``{"shown": False}`` when the policy
    does not let ``actor`` read the record."""
    with transaction(open_store(settings)) as conn:
        got = _open(conn, case_id)
        if got is None:
            return None
        found, row = got
        request = AccessRequest(actor, Action.READ_RECORD, found.resource(), Context(at, case_number=case_id))
        if not decide_and_log(conn, open_ledger(settings), request).allowed:
            return {"shown": False}
        opened = _unseal(conn, settings, found, row)
        recorded = opened.recorded(conn)
    reviews, proposed = opened.reviews, opened.body["facts"]
    fields = [{"name": name, **item, "recorded": recorded.get(name), "review": reviews.get(name),
               "agrees": fact_review.agrees(name, item["value"], recorded.get(name))}
              for name in ORDER if (item := proposed.get(name)) is not None]  # fmt: skip
    return {"shown": True, "state": row.state, "model_version": row.model_version, "fields": fields,
            "outstanding": fact_review.outstanding(proposed, reviews), "applied": opened.body.get("applied"),
            "proposed_on": row.proposed_on.isoformat(), "decided_by": row.decided_by,
            "decided_on": row.decided_on.isoformat() if row.decided_on else None}  # fmt: skip


def proposals_awaiting(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    """The sealing cases whose record has a reader proposal a person has not yet confirmed or rejected, oldest
    first (at most ``limit``), for the clerk's queue (``casework.queue_with_proposals``, under its one logged
    VIEW_QUEUE decision). Case ids and dates only; the proposal itself is read on the case page, under that
    record's own access decision."""
    query = (
        sa.select(cases.c.case_id, reader_proposals.c.proposed_on, reader_proposals.c.model_version)
        .select_from(reader_proposals.join(cases, (cases.c.bundle == reader_proposals.c.bundle_id)
                                           & (cases.c.record == reader_proposals.c.record_id)))
        .where(reader_proposals.c.state == NEEDS_REVIEW, cases.c.procedure == "sealing")
        .order_by(reader_proposals.c.proposed_on, cases.c.case_id)
        .limit(limit)
    )  # fmt: skip
    return [{"case_id": r.case_id, "proposed_on": r.proposed_on.isoformat(), "model_version": r.model_version}
            for r in conn.execute(query)]  # fmt: skip


def _pending(conn: Connection, settings: Settings, ledger: Ledger, actor: Account, case_id: str, *,
             at: dt.datetime) -> tuple[_Open | None, Any]:  # fmt: skip
    """The proposal still awaiting review, opened, and the policy's decision on ``correct_record`` (logged)."""
    writer_lock(conn)
    got = _open(conn, case_id)
    if got is None:
        if sealed_records.target(conn, case_id) is None:
            raise ProposalError.of(ProposalRefusal.NO_SEALING_CASE, case_id=case_id)
        raise ProposalError.of(ProposalRefusal.NO_PROPOSAL, case_id=case_id)
    found, row = got
    request = AccessRequest(actor, Action.CORRECT_RECORD, found.resource(), Context(at, case_number=case_id))
    decision = decide_and_log(conn, ledger, request)
    if not decision.allowed:
        return None, decision
    if row.state != NEEDS_REVIEW:
        raise ProposalError.of(ProposalRefusal.ALREADY_DECIDED, state=row.state)
    return _unseal(conn, settings, found, row), decision


def _store(conn: Connection, opened: _Open, **values: Any) -> None:
    """The body sealed again under the next version (the ciphertext is bound to it), with ``values``."""
    row, version = opened.row, opened.row.version + 1
    sealed = opened.protector.seal(opened.dek, binding(row.bundle_id, row.record_id), FIELD, version,
                                   json.dumps(opened.body, ensure_ascii=False, sort_keys=True))  # fmt: skip
    conn.execute(reader_proposals.update().where(_key(opened.found)).values(version=version, body=sealed, **values))


def _review(conn: Connection, ledger: Ledger, opened: _Open, actor: Account, *, fact: str, verdict: str,
            value: Any, at: dt.datetime) -> dict[str, Any]:  # fmt: skip
    taken = fact_review.review(opened.body["facts"], opened.recorded(conn), fact, verdict, value)
    reviews = opened.reviews
    entry: dict[str, Any] = {**taken, "by": actor.id, "on": at.date().isoformat()}
    opened.body["review"] = {**reviews, fact: entry}
    digest = None if taken["value"] is None else opened.protector.keyed_digest(canonical({"v": taken["value"]}))
    ledger.append(conn, opened.event("reader.fact_reviewed", actor, at, fact=fact, verdict=taken["verdict"],
                                     value_digest=digest))  # fmt: skip
    return entry


def review_fact(settings: Settings, actor: Account, case_id: str, *, fact: str, verdict: str, value: Any = None,
                at: dt.datetime) -> dict[str, Any]:  # fmt: skip
    """The clerk confirms, corrects (``value``) or rejects one fact; a later review of the same fact replaces
    it until the proposal is applied. Returns the review."""
    ledger = open_ledger(settings)
    with transaction(open_store(settings)) as conn:
        opened, decision = _pending(conn, settings, ledger, actor, case_id, at=at)
        if opened is not None:
            taken = _review(conn, ledger, opened, actor, fact=fact, verdict=verdict, value=value, at=at)
            _store(conn, opened)
    if opened is None:
        raise refused(decision)
    return taken


def _apply(conn: Connection, ledger: Ledger, opened: _Open, actor: Account, at: dt.datetime) -> dict[str, Any]:
    if left := fact_review.outstanding(opened.body["facts"], opened.reviews):
        raise ProposalError.of(ProposalRefusal.FACTS_TO_REVIEW, facts=", ".join(left))
    accepted = fact_review.accepted(opened.reviews)
    rejected = sorted(set(opened.reviews) - set(accepted))
    state, version = REJECTED, None
    changed: tuple[str, ...] = ()
    if accepted:
        version, changed = new_version(conn, ledger, opened.protector, bundle_id=opened.row.bundle_id,
                                       record=opened.row.record_id, accepted=accepted, day=at.date())  # fmt: skip
        state = CONFIRMED
    opened.body["applied"] = {"bundle_version": version, "changed": list(changed)}
    _store(conn, opened, state=state, decided_by=actor.id, decided_on=at.date())
    ledger.append(conn, opened.event(f"reader.{state}", actor, at, facts=sorted(accepted), rejected=rejected,
                                     changed=list(changed), bundle_version=version))  # fmt: skip
    return {"state": state, "bundle_version": version, "changed": list(changed)}


def apply(settings: Settings, actor: Account, case_id: str, at: dt.datetime) -> dict[str, Any]:
    """Put the confirmed and corrected facts in the record (a new bundle version, decided again) once every
    proposed fact is reviewed; a proposal whose facts were all rejected changes nothing and ends rejected."""
    return decide(settings, actor, case_id, "apply", at)


def decide(settings: Settings, actor: Account, case_id: str, verdict: str, at: dt.datetime) -> dict[str, Any]:
    """The whole proposal at once: ``reject`` every fact, ``confirm`` every fact not yet reviewed (refused for
    one that contradicts the record), or ``apply`` the reviews taken; then apply. Returns the outcome."""
    if verdict not in WHOLE:
        raise ProposalError.of(ProposalRefusal.NOT_A_WHOLE_VERDICT, verdict=verdict, verdicts=", ".join(WHOLE))
    ledger = open_ledger(settings)
    with transaction(open_store(settings)) as conn:
        opened, decision = _pending(conn, settings, ledger, actor, case_id, at=at)
        if opened is not None:
            if verdict == "reject":
                for fact in (n for n in ORDER if n in opened.body["facts"]):
                    _review(conn, ledger, opened, actor, fact=fact, verdict=fact_review.REJECT, value=None, at=at)
            elif verdict == "confirm":
                for fact in fact_review.outstanding(opened.body["facts"], opened.reviews):
                    _review(conn, ledger, opened, actor, fact=fact, verdict=fact_review.CONFIRM, value=None, at=at)
            outcome = _apply(conn, ledger, opened, actor, at)
    if opened is None:
        raise refused(decision)
    return outcome
