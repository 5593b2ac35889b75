"""A proposal in the bundle format's names: sentence kinds, the non-prosecution event, dates, confidences."""

from __future__ import annotations

import datetime as dt

import pytest

from sealkeeper.reader.corpus import Sentence
from sealkeeper.reader.extract import Proposed
from sealkeeper.reader.facts import FIELDS, as_facts, bundle_sentence
from sealkeeper.reader.model import Proposal


@pytest.mark.parametrize(
    ("sentence", "bundle"),
    [(Sentence("detention", 3), {"kind": "criminal_detention", "months": 3}),
     (Sentence("fixed_term", 18, True, 24, 5000),
      {"kind": "fixed_term", "months": 18, "suspended": True, "probation_months": 24, "amount": 5000}),
     (Sentence("surveillance", 6), {"kind": "public_surveillance", "months": 6}),
     (Sentence("fine_only", fine_yuan=3000), {"kind": "fine", "amount": 3000}),
     (Sentence("exempt"), {"kind": "exempt"}),
     (Sentence("non_prosecution"), None)],
)  # fmt: skip
def test_sentences_in_the_bundle_format(sentence: Sentence, bundle: dict[str, object] | None) -> None:
    assert bundle_sentence(sentence) == bundle


def _proposal(sentence: Sentence | None, offence: dt.date | None) -> Proposal:
    return Proposal(
        charge=Proposed("theft", 0.912345), charge_name=Proposed("盗窃罪", 0.912345),
        article=Proposed("刑法第二百六十四条", 0.912345), statute=Proposed("刑法第264条", 0.912345),
        sentence=Proposed(sentence, 0.98 if sentence else 0.0),
        offence_date=Proposed(offence, 0.98 if offence else 0.0),
        judgment_date=Proposed(dt.date(2024, 2, 3), 0.98), birth_date=Proposed(None, 0.0),
        juvenile=Proposed(False, 0.55),
    )  # fmt: skip


def test_every_field_with_its_confidence_and_none_where_nothing_was_read() -> None:
    facts = as_facts(_proposal(Sentence("non_prosecution"), None))
    assert tuple(facts) == FIELDS
    assert facts["charge"] == {"value": {"name": "盗窃罪", "statute": "刑法第264条", "code": "theft"},
                               "confidence": 0.9123}  # fmt: skip
    assert facts["sentence"]["value"] == {"event": "non_prosecution", "sentence": None}
    assert facts["offence_date"] == {"value": None, "confidence": 0.0}
    assert facts["birth_date"]["value"] is None
    assert facts["judgment_date"]["value"] == "2024-02-03"
    assert facts["juvenile"] == {"value": False, "confidence": 0.55}


def test_a_conviction_names_its_event_and_sentence() -> None:
    facts = as_facts(_proposal(Sentence("detention", 2), dt.date(2023, 1, 1)))
    assert facts["sentence"]["value"] == {
        "event": "conviction",
        "sentence": {"kind": "criminal_detention", "months": 2},
    }
    assert facts["offence_date"]["value"] == "2023-01-01"
    assert as_facts(_proposal(None, None))["sentence"] == {"value": None, "confidence": 0.0}
