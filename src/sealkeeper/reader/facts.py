"""A proposal as the record bundle's facts (shared/cases/README.md, format version 1), each with its confidence.

The names are the bundle's: ``offense`` {name, statute} as the CN pack reads them, ``sentence`` {kind, months,
suspended, probation_months, amount} with the bundle's kinds, the ``non_prosecution`` event type, dates in ISO.
Every value stays a proposal (``needs_review``) until a person confirms it. Pure.
"""

from __future__ import annotations

from typing import Any

from sealkeeper.reader.corpus import Sentence
from sealkeeper.reader.extract import Proposed
from sealkeeper.reader.model import Proposal

#: The reader's sentence kinds as the bundle format names them (``non_prosecution`` is an event type there).
BUNDLE_KINDS = {"detention": "criminal_detention", "fixed_term": "fixed_term", "surveillance": "public_surveillance",
                "fine_only": "fine", "exempt": "exempt"}  # fmt: skip
FIELDS = ("charge", "article", "sentence", "offence_date", "judgment_date", "birth_date", "juvenile")


def bundle_sentence(sentence: Sentence) -> dict[str, Any] | None:
    """The bundle's ``sentence`` object, or None for a non-prosecution decision (an event of its own type)."""
    if sentence.kind == "non_prosecution":
        return None
    out: dict[str, Any] = {"kind": BUNDLE_KINDS[sentence.kind]}
    if sentence.months is not None:
        out["months"] = sentence.months
    if sentence.suspended:
        out["suspended"] = True
        out["probation_months"] = sentence.probation_months
    if sentence.fine_yuan is not None:
        out["amount"] = sentence.fine_yuan
    return out


def _field(proposed: Proposed[Any], value: Any) -> dict[str, Any]:
    return {"value": None if proposed.value is None else value, "confidence": round(proposed.confidence, 4)}


def as_facts(proposal: Proposal) -> dict[str, Any]:
    """Every proposed fact with its confidence, in the bundle's names."""
    sentence = proposal.sentence.value
    event = None if sentence is None else ("non_prosecution" if sentence.kind == "non_prosecution" else "conviction")
    return {
        "charge": _field(proposal.charge_name, {"name": proposal.charge_name.value, "statute": proposal.statute.value,
                                                 "code": proposal.charge.value}),
        "article": _field(proposal.article, proposal.article.value),
        "sentence": _field(proposal.sentence, {"event": event,
                                               "sentence": None if sentence is None else bundle_sentence(sentence)}),
        "offence_date": _field(proposal.offence_date, str(proposal.offence_date.value)),
        "judgment_date": _field(proposal.judgment_date, str(proposal.judgment_date.value)),
        "birth_date": _field(proposal.birth_date, str(proposal.birth_date.value)),
        "juvenile": _field(proposal.juvenile, proposal.juvenile.value),
    }  # fmt: skip
