"""Shared builders for the documents tests: a certificate per case, the three letters, a key, reading a PDF back."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf

from sealkeeper.access import CertificateRecord, certificate_rules, certificate_view
from sealkeeper.documents import CitedArticle, Kind, Letter, make_certificate, make_letter
from sealkeeper.documents.model import Certificate
from sealkeeper.model.decision import Decision, PackRef, Status
from sealkeeper.model.record import EventType
from sealkeeper.procedures import Reason

CN = certificate_rules("CN")
PACK = PackRef("CN", "2026.11.0")
KEY = bytes(range(32))  # a fixed test key: deterministic signatures, so tests can compare codes
OTHER_KEY = bytes(range(1, 33))
DAY = dt.date(2026, 11, 27)
HOLDER = "张三"
OFFICE = "北京市公安局朝阳分局"
COURT = "北京市朝阳区人民法院"
ID_NUMBER = "110105200601011234"  # the person's ID number: known to the service, never printed
SEALED_LABEL = "2019年朝阳区人民法院判决（猥亵儿童罪）"
SHOWN_LABEL = "2021年朝阳区人民法院判决（盗窃罪）"
CASE_NO = "（2026）京0105封字第12号"
CPL_286 = CitedArticle(
    "CPL Art. 286 [T]",
    "中华人民共和国刑事诉讼法（2018年修正）",
    "第二百八十六条　犯罪的时候不满十八周岁，被判处五年有期徒刑以下刑罚的，应当对相关犯罪记录予以封存。",
    "Where the offender was under 18 and is sentenced to five years or less, the record shall be sealed.",
)
GROUNDS = {
    Kind.SEAL_DECISION: (
        Reason("cn.juvenile.seal", "CPL Art. 286 [T]", "犯罪时不满十八周岁，被判处五年有期徒刑以下刑罚。"),
    ),
    Kind.REFUSAL: (Reason("cn.juvenile.over_five_years", "CPL Art. 286 [T]", "被判处的刑罚超过五年有期徒刑。"),),
    Kind.UNSEALING_NOTICE: (
        Reason("cn.unseal.new_offence", "实施办法 (2022) Art. 18 [T]", "封存后又犯新罪，被判处刑罚。"),
        Reason("cn.unseal.combined", "CPL Art. 286 [T]"),
    ),
}


def pair(
    record_id: str, status: Status, categories: frozenset[str] | None = frozenset()
) -> tuple[CertificateRecord, Decision]:
    dated = status in {Status.SEALED, Status.ELIGIBLE_ON, Status.UNSEALED}
    decision = Decision(status, dt.date(2020, 1, 1) if dated else None, ("r",), PACK, "h", record_id=record_id)
    return CertificateRecord(record_id, EventType.CONVICTION, categories), decision


def certificate(purpose: str, *pairs: tuple[CertificateRecord, Decision]) -> Certificate:
    lines = certificate_view(pairs, purpose, CN)
    labels = {"sealed": SEALED_LABEL, "shown": SHOWN_LABEL}
    return make_certificate(
        holder=HOLDER, purpose=purpose, office=OFFICE, issued_on=DAY, lines=lines, rules=CN, labels=labels
    )


SEALED_SEXUAL = pair("sealed", Status.SEALED, frozenset({"sexual_against_minor"}))
UNSEALED_THEFT = pair("shown", Status.NOT_SEALED)


def letter(kind: Kind) -> Letter:
    return make_letter(
        kind, case_no=CASE_NO, addressee=HOLDER, office=COURT, decided_on=dt.date(2026, 11, 20),
        records=[SHOWN_LABEL], reasons=GROUNDS[kind], articles=[CPL_286],
    )  # fmt: skip


def pdf_text(data: bytes) -> str:
    """The text of a PDF, without whitespace or NULs.

    pypdf reads the two-byte codes of fpdf2's embedded encoding CMap one byte at a time (a NUL before each
    character) and spaces the glyphs by the default width; poppler's pdftotext reads the same files exactly.
    Dropping whitespace and NULs keeps every printed character in order, which is what the tests compare."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return squeeze("".join(page.extract_text() for page in reader.pages))


def squeeze(text: str) -> str:
    return re.sub(r"[\s\x00]", "", text)
