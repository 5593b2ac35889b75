"""Decision letters as signed PDFs: 封存决定书, 不予封存决定书, 解除封存通知书, for a decided case.

``case_letter`` reads the case (its reasons' narrative decrypted under the person's key), asks the policy
(staff: ``handle_case``; the person: ``read_own_records`` on their own case), makes the letter the case gives
(``documents.from_cases``): an application decided, an objection reversed, a judicial unsealing granted (dated
by the record's unsealing), or an automatic sealing case sealed or unsealed (its reasons from the pack). The
letter is addressed to the person by name (decrypted in memory only), signed with the home's document key,
stored by its verification code (the same letter asked for again is the same row) and its issuance logged
with the decision, in one transaction. A case that gives no letter is a 4xx naming the case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Connection

from sealkeeper.access import AccessRequest, Account, Action, Context, Resource, decide
from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.config import Settings
from sealkeeper.documents import (
    DocumentError,
    DocumentRefusal,
    Letter,
    letter_from_application,
    letter_from_objection,
    letter_from_record,
    letter_from_unsealing,
    render_pdf,
    sign,
)
from sealkeeper.model.decision import Decision, PackRef, Status
from sealkeeper.procedures.application import ApplicationCase
from sealkeeper.procedures.base import Case
from sealkeeper.procedures.objection import ObjectionCase
from sealkeeper.procedures.sealing import RecordCase
from sealkeeper.procedures.unsealing import UnsealingCase
from sealkeeper.rules.explain import reasons
from sealkeeper.services import signed_documents as sd
from sealkeeper.services.authorization import decision_event, refused
from sealkeeper.services.cases import CaseBook
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.protection import open_protector
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.services.signed_documents import DocumentNotFoundError, IssuedDocument
from sealkeeper.services.store_access import open_store
from sealkeeper.store import case_repository as cases_repo
from sealkeeper.store.database import transaction


def _record_case(conn: Connection, book: CaseBook, case_id: str) -> RecordCase:
    row = cases_repo.get_cases(conn, [case_id]).get(case_id)
    case = book.read(row) if row is not None else None
    if not isinstance(case, RecordCase):
        raise DocumentError.of(DocumentRefusal.NOT_A_SEALING_CASE, case_id=case_id)
    return case


def _letter(conn: Connection, book: CaseBook, case: Case, name: str, office: str) -> Letter:
    """The letter ``case`` gives, addressed to ``name``, from ``office`` (``Settings.letter_office``);
    DocumentError naming the case when it gives none."""
    if isinstance(case, ApplicationCase):
        return letter_from_application(case, addressee=name, office=office)
    if isinstance(case, ObjectionCase):
        contested = cases_repo.get_cases(conn, [case.contest.case_id]).get(case.contest.case_id)
        records: tuple[str, ...] = (case.contest.case_id,)
        if contested is not None:
            found = book.read(contested)
            records = found.records if isinstance(found, ApplicationCase) else records
        return letter_from_objection(case, addressee=name, office=office, records=records)
    if isinstance(case, UnsealingCase):
        record = _record_case(conn, book, case.record_case)
        if record.unsealed_on is None:
            raise DocumentError.of(DocumentRefusal.NOT_UNSEALED_YET, procedure=case.PROCEDURE, case_id=case.case_id)
        return letter_from_unsealing(
            case, decided_on=record.unsealed_on, addressee=name, office=office, records=(record.record_id,)
        )
    if isinstance(case, RecordCase):
        if case.pack is None or not case.rules:
            raise DocumentError.of(DocumentRefusal.NO_DECISION_APPLIED, procedure=case.PROCEDURE, case_id=case.case_id)
        pack_id, _, version = case.pack.partition("@")
        pack = load_pack(pack_id)
        status = Status.SEALED if case.sealed_since else Status.UNSEALED
        decision = Decision(status, case.decision_date or case.opened_on, case.rules, PackRef(pack_id, version), "")
        return letter_from_record(case, reasons=reasons(pack, decision, "zh"), addressee=name, office=office)
    raise DocumentError.of(DocumentRefusal.NO_LETTER_FOR_PROCEDURE, procedure=case.PROCEDURE, case_id=case.case_id)


def case_letter(settings: Settings, actor: Account, case_id: str, at: dt.datetime, lang: str = "zh") -> IssuedDocument:
    """The decision letter of a decided case, issued (stored and logged) and rendered as PDF."""
    engine, ledger, key = open_store(settings), open_ledger(settings), sd.signing_key(settings)
    with transaction(engine) as conn:
        row = cases_repo.get_cases(conn, [case_id]).get(case_id)
        if row is None:
            raise DocumentNotFoundError.of(ServiceRefusal.NO_CASE, case_id=case_id)
        own = bool(actor.subject) and actor.subject == row.subject
        action = Action.READ_OWN_RECORDS if own else Action.HANDLE_CASE
        decision = decide(AccessRequest(actor, action, Resource(sealed=False, subject=row.subject), Context(at)))
        events: list[dict[str, Any]] = [{**decision_event(decision), "document": "letter"}]
        signed, problem = None, None
        if decision.allowed:
            protector = open_protector(conn, settings)
            book = CaseBook(conn, protector)
            try:
                sealer, name = sd.open_person(conn, protector, row.subject)
                letter = _letter(conn, book, book.read(row), name, settings.letter_office)
            except DocumentError as exc:  # the decision stays logged; the answer names the case
                problem = exc
            else:
                signed = sign(letter, key)
                sd.store(conn, sealer, signed, letter.decided_on)
                events.append(sd.issued_event(signed, row.subject, at, case=case_id))
        ledger.append_many(conn, events)
    if not decision.allowed:
        raise refused(decision)
    if problem is not None or signed is None:
        raise problem or DocumentError(f"case {case_id}: no letter")
    return IssuedDocument(signed.code, str(signed.kind), letter.decided_on, row.subject, render_pdf(signed, lang))
