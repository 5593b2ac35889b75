"""Shared set-up of the reader's integration tests: a small trained model in the home and a judgment text that
agrees with ``conftest.person_bundle`` (theft, criminal detention 3 months, 2020-01-10 / 2020-05-01, born 1990)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np

from sealkeeper.config import Settings
from sealkeeper.reader.charges import BY_CODE
from sealkeeper.reader.corpus import Sentence
from sealkeeper.reader.render import Style, render_document
from sealkeeper.services import reader_models

TRAINED_ON = dt.date(2026, 6, 1)


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
