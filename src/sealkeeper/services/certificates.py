"""Criminal-record certificates (无犯罪记录证明): issue one, fetch its PDF, verify it for a third party.

``issue_certificate`` finds the person (by ID number through the blind index, or by subject token), asks the
policy (``issue_certificate`` on the person; a certificate officer never reads sealed records: policy rule 21),
and, when allowed, computes the lines with ``access.certificate_view`` from the person's records in the pack's
jurisdiction and their sealing cases' states, prints the name (decrypted in memory only), signs with the
home's document key, stores the document (no ID number in it) and logs the decision and the issuance in the
ledger, in one write transaction (shared with concurrent requests: ``services.group_commit``), answering only
after it committed. What is printed is read before that transaction, by one statement (one snapshot:
``document_repository.person_for_certificate``): the person's records with their cases, their sealed name and
their wrapped key. A refusal is logged too, and raised after the transaction.

A record's state for the certificate is its sealing case's (``cases``, procedure ``sealing``): sealed, or in
review while a seal is in force, counts as sealed; closed (erased) records do not appear; a record the run has
not reached yet counts by its stored decision. A decision that needs review blocks the certificate (nothing is
shown or hidden on ambiguous facts); the block is logged and answered with the record ids.

``verify_certificate`` is what an employer checks with the code alone: the signature, the kind, the day, and
the content that identifies nobody (purpose, pack, the lines' types, citations and exceptions). No name.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy.engine import Connection

from sealkeeper.access import (
    AccessRequest,
    Account,
    Action,
    CertificateError,
    CertificateRecord,
    Context,
    Resource,
    certificate_rules,
    certificate_view,
    decide,
)
from sealkeeper.adapters import case_codec
from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.config import Settings
from sealkeeper.documents import Certificate, Kind, document_from_payload, make_certificate, render_pdf, sign
from sealkeeper.errors import BundleFormatError, IntegrityError, KeyDestroyedError
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.formats.identity import check_id_number
from sealkeeper.model.decision import Decision, PackRef, Status
from sealkeeper.procedures.sealing import RecordCase, SealingState
from sealkeeper.rules.engine import resolver_for
from sealkeeper.rules.facts import record_facts
from sealkeeper.services import signed_documents as sd
from sealkeeper.services.authorization import decision_event, refused
from sealkeeper.services.group_commit import group_commit
from sealkeeper.services.protection import Protector, open_protector
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.services.signed_documents import DocumentNotFoundError, IssuedDocument
from sealkeeper.services.store_access import open_store
from sealkeeper.store import document_repository as docs
from sealkeeper.store import repository as repo
from sealkeeper.store.account_repository import reading, reading_per_statement

__all__ = ["DocumentNotFoundError", "IssuedDocument", "issue_certificate", "verify_certificate"]

#: What a subject token looks like (``services.import_plan.new_token``): anything else names no one.
TOKEN = re.compile(r"s[a-z2-7]{24}")


class SubjectNotFoundError(DocumentNotFoundError):
    """No person in the store has this ID number (or this subject token)."""


def _find(conn: Connection, protector: Protector, id_number: str | None, subject: str | None) -> str:
    if subject:
        if not TOKEN.fullmatch(subject) or repo.subject(conn, subject) is None:
            raise SubjectNotFoundError.of(ServiceRefusal.UNKNOWN_SUBJECT_GIVEN)
        return subject
    if not id_number:
        raise CertificateError.of(ServiceRefusal.ID_NUMBER_MISSING)
    try:
        wanted = check_id_number(None, id_number, None)
    except BundleFormatError as exc:  # names the rule broken, never the value
        raise CertificateError.of(ServiceRefusal.INVALID_ID_NUMBER, problem=exc.message) from None
    found = repo.subjects_by_index(conn, [protector.blind_index(wanted)])
    if not found:
        raise SubjectNotFoundError.of(ServiceRefusal.NO_ID_NUMBER)
    return next(iter(found.values()))


def certificate_status(case: RecordCase | None, stored: str | None) -> Status | None:
    """The record's state for the certificate (None: the record does not appear at all). ``stored``: the
    stored decision's status; a record with none counts as one that needs review (it blocks)."""
    if case is None or case.state is SealingState.PENDING:
        return Status.NEEDS_REVIEW if stored is None else Status(stored)
    state = case.state
    if state is SealingState.CLOSED:
        return None
    in_force = case.sealed_since is not None and (case.unsealed_on is None or case.unsealed_on < case.sealed_since)
    if state is SealingState.SEALED or (state is SealingState.REVIEW and in_force):
        return Status.SEALED
    if state is SealingState.REVIEW:
        return Status.NEEDS_REVIEW
    return Status.NOT_SEALED  # not sealed, scheduled, unsealed: the record appears


def _records(rows: list[Any], protector: Protector, pack_id: str, day: dt.date) -> tuple[
    list[tuple[CertificateRecord, Decision]], dict[str, str]
]:  # fmt: skip
    """The person's records in the pack's jurisdiction with their states, and the labels printed for them
    (``rows``: ``document_repository.person_for_certificate``'s)."""
    facts = {row.id: row.facts for row in rows if row.id is not None}
    by_record = {(row.id, row.record_id): row for row in rows if row.record_id is not None}
    pack = load_pack(pack_id)
    resolve, ref = resolver_for(pack), PackRef(pack.id, pack.version)
    out: list[tuple[CertificateRecord, Decision]] = []
    labels: dict[str, str] = {}
    for bundle_id, text in facts.items():
        bundle = parse_bundle(json.loads(text))
        for event in bundle.records():
            row = by_record.get((bundle_id, event.id))
            body = row.case_body if row is not None else None
            case = case_codec.decode("sealing", body) if body is not None else None
            case = case if isinstance(case, RecordCase) else None
            status = certificate_status(case, row.status if row is not None else None)
            if status is None:
                continue
            rid = (
                case.record_id if case is not None else "R-" + protector.keyed_digest(f"{bundle_id}\x00{event.id}")[:16]
            )
            categories = record_facts(bundle, event, resolve, bundle.as_of)["categories"]
            record = CertificateRecord(rid, event.type, categories if isinstance(categories, frozenset) else None)
            dated = status in (Status.SEALED, Status.ELIGIBLE_ON, Status.UNSEALED)
            out.append((record, Decision(status, day if dated else None, ("certificate.state",), ref, "", rid)))
            offences = [bundle.event(i).offense for i in event.offense_ids]
            names = [o.name for o in offences if o is not None] or ([event.offense.name] if event.offense else [])
            labels[rid] = " ".join([event.date.isoformat(), "、".join(names)]).strip()
    return out, labels


def issue_certificate(
    settings: Settings,
    officer: Account,
    *,
    purpose: str,
    at: dt.datetime,
    id_number: str | None = None,
    subject: str | None = None,
    pack: str = "CN",
    pdf: bool = False,
) -> IssuedDocument:
    """Issue a certificate for the person with ``id_number`` (or subject token ``subject``).

    What the certificate says is read by one statement (no write lock); it is signed outside any transaction;
    the document and the ledger entries are then written in one write transaction shared with concurrent
    issuances (``group_commit``), and this returns only after it committed. A person deleted between the read
    and the write gets no document: the decision is logged with a ``certificate.blocked`` entry instead."""
    rules = certificate_rules(pack)
    if purpose not in rules.purposes:
        raise CertificateError.of(ServiceRefusal.UNKNOWN_PURPOSE, purposes=sorted(rules.purposes))
    problem: CertificateError | SubjectNotFoundError | None = None
    person: tuple[sd.Sealer, str] | None = None
    with reading_per_statement(open_store(settings)) as conn:  # what is seen together is one statement
        protector = open_protector(conn, settings)
        token = _find(conn, protector, id_number, subject)
        request = AccessRequest(officer, Action.ISSUE_CERTIFICATE, Resource(sealed=False, subject=token,
                                jurisdiction=pack), Context(at, purpose=purpose))  # fmt: skip
        decision = decide(request)
        events: list[dict[str, Any]] = [decision_event(decision)]
        if decision.allowed:
            try:
                rows = docs.person_for_certificate(conn, token, pack)
                records, labels = _records(rows, protector, pack, at.date())
                lines = certificate_view(records, purpose, rules)
            except CertificateError as exc:
                problem = exc
                events.append(_blocked(token, purpose, at, str(exc)))
            else:
                person = sd.person_of_row(protector, token, rows[0] if rows else None)
    signed = None
    if person is not None:
        certificate = make_certificate(holder=person[1], purpose=purpose, office=settings.certificate_office,
                                       issued_on=at.date(), lines=lines, rules=rules, labels=labels)  # fmt: skip
        signed = sign(certificate, sd.signing_key(settings))
        events.append(sd.issued_event(signed, token, at, purpose=purpose, entries=len(lines),
                                      exceptions=sorted({ln.rule for ln in lines if ln.sealed})))  # fmt: skip

    def write(conn: Connection) -> list[dict[str, Any]]:
        nonlocal problem
        if signed is None or person is None:
            return events
        if not sd.store(conn, person[0], signed, at.date(), while_keyed=True):  # the person deleted meanwhile
            problem = SubjectNotFoundError.of(ServiceRefusal.DELETED_WHILE_ISSUING)
            return [*events[:-1], _blocked(token, purpose, at, str(problem))]
        return events

    group_commit(settings).run(write)
    if not decision.allowed:
        raise refused(decision)
    if problem is not None or signed is None:
        raise problem or CertificateError.of(ServiceRefusal.NOT_ISSUED)
    body = render_pdf(signed, "zh") if pdf else None
    return IssuedDocument(signed.code, str(signed.kind), at.date(), token, body)


def _blocked(token: str, purpose: str, at: dt.datetime, reason: str) -> dict[str, Any]:
    return {"type": "certificate.blocked", "subject": token, "purpose": purpose, "at": at.isoformat(),
            "reason": reason}  # fmt: skip


def certificate_pdf(  # noqa: PLR0917 - who, which, when, how printed, under which pack's jurisdiction
    settings: Settings, actor: Account, code: str, at: dt.datetime, lang: str = "zh", pack: str = "CN"
) -> bytes:
    """The PDF of a stored certificate, for a certificate officer or the person it is about (both logged)."""
    wanted = sd.canonical_code(code)
    with reading(open_store(settings)) as conn:
        row = docs.get_document(conn, wanted)
        if row is None or row.kind != str(Kind.CERTIFICATE):
            raise DocumentNotFoundError.of(ServiceRefusal.NO_CERTIFICATE, document=wanted)
        own = bool(actor.subject) and actor.subject == row.subject
        action = Action.READ_OWN_RECORDS if own else Action.ISSUE_CERTIFICATE
        resource = Resource(sealed=False, subject=str(row.subject or ""), jurisdiction=pack)
        decision = decide(AccessRequest(actor, action, resource, Context(at)))
        payload = sd.payload_of_row(conn, open_protector(conn, settings), row) if decision.allowed else ""
    event = {**decision_event(decision), "document": "certificate"}
    group_commit(settings).run(lambda _conn: [event])  # logged (committed) before the PDF is made and answered
    if not decision.allowed:
        raise refused(decision)
    return render_pdf(sd.signed_from_row(settings, row, payload), lang)


def verify_certificate(settings: Settings, code: str) -> dict[str, Any]:
    """What a third party may check with the code: validity, kind, day and the non-identifying content."""
    wanted = sd.canonical_code(code)
    with reading(open_store(settings)) as conn:  # a read: no write lock
        row = docs.get_document(conn, wanted)
        if row is None:
            raise DocumentNotFoundError.of(ServiceRefusal.UNKNOWN_DOCUMENT, document=wanted)
        try:
            payload = sd.payload_of_row(conn, open_protector(conn, settings), row)
        except KeyDestroyedError:
            payload = None
        except (IntegrityError, ValueError):  # the stored ciphertext was altered: it does not open (or decode)
            payload = ""
    answer: dict[str, Any] = {"code": wanted, "kind": str(row.kind), "issued_on": row.issued_on.isoformat()}
    if payload is None:
        return {**answer, "valid": False, "problem": "the document's content was erased with the person's data"}
    if not payload or not sd.check(settings, row, payload):
        return {**answer, "valid": False, "problem": "the stored document does not match its signature"}
    document = document_from_payload(payload)
    answer["valid"] = True
    if isinstance(document, Certificate):
        answer.update(
            office=document.office, purpose=document.purpose, pack=document.pack, citation=document.citation,
            has_record=document.has_record,
            entries=[{"record_type": e.record_type, "citation": e.citation, "sealed": e.sealed,
                      "exception": e.exception} for e in document.entries],
            exceptions=[{"id": e.id, "citation": e.citation, "text_zh": e.text_zh} for e in document.exceptions],
        )  # fmt: skip
    else:
        answer.update(office=document.office, decided_on=document.decided_on.isoformat(), grounds=[
            {"rule": g.rule, "citation": g.citation} for g in document.grounds])  # fmt: skip
    return answer
