"""The demo's judgment reader: a small model trained on the synthetic corpus (saved as the home's first version)
and its proposal for one not-sealed record, awaiting a clerk's review on the record's case page.

The judgment text is synthetic, written from the record's own facts (so the proposal mostly agrees with the
record; where the model misreads, the page shows the difference). It goes through the same service an
agency's texts go through (``reader_proposals.attach``); the text itself is not kept.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from sealkeeper.config import Settings
from sealkeeper.reader.charges import CHARGE_TABLE, Charge
from sealkeeper.reader.corpus import Sentence
from sealkeeper.reader.extract import age_on
from sealkeeper.reader.facts import BUNDLE_KINDS
from sealkeeper.reader.render import Style, render_document
from sealkeeper.services import reader_models, reader_proposals, sealed_records
from sealkeeper.services.store_access import open_store
from sealkeeper.store.tables import bundles

READER_KINDS = {bundle: reader for reader, bundle in BUNDLE_KINDS.items()}


def _sentence(event: dict[str, Any]) -> Sentence | None:
    if event.get("type") == "non_prosecution":
        return Sentence("non_prosecution")
    raw = event.get("sentence") or {}
    kind = READER_KINDS.get(raw.get("kind", ""))
    if event.get("type") != "conviction" or kind is None:
        return None
    return Sentence(kind, raw.get("months"), bool(raw.get("suspended")), raw.get("probation_months"),
                    raw.get("amount"))  # fmt: skip


def _charge(offence: dict[str, Any]) -> Charge | None:
    statute = (offence.get("offense") or {}).get("statute")
    return next((c for c in CHARGE_TABLE if c.statute == statute), None)


def _judgment(facts: dict[str, Any], record: str, seed: int) -> str | None:
    """A synthetic judgment of the record, or None when the reader knows neither its charge nor its sentence."""
    own = sealed_records.record_facts(json.dumps(facts), record)
    decided: dict[str, Any] = next((e for e in own["events"] if e.get("id") == record), {})
    offences = [e for e in own["events"] if e.get("type") == "offense"]
    sentence = _sentence(decided)
    charge = _charge(offences[0]) if len(offences) == 1 else None
    birth = own["person"].get("birth_date")
    if sentence is None or charge is None or not birth or not decided.get("date"):
        return None
    rng = np.random.default_rng(seed)
    born, committed = dt.date.fromisoformat(birth), dt.date.fromisoformat(offences[0]["date"])
    juvenile = age_on(born, committed) < 18
    return render_document(rng, Style.draw(rng), agency=0, charge=charge, sentence=sentence, offence=committed,
                           decided=dt.date.fromisoformat(decided["date"]), birth=born, juvenile=juvenile)  # fmt: skip


def propose_for_one(settings: Settings, candidates: list[str], seed: int, at: dt.datetime) -> str | None:
    """Train the demo's reader and attach its proposal for the first of ``candidates`` (sealing case ids) the
    reader can write a judgment of; that case id, or None when none fits."""
    with open_store(settings).connect() as conn:
        for case_id in candidates:
            found = sealed_records.target(conn, case_id)
            if found is None or found.jurisdiction != "CN":
                continue
            facts = json.loads(conn.execute(sa.select(bundles.c.facts).where(bundles.c.id == found.bundle))
                               .scalar_one())  # fmt: skip
            if (text := _judgment(facts, found.record, seed)) is not None:
                break
        else:
            return None
    report = reader_models.train(settings, seed=seed, agencies=3, per_agency=150, today=at.date())
    assert report.version is not None  # noqa: S101 - kept: train saves a version unless told not to
    model, _ = reader_models.load(settings, report.version)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo-judgments.jsonl"
        line = {"bundle": found.bundle, "record": found.record, "text": text}
        path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
        reader_proposals.attach(settings, path, reader_proposals.read_texts(path), model=model,
                                model_version=report.version, today=at.date())  # fmt: skip
    return case_id
