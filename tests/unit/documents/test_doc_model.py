"""Document values: a certificate is what certificate_view shows (sealed records only under an exception), a
letter states its grounds and the articles cited, and no document ever holds an ID number."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from doc_helpers import (
    CN,
    CPL_286,
    HOLDER,
    ID_NUMBER,
    OFFICE,
    SEALED_SEXUAL,
    SHOWN_LABEL,
    UNSEALED_THEFT,
    certificate,
    letter,
    pair,
)
from doc_strategies import documents
from hypothesis import given

from sealkeeper.access import certificate_view
from sealkeeper.documents import (
    Certificate,
    CitedArticle,
    Document,
    DocumentError,
    Ground,
    Kind,
    make_certificate,
    make_letter,
)
from sealkeeper.documents.model import texts_of
from sealkeeper.model.decision import Status
from sealkeeper.procedures import Reason


def test_no_criminal_record_is_a_certificate_without_entries() -> None:
    doc = certificate("general")
    assert (doc.has_record, doc.entries, doc.exceptions) == (False, (), ())
    assert doc.citation == "公安机关办理犯罪记录查询工作规定第2条"  # the pack's confidence marker is not printed


def test_a_sealed_record_has_no_entry_for_a_general_purpose() -> None:
    doc = certificate("general", SEALED_SEXUAL)
    assert not doc.has_record


def test_an_unsealed_conviction_is_an_entry_with_its_label() -> None:
    [entry] = certificate("general", UNSEALED_THEFT, SEALED_SEXUAL).entries
    assert (entry.record_id, entry.label, entry.sealed, entry.exception) == ("shown", SHOWN_LABEL, False, None)


def test_the_minor_contact_exception_shows_a_sealed_sexual_offence_and_names_the_exception() -> None:
    doc = certificate("minor_contact_employment", SEALED_SEXUAL)
    [entry] = doc.entries
    assert (entry.sealed, entry.exception) == (True, "cn.certificate.minor_contact_sexual")
    assert "未成年人保护法第62条" in entry.citation
    assert "[M]" not in entry.citation
    [note] = doc.exceptions
    assert note.id == entry.exception
    assert "性侵害" in note.text_zh


def test_the_exception_is_listed_for_its_purpose_even_when_nothing_falls_under_it() -> None:
    doc = certificate("minor_contact_employment", pair("c1", Status.SEALED, frozenset({"violent"})))
    assert not doc.has_record
    assert [n.id for n in doc.exceptions] == ["cn.certificate.minor_contact_sexual"]


def test_an_unknown_purpose_is_refused_naming_the_field() -> None:
    with pytest.raises(DocumentError, match="purpose"):
        make_certificate(
            holder=HOLDER, purpose="visa", office=OFFICE, issued_on=dt.date(2026, 1, 1), lines=[], rules=CN
        )


def test_an_id_number_is_never_printed_on_a_certificate() -> None:
    with pytest.raises(DocumentError, match="holder: looks like an ID number"):
        dataclasses.replace(certificate("general"), holder=f"张三 {ID_NUMBER}")
    with pytest.raises(DocumentError, match="office: looks like an ID number"):
        dataclasses.replace(certificate("general"), office=f"公安局 {ID_NUMBER}")


@pytest.mark.parametrize("record_id", ["RC-1234567890123456", "R-9876543210987654"])
def test_a_record_id_whose_hex_digits_are_all_decimal_is_printed(record_id: str) -> None:
    """About one record id in 600 is 16 decimal digits after its prefix: 15 of them in a row looked like an
    old ID number, and that person could get no certificate at all."""
    lines = certificate_view([pair(record_id, Status.NOT_SEALED)], "general", CN)
    doc = make_certificate(
        holder=HOLDER, purpose="general", office=OFFICE, issued_on=dt.date(2026, 1, 1), lines=lines, rules=CN,
        labels={record_id: "2025-03-01 盗窃罪"},
    )  # fmt: skip
    assert [e.record_id for e in doc.entries] == [record_id]
    with pytest.raises(DocumentError, match=r"entries\[0\]\.record_id: looks like an ID number"):
        dataclasses.replace(doc, entries=(dataclasses.replace(doc.entries[0], record_id=f"RC-{ID_NUMBER}"),))


def test_an_id_number_in_a_record_label_is_refused() -> None:
    lines = certificate_view([UNSEALED_THEFT], "general", CN)
    with pytest.raises(DocumentError, match=r"entries\[0\]\.label"):
        make_certificate(
            holder=HOLDER, purpose="general", office=OFFICE, issued_on=dt.date(2026, 1, 1), lines=lines, rules=CN,
            labels={"shown": ID_NUMBER},
        )  # fmt: skip


@pytest.mark.parametrize("kind", [Kind.SEAL_DECISION, Kind.REFUSAL, Kind.UNSEALING_NOTICE])
def test_a_letter_cites_every_ground_s_article_once_with_the_text_supplied(kind: Kind) -> None:
    doc = letter(kind)
    citations = [a.citation for a in doc.articles]
    assert len(citations) == len(set(citations))
    assert {g.citation for g in doc.grounds} <= set(citations)
    assert doc.articles[0] == dataclasses.replace(CPL_286, citation="CPL Art. 286")


def test_an_article_without_supplied_text_is_cited_by_its_citation() -> None:
    doc = letter(Kind.UNSEALING_NOTICE)
    assert CitedArticle("实施办法 (2022) Art. 18") in doc.articles


def test_a_letter_without_grounds_is_refused() -> None:
    with pytest.raises(DocumentError, match="grounds"):
        make_letter(
            Kind.REFUSAL, case_no="A-1", addressee=HOLDER, office=OFFICE, decided_on=dt.date(2026, 1, 1),
            records=["r"], reasons=[],
        )  # fmt: skip


def test_a_certificate_is_not_a_letter_kind() -> None:
    with pytest.raises(DocumentError, match="not a letter kind"):
        make_letter(
            Kind.CERTIFICATE, case_no="A-1", addressee=HOLDER, office=OFFICE, decided_on=dt.date(2026, 1, 1),
            records=["r"], reasons=[Reason("r", "CPL Art. 286")],
        )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"records": ("R-1", f"身份证号{ID_NUMBER}")}, r"records\[1\]"),
        ({"grounds": (Ground("r", "CPL Art. 286", f"当事人{ID_NUMBER[:15]}"),)}, r"grounds\[0\]\.text"),
        ({"articles": (CitedArticle("CPL Art. 286", text=ID_NUMBER),)}, r"articles\[0\]\.text"),
    ],
)
def test_an_id_number_anywhere_in_a_letter_is_refused_naming_the_field(change: dict[str, Any], path: str) -> None:
    with pytest.raises(DocumentError, match=f"{path}: looks like an ID number"):
        dataclasses.replace(letter(Kind.REFUSAL), **change)


@pytest.mark.parametrize("case_no", [f"A-{ID_NUMBER}", f"A-{HOLDER}"])
def test_a_case_number_holds_neither_an_id_number_nor_the_name(case_no: str) -> None:
    with pytest.raises(DocumentError, match="case_no"):
        dataclasses.replace(letter(Kind.REFUSAL), case_no=case_no)


@given(documents)
def test_a_documents_texts_are_found_in_place_as_in_its_asdict(doc: Document) -> None:
    """The check for ID numbers walks the document itself: the same texts, paths and order as its ``asdict``."""
    found = list(texts_of(doc))
    assert found == list(texts_of(dataclasses.asdict(doc)))
    assert ("holder" if isinstance(doc, Certificate) else "addressee") in dict(found)
