"""Entries: canonical JSON, no personal data, salted commitments the person can check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.ledger import entries
from sealkeeper.ledger.errors import EntryRejectedError

SALT = bytes(range(32))


def test_canonical_is_sorted_compact_utf8() -> None:
    assert entries.canonical({"b": 1, "a": "封存", "c": [True, None]}) == '{"a":"封存","b":1,"c":[true,null]}'.encode()


@given(
    st.dictionaries(st.text(min_size=1).filter(lambda k: k not in entries.FORBIDDEN_FIELDS), st.integers() | st.text())
)
def test_canonical_round_trips(event: dict[str, object]) -> None:
    data = entries.canonical(event)
    assert entries.parse(data) == event


@pytest.mark.parametrize(
    "event",
    [
        {"type": "x", "name": "张三"},
        {"type": "x", "person": {"id_number": "110101199001011234"}},
        {"type": "x", "items": [{"address": "北京"}]},
    ],
)
def test_personal_fields_are_refused_and_not_echoed(event: dict[str, object]) -> None:
    with pytest.raises(EntryRejectedError) as caught:
        entries.prepare(event, SALT)
    for secret in ("张三", "1101", "北京"):
        assert secret not in str(caught.value)


def test_tokens_and_case_numbers_become_commitments() -> None:
    data, subject = entries.prepare({"type": "access", "subject": "stoken", "case_number": "(2026)京01刑初1号"}, SALT)
    event = entries.parse(data)
    assert "stoken" not in data.decode()
    assert "京01" not in data.decode()
    assert event["subject_commitment"] == subject == entries.commit(SALT, "subject", "stoken")
    assert event["case_commitment"] == entries.commit(SALT, "case", "(2026)京01刑初1号")
    opening = entries.opening(SALT, "subject", "stoken")
    assert entries.commitment_from_opening(opening, "stoken") == subject  # what the person checks


def test_commitments_depend_on_the_salt_and_the_kind() -> None:
    assert entries.commit(SALT, "subject", "x") != entries.commit(bytes(32), "subject", "x")
    assert entries.commit(SALT, "subject", "x") != entries.commit(SALT, "case", "x")


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"type": ""},
        {"type": "x", "subject": 3},
        {"type": "x", "subject_commitment": "ab"},
        {"type": "x", "value": float("nan")},
        {"type": "x", "value": b"bytes"},
    ],
)
def test_malformed_events_are_refused(event: dict[str, object]) -> None:
    with pytest.raises(EntryRejectedError):
        entries.prepare(event, SALT)


def test_non_canonical_bytes_are_refused() -> None:
    with pytest.raises(EntryRejectedError):
        entries.parse(b'{"b":1, "a":2}')
    with pytest.raises(EntryRejectedError):
        entries.parse(b"\xff")


def test_short_salt_is_refused() -> None:
    with pytest.raises(EntryRejectedError):
        entries.commit(b"short", "subject", "x")
