"""Anonymised publication of an application's decision (公布封存结果, founding paper §4.2).

The published document says what was decided, on which grounds (rule ids and articles), in which month, by
whose application (the person, a guardian or counsel) and whether in time. It never carries a name, an ID
number, a case number, the case id, the subject token, record or material ids, account ids, or the free text
of a reason: the document is built only from those allowed fields, and every string in it is checked once more
against ID-number and case-number patterns and against the case's own identifiers before it is returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sealkeeper.procedures.errors import NotPublishableError, Refusal

if TYPE_CHECKING:
    from sealkeeper.procedures.application import ApplicationCase

#: The keys a published decision has (and nothing else).
PUBLISHED_KEYS = frozenset(
    {"reference", "procedure", "outcome", "decided_in", "applicant", "interview_held", "in_time", "grounds", "text"}
)
ID_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9])")
CASE_NUMBER = re.compile(r"[（(〔\[]\s*[0-9]{4}\s*[）)〕\]][^，。,;；]{0,30}?号")
_OUTCOME_ZH = {"seal": "予以封存", "refuse": "不予封存"}
_APPLICANT_ZH = {"data_subject": "当事人本人", "guardian": "法定代理人", "counsel": "委托代理人"}


def looks_identifying(text: str) -> bool:
    """True if ``text`` contains something shaped like an ID number or a court case number (案号)."""
    return bool(ID_NUMBER.search(text) or CASE_NUMBER.search(text))


def _identifiers(case: ApplicationCase) -> set[str]:
    ids = {case.case_id, case.subject, case.applicant, *case.records, *case.materials, *case.deciders}
    return {value for value in ids if value}


def check_reference(reference: str, case: ApplicationCase) -> Refusal | None:
    """Why ``reference`` cannot number a publication of ``case`` (None when it can)."""
    if not reference.strip():
        return Refusal.NO_REFERENCE
    if looks_identifying(reference) or any(value in reference for value in _identifiers(case)):
        return Refusal.IDENTIFYING_REFERENCE
    return None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def publish(case: ApplicationCase, reference: str | None = None) -> dict[str, Any]:
    """The publishable decision of a notified (or published) application."""
    from sealkeeper.procedures.application import ApplicationState  # noqa: PLC0415 (application imports this module)

    if case.state not in {ApplicationState.NOTIFIED, ApplicationState.PUBLISHED} or case.outcome is None:
        raise NotPublishableError(f"application {case.case_id}: only a notified decision is published")
    ref = reference or case.publication or ""
    problem = check_reference(ref, case)
    if problem:
        raise NotPublishableError(f"application {case.case_id}: {problem.value}")
    grounds = [{"rule": reason.rule, "citation": reason.citation} for reason in case.reasons]
    articles = "、".join(dict.fromkeys(reason.citation for reason in case.reasons))
    in_time = case.decided_on is not None and (case.decision_due is None or case.decided_on <= case.decision_due)
    applicant = str(case.applicant_role)
    doc: dict[str, Any] = {
        "reference": ref,
        "procedure": "application",
        "outcome": str(case.outcome),
        "decided_in": case.decided_on.strftime("%Y-%m") if case.decided_on else None,
        "applicant": applicant,
        "interview_held": case.interviewed,
        "in_time": in_time,
        "grounds": grounds,
        "text": f"经审查，{_APPLICANT_ZH.get(applicant, '申请人')}提出的犯罪记录封存申请，依据{articles}，"
        f"决定{_OUTCOME_ZH[str(case.outcome)]}。",
    }
    identifiers = _identifiers(case)
    for text in _strings(doc):
        if looks_identifying(text) or any(value in text for value in identifiers):
            raise NotPublishableError(f"application {case.case_id}: a published value looks identifying")
    return doc
