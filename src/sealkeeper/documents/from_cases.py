"""Letters from the procedures' cases (pure): which letter a decided case gives, dated and reasoned by the case.

- an application decided ``seal`` → 封存决定书, ``refuse`` → 不予封存决定书 (dated ``decided_on``, its reasons);
- an objection ``reversed`` → 封存决定书 (the refusal is replaced by sealing, or the unsealing is revoked);
- a judicial unsealing request granted → 解除封存通知书 (the case has no decision date: the caller gives it);
- an automatic sealing case sealed → 封存决定书 (dated ``sealed_since``), unsealed → 解除封存通知书 (dated
  ``unsealed_on``); its reasons come from the engine (``rules.explain.reasons``), given by the caller.

Any other state has no such letter: :class:`DocumentError` naming the procedure and the case. ``records`` is
what is printed for the records concerned (descriptions); by default the record ids the case names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sealkeeper.documents.errors import DocumentError, DocumentRefusal
from sealkeeper.documents.model import CitedArticle, HasReason, Kind, Letter, make_letter
from sealkeeper.procedures.application import ApplicationCase, Outcome
from sealkeeper.procedures.objection import Finding, ObjectionCase
from sealkeeper.procedures.sealing import RecordCase, SealingState
from sealkeeper.procedures.unsealing import Ruling, UnsealingCase


def _no_letter(procedure: str, case_id: str, why: DocumentRefusal, **params: object) -> DocumentError:
    return DocumentError.of(why, procedure=procedure, case_id=case_id, **params)


def letter_from_application(
    case: ApplicationCase,
    *,
    addressee: str,
    office: str,
    records: Sequence[str] | None = None,
    articles: Iterable[CitedArticle] = (),
) -> Letter:
    if case.outcome is None or case.decided_on is None:
        raise _no_letter(case.PROCEDURE, case.case_id, DocumentRefusal.NOT_DECIDED, state=case.state)
    kind = Kind.SEAL_DECISION if case.outcome is Outcome.SEAL else Kind.REFUSAL
    return make_letter(
        kind, case_no=case.case_id, addressee=addressee, office=office, decided_on=case.decided_on,
        records=records or case.records, reasons=case.reasons, articles=articles,
    )  # fmt: skip


def letter_from_objection(
    case: ObjectionCase,
    *,
    addressee: str,
    office: str,
    records: Sequence[str],
    articles: Iterable[CitedArticle] = (),
) -> Letter:
    if case.finding is None or case.decided_on is None:
        raise _no_letter(case.PROCEDURE, case.case_id, DocumentRefusal.NOT_DECIDED, state=case.state)
    if case.finding is not Finding.REVERSED:
        raise _no_letter(case.PROCEDURE, case.case_id, DocumentRefusal.UPHELD)
    return make_letter(
        Kind.SEAL_DECISION, case_no=case.case_id, addressee=addressee, office=office, decided_on=case.decided_on,
        records=records, reasons=case.reasons, articles=articles,
    )  # fmt: skip


def letter_from_unsealing(
    case: UnsealingCase,
    *,
    decided_on: dt.date,
    addressee: str,
    office: str,
    records: Sequence[str],
    articles: Iterable[CitedArticle] = (),
) -> Letter:
    if case.ruling is not Ruling.GRANT:
        why = DocumentRefusal.NOT_DECIDED if case.ruling is None else DocumentRefusal.REQUEST_REFUSED
        raise _no_letter(case.PROCEDURE, case.case_id, why, state=case.state)
    return make_letter(
        Kind.UNSEALING_NOTICE, case_no=case.case_id, addressee=addressee, office=office, decided_on=decided_on,
        records=records, reasons=case.reasons, articles=articles,
    )  # fmt: skip


def letter_from_record(
    case: RecordCase,
    *,
    reasons: Iterable[HasReason],
    addressee: str,
    office: str,
    records: Sequence[str] | None = None,
    articles: Iterable[CitedArticle] = (),
) -> Letter:
    if case.state is SealingState.SEALED and case.sealed_since is not None:
        kind, day = Kind.SEAL_DECISION, case.sealed_since
    elif case.state is SealingState.UNSEALED and case.unsealed_on is not None:
        kind, day = Kind.UNSEALING_NOTICE, case.unsealed_on
    else:
        raise _no_letter(case.PROCEDURE, case.case_id, DocumentRefusal.NEITHER_SEALED_NOR_UNSEALED, state=case.state)
    return make_letter(
        kind, case_no=case.case_id, addressee=addressee, office=office, decided_on=day,
        records=records or (case.record_id,), reasons=reasons, articles=articles,
    )  # fmt: skip
