"""Certificates over a real store (SQLite and PostgreSQL): a person with a sealed juvenile conviction (a sexual
offence) and an unsealed adult one, imported and sealed by the automatic run, then certified for two purposes;
the PDF, public verification, refusals in the ledger, and no name or ID number in the ledger or the documents."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
import sqlalchemy as sa
from conftest import ledger_events, write_jsonl

from sealkeeper.access import AccessRole, Account, CertificateBlockedError, CertificateError
from sealkeeper.auth.errors import NotAllowedError
from sealkeeper.config import Settings
from sealkeeper.documents import CodeError, sign
from sealkeeper.services import certificates, letters, procedure_service, sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.records import delete_subject, find_subject
from sealkeeper.services.signed_documents import DocumentNotFoundError
from sealkeeper.services.store_access import open_store
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.store.procedure_tables import cases, documents
from sealkeeper.synth.identity import id_number

AT = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
NAME = "李小明"
ID_NUMBER = id_number(7, dt.date(2004, 1, 1))
EXCEPTION = "cn.certificate.minor_contact_sexual"
OFFICER = Account("acct-officer", frozenset({AccessRole.CERTIFICATE_OFFICER}), "", frozenset({"CN"}))


def two_records() -> dict[str, Any]:
    """Born 2004: an indecent assault at 16 (sealed, CPL Art. 286) and a theft at 20 (an adult record)."""
    return {
        "id": "IT-0007", "jurisdiction": "CN", "as_of": "2026-06-30",
        "person": {"birth_date": "2004-01-01", "name": NAME, "id_number": ID_NUMBER, "address": "北京市海淀区某路1号"},
        "events": [
            {"id": "e1", "type": "offense", "date": "2020-01-10",
             "offense": {"name": "强制猥亵罪", "statute": "刑法第237条"}},
            {"id": "e2", "type": "conviction", "date": "2020-05-01", "offense_ids": ["e1"],
             "sentence": {"kind": "criminal_detention", "months": 5}},
            {"id": "e3", "type": "offense", "date": "2024-01-10",
             "offense": {"name": "盗窃罪", "statute": "刑法第264条"}},
            {"id": "e4", "type": "conviction", "date": "2024-05-01", "offense_ids": ["e3"],
             "sentence": {"kind": "criminal_detention", "months": 3}},
        ],
    }  # fmt: skip


@pytest.fixture
def person(home: Settings, tmp_path: Path) -> str:
    import_file(home, write_jsonl(tmp_path / "p.jsonl", [two_records()]), dt.date(2026, 6, 30), AT.date())
    summary = sealing_runs.run(home, AT.date(), AT)
    assert summary.effects == {"seal": 1, "record": 1}
    token = find_subject(home, ID_NUMBER)
    assert token is not None
    return token


def pdf_text(data: bytes) -> str:
    """The PDF's text without whitespace and NULs (pypdf reads fpdf2's two-byte codes one byte at a time)."""
    return re.sub(r"[\s\x00]", "", "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def test_a_general_certificate_shows_only_the_unsealed_record(home: Settings, person: str) -> None:
    doc = certificates.issue_certificate(home, OFFICER, purpose="general", at=AT, id_number=ID_NUMBER, pdf=True)
    assert doc.kind == "certificate"
    assert doc.subject == person
    checked = certificates.verify_certificate(home, doc.code)
    assert checked["valid"] is True
    assert checked["has_record"] is True
    assert [(e["sealed"], e["exception"]) for e in checked["entries"]] == [(False, None)]
    assert checked["exceptions"] == []
    assert NAME not in json.dumps(checked, ensure_ascii=False)
    assert doc.pdf is not None
    text = pdf_text(doc.pdf)
    assert doc.code in text
    assert NAME in text
    assert "盗窃罪" in text
    assert "强制猥亵罪" not in text
    assert ID_NUMBER not in text


def test_the_minors_work_exception_shows_the_sealed_record_and_names_the_exception(home: Settings, person: str) -> None:
    doc = certificates.issue_certificate(
        home, OFFICER, purpose="minor_contact_employment", at=AT, subject=person, pdf=True
    )
    checked = certificates.verify_certificate(home, doc.code)
    assert sorted((e["sealed"], e["exception"] or "") for e in checked["entries"]) == [(False, ""), (True, EXCEPTION)]
    assert [e["id"] for e in checked["exceptions"]] == [EXCEPTION]
    assert doc.pdf is not None
    text = pdf_text(doc.pdf)
    assert "强制猥亵罪" in text
    assert "已封存，依法定例外予以载明" in text
    issued = ledger_events(home, "document.issued")
    assert issued[-1]["exceptions"] == [EXCEPTION]
    assert issued[-1]["purpose"] == "minor_contact_employment"


def test_the_same_certificate_twice_is_one_document_logged_twice(home: Settings, person: str) -> None:
    """A code already stored is this very document (``store_document_while_keyed`` inserts nothing): answered
    again, not mistaken for a deleted person."""
    first = certificates.issue_certificate(home, OFFICER, purpose="general", at=AT, id_number=ID_NUMBER)
    again = certificates.issue_certificate(home, OFFICER, purpose="general", at=AT, subject=person)
    assert first.code == again.code
    assert first.subject == again.subject == person
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one() == 1
    assert sum(e["type"] == "document.issued" for e in ledger_events(home)) == 2


def test_verification_fails_for_an_altered_payload_and_an_unknown_code(home: Settings, person: str) -> None:
    doc = certificates.issue_certificate(home, OFFICER, purpose="general", at=AT, id_number=ID_NUMBER)
    engine = open_store(home)
    with engine.begin() as conn:
        stored = conn.execute(sa.select(documents.c.signature).where(documents.c.code == doc.code)).scalar_one()
        flipped = bytes([stored[0] ^ 1]) + bytes(stored[1:])
        conn.execute(sa.update(documents).where(documents.c.code == doc.code).values(signature=flipped))
    altered = certificates.verify_certificate(home, doc.code)
    assert altered["valid"] is False
    assert "signature" in altered["problem"]
    with engine.begin() as conn:
        payload = conn.execute(sa.select(documents.c.payload).where(documents.c.code == doc.code)).scalar_one()
        tampered = ("B" if payload[0] != "B" else "C") + payload[1:]
        conn.execute(
            sa.update(documents).where(documents.c.code == doc.code).values(payload=tampered, signature=stored)
        )
    assert certificates.verify_certificate(home, doc.code)["valid"] is False
    with pytest.raises(DocumentNotFoundError, match="code"):
        certificates.verify_certificate(home, "0000-0000-0000-0000-0")
    with pytest.raises(CodeError, match="code"):
        certificates.verify_certificate(home, "not a code")


@pytest.mark.parametrize("role", [AccessRole.ADMINISTRATOR, AccessRole.CLERK])
def test_other_roles_are_refused_and_the_refusal_is_logged(home: Settings, person: str, role: AccessRole) -> None:
    actor = Account(f"acct-{role}", frozenset({role}), "", frozenset({"CN"}))
    with pytest.raises(NotAllowedError):
        certificates.issue_certificate(home, actor, purpose="general", at=AT, id_number=ID_NUMBER)
    denied = [e for e in ledger_events(home) if e["type"] == "access.decision" and e["account"] == actor.id]
    assert [(e["action"], e["outcome"]) for e in denied] == [("issue_certificate", "deny")]
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one() == 0


def test_an_officer_of_another_jurisdiction_is_refused(home: Settings, person: str) -> None:
    elsewhere = Account("acct-far", frozenset({AccessRole.CERTIFICATE_OFFICER}), "", frozenset({"DE"}))
    with pytest.raises(NotAllowedError):
        certificates.issue_certificate(home, elsewhere, purpose="general", at=AT, subject=person)


def test_unknown_person_and_unknown_purpose_name_the_field(home: Settings, person: str) -> None:
    with pytest.raises(DocumentNotFoundError, match="id_number"):
        certificates.issue_certificate(home, OFFICER, purpose="general", at=AT, id_number=id_number(8, AT.date()))
    with pytest.raises(CertificateError, match="purpose"):
        certificates.issue_certificate(home, OFFICER, purpose="curiosity", at=AT, subject=person)


def test_the_pdf_is_for_the_officer_and_the_person_only(home: Settings, person: str) -> None:
    doc = certificates.issue_certificate(home, OFFICER, purpose="general", at=AT, subject=person)
    assert doc.code in pdf_text(certificates.certificate_pdf(home, OFFICER, doc.code, AT))
    own = Account("acct-self", frozenset({AccessRole.SUBJECT}), person)
    assert doc.code in pdf_text(certificates.certificate_pdf(home, own, doc.code, AT))
    other = Account("acct-other", frozenset({AccessRole.SUBJECT}), "sother")
    with pytest.raises(NotAllowedError):
        certificates.certificate_pdf(home, other, doc.code, AT)


def test_no_name_or_id_number_in_the_ledger_or_the_documents(home: Settings, person: str) -> None:
    for purpose in ("general", "minor_contact_employment"):
        certificates.issue_certificate(home, OFFICER, purpose=purpose, at=AT, id_number=ID_NUMBER)
    with open_store(home).connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.select(documents))]
        entries = [bytes(d) for d in conn.execute(sa.select(ledger_entries.c.data)).scalars()]
    assert len(rows) == 2
    assert all(row[2] == person for row in rows)  # the subject token, in clear
    for blob in [repr(row).encode() for row in rows] + entries:
        assert NAME.encode() not in blob
        assert ID_NUMBER.encode() not in blob
    assert person.encode() not in b"".join(entries)  # the ledger holds only its commitment
    if home.database_url.startswith("sqlite"):
        with open_store(home).connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        files = b"".join(p.read_bytes() for p in home.home.glob("sealkeeper.db*"))
        assert b"IT-0007" in files  # the file is readable as bytes: the check below can fail
        assert NAME.encode() not in files
        assert ID_NUMBER.encode() not in files


def test_a_record_that_needs_review_blocks_the_certificate_and_the_block_is_logged(
    home: Settings, tmp_path: Path
) -> None:
    unclear = two_records()
    unclear["id"], unclear["person"]["id_number"] = "IT-0009", id_number(9, dt.date(2004, 1, 1))
    unclear["events"][0]["offense"]["statute"] = "刑法第999条"  # no such article: the engine asks a clerk
    import_file(home, write_jsonl(tmp_path / "u.jsonl", [unclear]), dt.date(2026, 6, 30), AT.date())
    sealing_runs.run(home, AT.date(), AT)
    with pytest.raises(CertificateBlockedError) as blocked:
        certificates.issue_certificate(
            home, OFFICER, purpose="general", at=AT, id_number=id_number(9, dt.date(2004, 1, 1))
        )
    assert "RC-" in str(blocked.value)
    kinds = [e["type"] for e in ledger_events(home)]
    assert kinds[-2:] == ["access.decision", "certificate.blocked"]
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one() == 0


def test_a_granted_unsealing_gives_an_unsealing_notice_and_the_record_shows_again(home: Settings, person: str) -> None:
    with open_store(home).connect() as conn:
        sealed = conn.execute(sa.select(cases.c.case_id).where(cases.c.state == "sealed")).scalar_one()
    judge = Account("acct-judge", frozenset({AccessRole.JUDICIAL}), "", frozenset({"CN"}))
    approver = Account("acct-approver", frozenset({AccessRole.APPROVER}), "", frozenset({"CN"}))
    grounds = [{"rule": "cn.unseal.retrial", "citation": "刑事诉讼法第286条", "text": "再审需要"}]
    body = {"record_case": sealed, "grounds": grounds, "purpose": "retrial_review", "case_number": "(2026)京01刑再1号"}
    request = procedure_service.open_case(home, judge, "unsealing", body, AT)
    ruling = {"ruling": "grant", "reasons": [{"rule": "cn.unseal.granted", "citation": "刑事诉讼法第286条"}]}
    procedure_service.take_step(home, approver, request.case_id, "Decide", ruling, at=AT)
    clerk = Account("acct-clerk", frozenset({AccessRole.CLERK}), "", frozenset({"CN"}))
    letter = letters.case_letter(home, clerk, request.case_id, AT)
    assert letter.kind == "unsealing_notice"
    assert letter.pdf is not None
    text = pdf_text(letter.pdf)
    assert "解除封存通知书" in text
    assert NAME in text
    doc = certificates.issue_certificate(home, OFFICER, purpose="general", at=AT, subject=person, pdf=True)
    assert doc.pdf is not None
    assert "强制猥亵罪" in pdf_text(doc.pdf)  # unsealed: an ordinary record again


def test_a_person_deleted_while_their_certificate_is_made_gets_none_and_the_block_is_logged(
    home: Settings, person: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records are read in one snapshot and the document signed outside any transaction; a deletion that
    commits in between (here: while signing) leaves no document, and the ledger says why."""

    def sign_during_a_deletion(*args: Any) -> Any:
        delete_subject(home, person, AT.date())  # its own transaction, committed before the write
        return sign(*args)

    monkeypatch.setattr(certificates, "sign", sign_during_a_deletion)
    with pytest.raises(DocumentNotFoundError, match="deleted while the certificate was made"):
        certificates.issue_certificate(home, OFFICER, purpose="general", at=AT, id_number=ID_NUMBER)
    assert [e["type"] for e in ledger_events(home)][-2:] == ["access.decision", "certificate.blocked"]
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one() == 0


def test_a_certificates_reads_open_no_transaction_on_postgresql(home: Settings, person: str) -> None:
    """On PostgreSQL the reads before the write run without BEGIN and COMMIT (each statement sees its own
    snapshot; the records with their cases, the name and the key are one statement), then the write runs in one
    transaction. On SQLite the reads keep one snapshot (BEGIN and COMMIT there are calls into the library, not
    round trips)."""
    in_transaction: list[bool] = []

    def seen(conn: Any, *_: Any) -> None:
        dbapi = conn.connection.dbapi_connection
        if conn.dialect.name == "postgresql":
            in_transaction.append(dbapi.info.transaction_status != dbapi.info.transaction_status.IDLE)
        else:
            in_transaction.append(dbapi.in_transaction)

    engine = open_store(home)
    sa.event.listen(engine, "after_cursor_execute", seen)
    try:
        certificates.issue_certificate(home, OFFICER, purpose="general", at=AT, id_number=ID_NUMBER)
    finally:
        sa.event.remove(engine, "after_cursor_execute", seen)
    reads = in_transaction.index(True)
    assert reads == (2 if engine.dialect.name == "postgresql" else 0)  # the person, then all that is printed
    assert all(in_transaction[reads:])  # then (on SQLite: the reads, then) the write in one transaction
