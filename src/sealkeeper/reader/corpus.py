"""A synthetic corpus of Chinese criminal judgments (刑事判决书) and non-prosecution decisions (不起诉决定书).

Real judgments are never shipped: every text here is generated, names are the published style's 张某 / 李某某
and no text holds an ID number. Deterministic for a seed: agency ``i``'s documents depend on (seed, i) only,
so the first three agencies of a five-agency corpus are those of a three-agency one.

Non-IID by design (the point of federating): each agency has its own mix of charges (a few frequent, some
nearly absent), its own phrasing (which fact patterns it uses, Chinese or Arabic numerals), its own share of
non-prosecution decisions and of juvenile offenders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sealkeeper.reader.charges import BY_CODE, CHARGE_TABLE, CHARGES, Charge
from sealkeeper.reader.render import Style, render_document

__all__ = ["CHARGES", "AgencyData", "Judgment", "Sentence", "make_corpus", "make_documents"]

KINDS = ("detention", "fixed_term", "surveillance", "fine_only", "exempt", "non_prosecution")
TERM_KINDS = frozenset({"detention", "fixed_term", "surveillance"})


@dataclass(frozen=True)
class Sentence:
    """What a document decides: the kind, the term in months, 缓刑 and its 考验期, and the 罚金 in yuan."""

    kind: str  # one of KINDS
    months: int | None = None
    suspended: bool = False
    probation_months: int | None = None
    fine_yuan: int | None = None


@dataclass(frozen=True)
class Judgment:
    text: str
    charge: str  # one of CHARGES
    article: str  # 刑法第一百三十三条之一
    sentence: Sentence
    offence_date: dt.date
    judgment_date: dt.date
    juvenile: bool  # under 18 on the offence date
    birth_date: dt.date


@dataclass(frozen=True)
class AgencyData:
    name: str
    train: tuple[Judgment, ...]
    test: tuple[Judgment, ...]


@dataclass(frozen=True)
class Mix:
    """One agency's distributions."""

    charges: np.ndarray  # weight per charge, in CHARGES order
    non_prosecution: float  # multiplier on the charge's non-prosecution weight
    juvenile: float  # share of offenders under 18
    style: Style


def _sentence(rng: np.random.Generator, charge: Charge, mix: Mix, juvenile: bool) -> Sentence:
    kinds = [k for k, _ in charge.kinds]
    weights = np.array([w * (mix.non_prosecution if k == "non_prosecution" else 1.0) for k, w in charge.kinds])
    if juvenile:
        weights = weights * np.array([2.0 if k in ("non_prosecution", "exempt") else 1.0 for k in kinds])
    kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
    if kind in ("non_prosecution", "exempt"):
        return Sentence(kind)
    lo, hi = charge.fine_range
    fine = int(rng.integers(lo // 500, hi // 500 + 1)) * 500 if rng.random() < charge.fine else None
    if kind == "fine_only":
        return Sentence(kind, fine_yuan=int(rng.integers(max(lo, 1000) // 500, hi // 500 + 1)) * 500)
    if kind == "detention":
        months = int(rng.integers(1, 7))
    elif kind == "surveillance":
        months = int(rng.choice([3, 4, 6, 8, 10, 12, 18, 24]))
    else:
        months = int(rng.choice([6, 7, 8, 9, 10, 12, 14, 15, 18, 20, 24, 30, 36]))
        months = min(months, charge.max_months)
    suspended = kind != "surveillance" and rng.random() < (0.6 if juvenile else 0.35)
    probation = None
    if suspended:
        floor = max(months, 2 if kind == "detention" else 12)
        choices = (2, 3, 4, 6, 8, 10, 12) if kind == "detention" else (12, 18, 24, 36, 48, 60)
        probation = int(rng.choice([m for m in choices if m >= floor]))
    return Sentence(kind, months, suspended, probation, fine)


def _mix(rng: np.random.Generator) -> Mix:
    weights = rng.dirichlet(np.full(len(CHARGES), 0.35)) + 0.004
    return Mix(
        charges=weights / weights.sum(),
        non_prosecution=float(rng.choice([0.3, 1.0, 2.5])),
        juvenile=float(rng.choice([0.03, 0.08, 0.35])),
        style=Style.draw(rng),
    )


def _document(rng: np.random.Generator, mix: Mix, agency: int) -> Judgment:
    charge = CHARGE_TABLE[int(rng.choice(len(CHARGES), p=mix.charges))]
    juvenile = rng.random() < mix.juvenile
    offence = dt.date(2016, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 9)))
    age_days = int(rng.integers(14 * 366 + 30, 18 * 365 - 2)) if juvenile else int(rng.integers(18 * 366, 60 * 365))
    birth = offence - dt.timedelta(days=age_days)
    juvenile = (offence.year - birth.year - ((offence.month, offence.day) < (birth.month, birth.day))) < 18
    sentence = _sentence(rng, charge, mix, juvenile)
    decided = offence + dt.timedelta(days=int(rng.integers(40, 300)))
    text = render_document(
        rng,
        mix.style,
        agency=agency,
        charge=charge,
        sentence=sentence,
        offence=offence,
        decided=decided,
        birth=birth,
        juvenile=juvenile,
    )
    return Judgment(text, charge.code, charge.article, sentence, offence, decided, juvenile, birth)


def make_documents(*, seed: int, agency: int, count: int) -> list[Judgment]:
    """``count`` documents of agency ``agency`` (its mix and style drawn from (seed, agency))."""
    rng = np.random.default_rng([seed, agency])
    mix = _mix(rng)
    return [_document(rng, mix, agency) for _ in range(count)]


def make_corpus(*, seed: int, agencies: int, per_agency: int = 400, test_share: float = 0.25) -> list[AgencyData]:
    """``agencies`` agencies of ``per_agency`` documents each, split into train and held-out test."""
    if agencies < 1 or per_agency < 2 or not 0 < test_share < 1:
        raise ValueError("need at least one agency, two documents each, and a test share strictly between 0 and 1")
    out: list[AgencyData] = []
    for i in range(agencies):
        docs = make_documents(seed=seed, agency=i, count=per_agency)
        cut = max(1, min(per_agency - 1, round(per_agency * (1 - test_share))))
        out.append(AgencyData(f"agency-{i + 1}", tuple(docs[:cut]), tuple(docs[cut:])))
    return out


def pooled(agencies: Sequence[AgencyData], part: str = "train") -> list[Judgment]:
    """Every agency's ``train`` (or ``test``) documents together."""
    return [doc for a in agencies for doc in getattr(a, part)]


def charge_of(code: str) -> Charge:
    return BY_CODE[code]
