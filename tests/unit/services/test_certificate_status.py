"""Which state a record has on a certificate (``services.certificates.certificate_status``), by Hypothesis over
every sealing-case state and dating: a seal in force is never shown on a general certificate, an erased record
never appears, and a record the run has not reached counts by its stored decision (none: it blocks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.access import CertificateBlockedError, CertificateRecord, certificate_rules, certificate_view
from sealkeeper.model.decision import Decision, PackRef, Status
from sealkeeper.model.record import EventType
from sealkeeper.procedures.sealing import RecordCase, SealingState, track
from sealkeeper.services.certificates import certificate_status

AT = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
DAYS = st.none() | st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31))
BASE = track("SE-1", "s1", "RC-1", AT)


@st.composite
def cases(draw: st.DrawFn) -> RecordCase:
    state = draw(st.sampled_from(SealingState))
    return replace(BASE, state=state, sealed_since=draw(DAYS), unsealed_on=draw(DAYS))


def in_force(case: RecordCase) -> bool:
    if case.state is SealingState.SEALED:
        return True
    unsealed_after = case.unsealed_on is not None and case.sealed_since is not None
    unsealed_after = unsealed_after and case.unsealed_on >= case.sealed_since  # type: ignore[operator]
    return case.state is SealingState.REVIEW and case.sealed_since is not None and not unsealed_after


def shown_on_general(status: Status) -> bool:
    dated = status in (Status.SEALED, Status.ELIGIBLE_ON, Status.UNSEALED)
    decision = Decision(status, AT.date() if dated else None, ("r",), PackRef("CN", "1"), "", "RC-1")
    record = CertificateRecord("RC-1", EventType.CONVICTION, frozenset())
    return bool(certificate_view([(record, decision)], "general", certificate_rules("CN")))


@given(cases(), st.none() | st.sampled_from(Status))
def test_a_seal_in_force_is_never_shown_on_a_general_certificate(case: RecordCase, stored: Status | None) -> None:
    status = certificate_status(case, None if stored is None else str(stored))
    if case.state is SealingState.CLOSED:
        assert status is None
    elif case.state is SealingState.PENDING:
        assert status == (Status.NEEDS_REVIEW if stored is None else stored)
    elif in_force(case):
        assert status is Status.SEALED
        assert not shown_on_general(status)
    elif case.state is SealingState.REVIEW:
        assert status is Status.NEEDS_REVIEW
        with pytest.raises(CertificateBlockedError):
            shown_on_general(status)
    else:
        assert status is Status.NOT_SEALED
        assert shown_on_general(status)


@given(st.none() | st.sampled_from(Status))
def test_without_a_case_the_stored_decision_counts(stored: Status | None) -> None:
    status = certificate_status(None, None if stored is None else str(stored))
    assert status == (Status.NEEDS_REVIEW if stored is None else stored)
