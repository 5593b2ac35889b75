"""Shared set-up of the reader's integration tests: a small trained model in the home and a judgment text that
agrees with ``conftest.person_bundle`` (theft, criminal detention 3 months, 2020-01-10 / 2020-05-01, born 1990),
or one that differs from it only in the date of birth (2003: 16 at the offence); a stored record with its sealing
case and the reader's proposal for it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from conftest import person_bundle, write_jsonl

from sealkeeper.config import Settings
from sealkeeper.reader.charges import BY_CODE
from sealkeeper.reader.corpus import Sentence
from sealkeeper.reader.render import Style, render_document
from sealkeeper.services import reader_models, reader_proposals, sealing_runs
from sealkeeper.services.importing import import_file
from sealkeeper.services.store_access import open_store
from sealkeeper.store.procedure_tables import cases

TRAINED_ON = dt.date(2026, 6, 1)
JUVENILE_BIRTH = "2003-03-01"  # 16 on the offence day, 2020-01-10


def train_small(home: Settings) -> int:
    report = reader_models.train(home, seed=5, agencies=3, per_agency=150, today=TRAINED_ON)
    assert report.version is not None
    return report.version


def theft_judgment(seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    return render_document(rng, Style.draw(rng), agency=0, charge=BY_CODE["theft"], sentence=Sentence("detention", 3),
                           offence=dt.date(2020, 1, 10), decided=dt.date(2020, 5, 1), birth=dt.date(1990, 1, 1),
                           juvenile=False)  # fmt: skip


def write_texts(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def juvenile_judgment() -> str:
    """The judgment of ``person_bundle``'s theft, for a person born in 2003 (the record says 1990)."""
    rng = np.random.default_rng(3)
    return render_document(rng, Style.draw(rng), agency=0, charge=BY_CODE["theft"], sentence=Sentence("detention", 3),
                           offence=dt.date(2020, 1, 10), decided=dt.date(2020, 5, 1),
                           birth=dt.date.fromisoformat(JUVENILE_BIRTH), juvenile=True)  # fmt: skip


def case_with_proposal(
    home: Settings, tmp_path: Path, text: str, at: dt.datetime, *, with_id_number: bool = False
) -> str:
    """``person_bundle(1)`` stored (without its ID number unless asked), its sealing case opened by the run on
    ``at``, and the reader's proposal for ``text`` attached; the case id."""
    version = train_small(home)
    bundle = person_bundle(1)
    if not with_id_number:
        del bundle["person"]["id_number"]
    import_file(home, write_jsonl(tmp_path / "b.jsonl", [bundle]), at.date(), at.date())
    sealing_runs.run(home, at.date(), at)
    texts = write_texts(tmp_path / "t.jsonl", [{"bundle": "IT-0001", "text": text}])
    model, _ = reader_models.load(home, version)
    reader_proposals.attach(home, texts, reader_proposals.read_texts(texts), model=model, model_version=version,
                            today=at.date())  # fmt: skip
    with open_store(home).connect() as conn:
        return str(conn.execute(sa.select(cases.c.case_id).where(cases.c.procedure == "sealing")).scalar_one())
