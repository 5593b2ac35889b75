"""What a criminal-record certificate (无犯罪记录证明) shows: ``certificate_view``, pure.

Only the pack's criminal record types can appear (CN: convictions; non-prosecution, withdrawal, acquittal and
public-security penalties are not criminal records). A sealed record never appears, except where one of the
pack's statutory exceptions (``data/certificates.toml``) matches the query's purpose, the record type and an
offence category. A record whose decision is ``needs_review``, or a sealed one whose categories are unknown when
an exception could apply, blocks the certificate: nothing is shown or hidden on ambiguous facts.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from sealkeeper.access.errors import CertificateBlockedError, CertificateError, PolicyDataError
from sealkeeper.access.policy import read_toml
from sealkeeper.model.categories import CATEGORIES
from sealkeeper.model.decision import Decision, Status
from sealkeeper.model.record import EventType

#: The rule by which an unsealed (or never sealed) criminal record appears.
SHOWN = "certificate.criminal_record"


@dataclass(frozen=True, slots=True)
class CertificateException:
    id: str
    purpose: str
    record_types: frozenset[str]
    categories: frozenset[str]
    citation: str
    text: str
    text_zh: str


@dataclass(frozen=True, slots=True)
class CertificateRules:
    pack: str
    citation: str
    criminal_record_types: frozenset[str]
    purposes: frozenset[str]
    exceptions: tuple[CertificateException, ...]

    def exceptions_for(self, purpose: str, record_type: str) -> tuple[CertificateException, ...]:
        return tuple(e for e in self.exceptions if e.purpose == purpose and record_type in e.record_types)


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    """A record as the certificate sees it: id, type, and its offence categories (None: not known)."""

    record_id: str
    record_type: EventType
    categories: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class CertificateLine:
    """A record that appears, the rule that makes it appear and the article it rests on."""

    record: CertificateRecord
    rule: str
    citation: str
    sealed: bool


@functools.cache
def certificate_rules(pack: str) -> CertificateRules:
    """The certificate rules of ``pack`` shipped in the package."""
    data = read_toml("certificates.toml")
    if pack not in data:
        raise CertificateError(f"no certificate rules for pack {pack}")
    try:
        table = data[pack]
        purposes = frozenset(table["purposes"])
        exceptions = tuple(
            CertificateException(
                str(e["id"]),
                str(e["purpose"]),
                frozenset(e["record_types"]),
                frozenset(e["categories"]),
                str(e["citation"]),
                str(e["text"]),
                str(e["text_zh"]),
            )
            for e in table.get("exceptions", [])
        )
        rules = CertificateRules(
            pack, str(table["citation"]), frozenset(table["criminal_record_types"]), purposes, exceptions
        )
    except (KeyError, TypeError) as exc:
        raise PolicyDataError(f"access policy certificates.toml: pack {pack}: missing or malformed {exc}") from exc
    stray = [e.id for e in exceptions if e.purpose not in purposes or not e.categories <= set(CATEGORIES)]
    if stray:
        raise PolicyDataError(
            f"access policy certificates.toml: pack {pack}: exceptions with an unknown purpose or category: {stray}"
        )
    return rules


def certificate_view(
    records_with_decisions: Iterable[tuple[CertificateRecord, Decision]],
    purpose: str,
    pack_exceptions: CertificateRules,
) -> list[CertificateLine]:
    """The records that appear on a certificate for ``purpose``, in the order given."""
    rules = pack_exceptions
    if purpose not in rules.purposes:
        raise CertificateError(f"purpose is not one of {sorted(rules.purposes)} for pack {rules.pack}")
    lines: list[CertificateLine] = []
    blocked: list[str] = []
    for record, decision in records_with_decisions:
        if decision.record_id is not None and decision.record_id != record.record_id:
            raise CertificateError(f"decision for record {decision.record_id} given with record {record.record_id}")
        if str(record.record_type) not in rules.criminal_record_types:
            continue
        if decision.status is Status.NEEDS_REVIEW:
            blocked.append(record.record_id)
        elif decision.status is not Status.SEALED:
            lines.append(CertificateLine(record, SHOWN, rules.citation, sealed=False))
        else:
            exceptions = rules.exceptions_for(purpose, str(record.record_type))
            if exceptions and record.categories is None:
                blocked.append(record.record_id)
                continue
            hit = next((e for e in exceptions if e.categories & (record.categories or frozenset())), None)
            if hit is not None:
                lines.append(CertificateLine(record, hit.id, hit.citation, sealed=True))
    if blocked:
        raise CertificateBlockedError(tuple(blocked), "decision or offence categories not known")
    return lines
