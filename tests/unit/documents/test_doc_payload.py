"""The canonical payload: one text per document, read back to the same document, and a clear error naming the
field for anything else."""

from __future__ import annotations

import json

import pytest
from doc_helpers import HOLDER, ID_NUMBER, SEALED_SEXUAL, certificate, letter
from doc_strategies import documents
from hypothesis import given

from sealkeeper.documents import Document, Kind, PayloadError, document_from_payload, payload_of


@given(documents)
def test_a_payload_reads_back_to_the_same_document(doc: Document) -> None:
    assert document_from_payload(payload_of(doc)) == doc
    assert document_from_payload(payload_of(doc).encode("utf-8")) == doc


@given(documents)
def test_the_payload_is_canonical_json(doc: Document) -> None:
    text = payload_of(doc)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def test_the_payload_holds_the_printed_fields_only() -> None:
    data = json.loads(payload_of(certificate("minor_contact_employment", SEALED_SEXUAL)))
    assert set(data) == {
        "format", "version", "kind", "holder", "purpose", "office", "issued_on", "pack", "citation", "entries",
        "exceptions",
    }  # fmt: skip
    assert data["holder"] == HOLDER
    assert "sexual_against_minor" not in json.dumps(data)  # the record's categories are not printed
    assert ID_NUMBER not in json.dumps(data, ensure_ascii=False)


def _broken(change: dict[str, object], drop: str | None = None) -> str:
    data = json.loads(payload_of(letter(Kind.REFUSAL)))
    data.update(change)
    if drop:
        del data[drop]
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ("not json", "not JSON"),
        ("[]", "format"),
        (_broken({"format": "other"}), "format"),
        (_broken({"kind": "passport"}), "kind: unknown"),
        (_broken({}, drop="office"), "fields"),
        (_broken({"decided_on": "27/11/2026"}), "decided_on: not an ISO date"),
        (_broken({"records": "r1"}), "records: expected list"),
        (_broken({"records": [1]}), "records: expected strings"),
        (_broken({"grounds": [{"rule": "r", "citation": 1, "text": ""}]}), r"grounds\[0\]\.citation: expected str"),
        (_broken({"grounds": [{"rule": "r"}]}), r"grounds\[0\]: expected the fields"),
        (_broken({"grounds": []}), "grounds: a decision states its grounds"),
        (_broken({"addressee": ID_NUMBER}), "addressee: looks like an ID number"),
    ],
)
def test_a_broken_payload_is_refused_naming_the_field(payload: str, field: str) -> None:
    with pytest.raises(PayloadError, match=field):
        document_from_payload(payload)
