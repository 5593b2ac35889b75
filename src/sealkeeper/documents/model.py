"""The documents as values (pure): a certificate (无犯罪记录证明) and three letters (封存决定书, 不予封存决定书,
解除封存通知书).

A document holds exactly what is printed, and nothing else: the person appears only as the display name the
caller passes (``holder`` / ``addressee``), never as an ID number, and never inside an id. Dates are parameters.
Texts the caller supplies (the grounds, the articles' wording) are printed as given; the fixed wording of each
document is in ``data/texts.toml`` in Chinese (the legal document) and English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from enum import StrEnum
from typing import Protocol

from sealkeeper.access.certificates import SHOWN, CertificateLine, CertificateRules
from sealkeeper.documents.errors import DocumentError

#: Resident ID numbers (18 or 15 characters) are never part of a document: every text in it is checked.
ID_NUMBER = re.compile(r"\d{17}[\dXx]|\d{15}")
#: The ids sealkeeper makes for cases and records (``SE-``, ``RC-``, ``AP-``…, then 64 random or keyed bits in
#: hex). Their 16 hex digits are all decimal digits for about one id in 600; whole, such an id is not an ID
#: number (a prefix of letters and a hyphen, then 16 characters) and is printed.
OPAQUE_ID = re.compile(r"[A-Z]{1,3}-[0-9a-f]{16}")
#: The confidence markers of the packs' citations ([T] text read, [S] summary, [M] memory): not printed.
MARKER = re.compile(r"\s*\[[TSM]\]")


class Kind(StrEnum):
    CERTIFICATE = "certificate"  # 无犯罪记录证明
    SEAL_DECISION = "seal_decision"  # 封存决定书
    REFUSAL = "refusal"  # 不予封存决定书
    UNSEALING_NOTICE = "unsealing_notice"  # 解除封存通知书


LETTER_KINDS = frozenset({Kind.SEAL_DECISION, Kind.REFUSAL, Kind.UNSEALING_NOTICE})


class HasReason(Protocol):
    """What a ground is made from: ``procedures.Reason`` and ``rules.explain.Reason`` both fit."""

    @property
    def rule(self) -> str: ...
    @property
    def citation(self) -> str: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Ground:
    """One ground of a decision: the rule applied, the article cited and (optionally) the reason's wording."""

    rule: str
    citation: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class CitedArticle:
    """An article cited, with the law's title and the article's wording where the caller supplies them
    (``summary_en``: printed in the English rendering, after the wording)."""

    citation: str
    title: str = ""
    text: str = ""
    summary_en: str = ""


@dataclass(frozen=True, slots=True)
class CertificateEntry:
    """A record that appears on a certificate: ``exception`` is the statutory exception's id when a sealed
    record appears under it; ``label`` what is printed for the record (the caller's description, else its id)."""

    record_id: str
    record_type: str
    rule: str
    citation: str
    sealed: bool
    exception: str | None
    label: str


@dataclass(frozen=True, slots=True)
class ExceptionNote:
    """A statutory exception that applies to the certificate's purpose, as printed."""

    id: str
    citation: str
    text_zh: str
    text_en: str


@dataclass(frozen=True, slots=True, repr=False)
class Certificate:
    """A certificate as printed. Its ``repr`` shows no name and no record (it may end up in a log)."""

    holder: str
    purpose: str
    office: str
    issued_on: dt.date
    pack: str
    citation: str
    entries: tuple[CertificateEntry, ...]
    exceptions: tuple[ExceptionNote, ...]
    kind: Kind = Kind.CERTIFICATE

    def __post_init__(self) -> None:
        _required(self.kind, holder=self.holder, office=self.office, purpose=self.purpose)
        _no_id_number(self)

    @property
    def has_record(self) -> bool:
        return bool(self.entries)

    def __repr__(self) -> str:
        return f"Certificate(purpose={self.purpose!r}, issued_on={self.issued_on}, entries={len(self.entries)})"


@dataclass(frozen=True, slots=True, repr=False)
class Letter:
    """A letter as printed. Its ``repr`` shows no name, case number or record (it may end up in a log)."""

    kind: Kind
    case_no: str
    addressee: str
    office: str
    decided_on: dt.date
    records: tuple[str, ...]
    grounds: tuple[Ground, ...]
    articles: tuple[CitedArticle, ...]

    def __post_init__(self) -> None:
        if self.kind not in LETTER_KINDS:
            raise DocumentError(f"{self.kind}: not a letter kind ({', '.join(sorted(LETTER_KINDS))})")
        _required(self.kind, case_no=self.case_no, addressee=self.addressee, office=self.office)
        _no_id_number(self)
        if not self.records:
            raise DocumentError(f"{self.kind}: records: a letter names the records it decides")
        if not self.grounds:
            raise DocumentError(f"{self.kind}: grounds: a decision states its grounds with the articles cited")
        if self.addressee and self.addressee in self.case_no:
            raise DocumentError(f"{self.kind}: case_no: the case number may not contain the addressee's name")

    def __repr__(self) -> str:
        rules = [g.rule for g in self.grounds]
        return f"Letter(kind={self.kind!s}, decided_on={self.decided_on}, rules={rules})"


Document = Certificate | Letter


def _required(kind: Kind, **fields: str) -> None:
    for name, value in fields.items():
        if not value.strip():
            raise DocumentError(f"{kind}: {name}: empty")


def _no_id_number(document: Certificate | Letter) -> None:
    for path, text in texts_of(document):
        if ID_NUMBER.search(text) and not OPAQUE_ID.fullmatch(text):
            raise DocumentError(f"{document.kind}: {path}: looks like an ID number, which a document never prints")


def texts_of(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text in a document's fields, with its path (``entries[0].label``), as in its ``asdict`` (walked in
    place: ``asdict`` copies every field first, and this runs on every certificate issued)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts_of(item, f"{path}.{key}" if path else key)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from texts_of(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from texts_of(item, f"{path}[{i}]")


def plain_citation(citation: str) -> str:
    """A citation as printed: without the packs' confidence markers."""
    return MARKER.sub("", citation).strip()


def make_certificate(
    *,
    holder: str,
    purpose: str,
    office: str,
    issued_on: dt.date,
    lines: Iterable[CertificateLine],
    rules: CertificateRules,
    labels: Mapping[str, str] | None = None,
) -> Certificate:
    """A certificate from ``certificate_view``'s lines (none: no criminal record) under the pack's ``rules``.

    ``labels`` maps a record id to what is printed for it (court, date, offence); a record without one is
    printed by its id. The exceptions listed are those the pack has for ``purpose``."""
    if purpose not in rules.purposes:
        raise DocumentError(f"certificate: purpose: not one of {sorted(rules.purposes)} for pack {rules.pack}")
    known = {e.id for e in rules.exceptions}
    entries = []
    for line in lines:
        exception = None if line.rule == SHOWN else line.rule
        if exception is not None and exception not in known:
            raise DocumentError(f"certificate: entries[{line.record.record_id}]: unknown rule {line.rule}")
        rid = line.record.record_id
        label = (labels or {}).get(rid, rid)
        kind, cite = str(line.record.record_type), plain_citation(line.citation)
        entries.append(CertificateEntry(rid, kind, line.rule, cite, line.sealed, exception, label))
    notes = tuple(
        ExceptionNote(e.id, plain_citation(e.citation), e.text_zh, e.text)
        for e in rules.exceptions
        if e.purpose == purpose
    )
    cite = plain_citation(rules.citation)
    return Certificate(holder, purpose, office, issued_on, rules.pack, cite, tuple(entries), notes)


def make_letter(
    kind: Kind,
    *,
    case_no: str,
    addressee: str,
    office: str,
    decided_on: dt.date,
    records: Iterable[str],
    reasons: Iterable[HasReason],
    articles: Iterable[CitedArticle] = (),
) -> Letter:
    """A letter with its grounds from ``reasons`` and the articles cited: each supplied article (with its text),
    then every ground's citation that no supplied article covers (without text)."""
    grounds = tuple(Ground(r.rule, plain_citation(r.citation), r.text) for r in reasons)
    cited = [replace(a, citation=plain_citation(a.citation)) for a in articles]
    covered = {a.citation for a in cited}
    for ground in grounds:
        if ground.citation not in covered:
            covered.add(ground.citation)
            cited.append(CitedArticle(ground.citation))
    return Letter(kind, case_no, addressee, office, decided_on, tuple(records), grounds, tuple(cited))
