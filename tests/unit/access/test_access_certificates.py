"""Certificates: sealed records never appear, except under a pack's statutory exception (data keyed by purpose and
offence category); only criminal records appear at all; ambiguous facts block the certificate."""

from __future__ import annotations

import datetime as dt

import pytest

from sealkeeper.access import (
    CertificateBlockedError,
    CertificateError,
    CertificateRecord,
    certificate_rules,
    certificate_view,
)
from sealkeeper.model.decision import Decision, PackRef, Status
from sealkeeper.model.record import EventType

CN = certificate_rules("CN")
PACK = PackRef("CN", "2026.11.0")
DAY = dt.date(2025, 1, 1)
DATED = {Status.SEALED, Status.ELIGIBLE_ON, Status.UNSEALED}


def pair(
    record_id: str, status: Status, kind: EventType = EventType.CONVICTION, categories: frozenset[str] | None = None
) -> tuple[CertificateRecord, Decision]:
    decision = Decision(status, DAY if status in DATED else None, ("r",), PACK, "h", record_id=record_id)
    return CertificateRecord(record_id, kind, frozenset() if categories is None else categories), decision


def shown(pairs: list[tuple[CertificateRecord, Decision]], purpose: str = "general") -> list[str]:
    return [line.record.record_id for line in certificate_view(pairs, purpose, CN)]


@pytest.mark.parametrize("status", [Status.NOT_SEALED, Status.ELIGIBLE_ON, Status.UNSEALED])
def test_an_unsealed_conviction_appears(status: Status) -> None:
    [line] = certificate_view([pair("c1", status)], "general", CN)
    assert (line.rule, line.sealed) == ("certificate.criminal_record", False)
    assert "犯罪记录查询工作规定第2条" in line.citation


@pytest.mark.parametrize("purpose", ["general", "minor_contact_employment"])
def test_a_sealed_conviction_never_appears_without_an_exception(purpose: str) -> None:
    assert shown([pair("c1", Status.SEALED, categories=frozenset({"violent"}))], purpose) == []


@pytest.mark.parametrize(
    "kind", [EventType.NON_PROSECUTION, EventType.CASE_WITHDRAWN, EventType.ACQUITTAL, EventType.ADMIN_PENALTY]
)
@pytest.mark.parametrize("status", [Status.NOT_SEALED, Status.SEALED, Status.NEEDS_REVIEW])
def test_records_that_are_not_criminal_records_never_appear(kind: EventType, status: Status) -> None:
    sexual = frozenset({"sexual_against_minor"})
    assert shown([pair("x", status, kind, sexual)], "minor_contact_employment") == []


@pytest.mark.parametrize("category", ["sexual", "sexual_against_minor"])
def test_a_sealed_sexual_conviction_appears_in_a_check_for_work_with_minors(category: str) -> None:
    [line] = certificate_view(
        [pair("c1", Status.SEALED, categories=frozenset({category}))], "minor_contact_employment", CN
    )
    assert line.rule == "cn.certificate.minor_contact_sexual"
    assert line.sealed
    assert "未成年人保护法第62条" in line.citation


def test_the_same_sealed_conviction_stays_hidden_for_a_general_certificate() -> None:
    assert shown([pair("c1", Status.SEALED, categories=frozenset({"sexual_against_minor"}))], "general") == []


def test_a_mixed_history_shows_only_what_the_law_shows_in_order() -> None:
    pairs = [
        pair("c-sealed-theft", Status.SEALED, categories=frozenset()),
        pair("c-open", Status.NOT_SEALED),
        pair("np", Status.SEALED, EventType.NON_PROSECUTION),
        pair("c-sealed-sexual", Status.SEALED, categories=frozenset({"sexual", "violent"})),
        pair("c-unsealed", Status.UNSEALED),
    ]
    assert shown(pairs) == ["c-open", "c-unsealed"]
    assert shown(pairs, "minor_contact_employment") == ["c-open", "c-sealed-sexual", "c-unsealed"]


def test_needs_review_blocks_the_certificate_naming_the_records() -> None:
    pairs = [pair("c1", Status.NEEDS_REVIEW), pair("c2", Status.NOT_SEALED), pair("c3", Status.NEEDS_REVIEW)]
    with pytest.raises(CertificateBlockedError) as caught:
        certificate_view(pairs, "general", CN)
    assert caught.value.record_ids == ("c1", "c3")


def test_unknown_categories_block_only_where_an_exception_could_apply() -> None:
    unknown = CertificateRecord("c1", EventType.CONVICTION, None)
    sealed = Decision(Status.SEALED, DAY, ("r",), PACK, "h", record_id="c1")
    assert certificate_view([(unknown, sealed)], "general", CN) == []
    with pytest.raises(CertificateBlockedError):
        certificate_view([(unknown, sealed)], "minor_contact_employment", CN)


def test_refusals_for_unknown_purpose_pack_or_mismatched_decision() -> None:
    with pytest.raises(CertificateError, match="purpose"):
        certificate_view([], "curiosity", CN)
    with pytest.raises(CertificateError, match="no certificate rules"):
        certificate_rules("XX")
    record, _ = pair("c1", Status.NOT_SEALED)
    _, other = pair("c2", Status.NOT_SEALED)
    with pytest.raises(CertificateError, match="decision for record c2"):
        certificate_view([(record, other)], "general", CN)


def test_the_exception_is_data_keyed_by_purpose_and_category() -> None:
    [exception] = CN.exceptions
    assert exception.purpose == "minor_contact_employment"
    assert exception.categories == {"sexual", "sexual_against_minor"}
    assert exception.record_types == {"conviction"}
    assert CN.criminal_record_types == {"conviction"}
