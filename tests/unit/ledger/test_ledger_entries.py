"""Entries: canonical JSON, no personal data, salted commitments the person can check."""

from __future__ import annotations

import hashlib
import hmac
import json

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


def _reference(event: object) -> bytes:
    """The canonical form by its definition: the standard library's JSON with these settings."""
    return json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


_keys = st.text().filter(lambda k: k not in entries.FORBIDDEN_FIELDS)
_scalars = st.none() | st.booleans() | st.integers() | st.integers(-(2**70), 2**70) | st.text()
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4))


@given(st.dictionaries(_keys, _json, max_size=8))
def test_the_fast_path_writes_the_reference_bytes(event: dict[str, object]) -> None:
    # orjson writes float-free events; its bytes must be exactly the standard library's (stored entries and
    # shared/vectors/ were written by it), for any text, nesting and integer size
    try:
        expected = _reference(event)
    except UnicodeEncodeError:  # a lone surrogate: not UTF-8, refused on both paths
        with pytest.raises(EntryRejectedError):
            entries.canonical(event)
        return
    assert entries.canonical(event) == expected
    assert entries.parse(expected) == event


@pytest.mark.parametrize(
    ("event", "data"),
    [
        ({"x": 1e16, "y": 1e-7, "z": -0.0}, b'{"x":1e+16,"y":1e-07,"z":-0.0}'),  # orjson would write 1e16, 1e-7
        ({"big": 2**64, "neg": -(2**63) - 1}, b'{"big":18446744073709551616,"neg":-9223372036854775809}'),
        ({"k": "\x1f\x7f\u2028\U0001f600"}, '{"k":"\\u001f\x7f\u2028\U0001f600"}'.encode()),
    ],
)
def test_floats_and_huge_integers_keep_the_standard_form(event: dict[str, object], data: bytes) -> None:
    assert entries.canonical(event) == data == _reference(event)
    assert entries.parse(data) == event


def test_a_batch_commits_like_one_by_one() -> None:
    events = [
        {"type": "decision", "subject": f"s{i % 3}", "case_number": f"c{i % 2}", "n": i, "rules": ["r1", i]}
        for i in range(6)
    ]
    assert entries.prepare_many(events, SALT) == [entries.prepare(event, SALT) for event in events]
    committer = entries.Committer(SALT)
    assert committer("subject", "s1") == entries.commit(SALT, "subject", "s1")
    assert committer("case", "s1") == entries.commit(SALT, "case", "s1")


def test_personal_fields_inside_lists_take_the_checked_path() -> None:
    with pytest.raises(EntryRejectedError, match=r"items\[1\]\.address"):
        entries.canonical({"type": "x", "items": [{"ok": 1}, {"address": "北京"}]})


def test_lone_surrogates_are_refused_not_crashed_on() -> None:
    with pytest.raises(EntryRejectedError):
        entries.canonical({"type": "x", "k": "\ud800"})
    with pytest.raises(EntryRejectedError):
        entries.prepare({"type": "x", "subject": "\ud800"}, SALT)


@given(st.binary(min_size=16, max_size=200), st.sampled_from(["subject", "case", "其他"]), st.text(min_size=1))
def test_the_batch_committer_is_hmac_then_sha256(salt: bytes, kind: str, value: str) -> None:
    opening = hmac.digest(salt, kind.encode() + b"\x00" + value.encode(), "sha256")
    assert entries.opening(salt, kind, value) == opening
    expected = hashlib.sha256(opening + value.encode()).hexdigest()
    assert entries.Committer(salt)(kind, value) == expected == entries.commit(salt, kind, value)
