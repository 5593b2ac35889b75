"""A deterministic generator of a synthetic Chinese (CN) population of record bundles, format v1.

``generate(people, seed)`` yields one bundle per person (shared/cases/README.md): ``SY-0000001`` …,
with ``expected`` set to needs_review (the schema requires it; no outcome is computed here). No names,
no ID numbers.
Everything comes from one ``random.Random(seed)`` drawn in a fixed order, so the same (people, seed, as_of)
gives identical bundles, and a smaller run is a prefix of a larger one.

Assumptions (all figures APPROXIMATE, from memory of SPC work reports and 中国法律年鉴 tables; the offence
and sentence mix is in ``catalog.py``):

* 70% of people have a criminal case, 30% only administrative (治安) penalties; 18% of the former also have
  治安 penalties. 12% of 治安 penalties are road-traffic ones (道路交通安全法第91条: 饮酒/醉酒驾驶; drunk
  driving became a crime on 2011-05-01). Statute "治安管理处罚法（2025年修订）" from 2026-01-01.
* Offence dates 2010-01-01 .. as_of, density rising ~2.3x towards as_of (case numbers grew). Adults are 18-68 at the
  first offence (mode ~27); 4.5% of offenders start as juveniles (mode ~17), 14-15-year-olds only for the
  gravest crimes (刑法第17条); 15% of these have offences straddling the 18th birthday, judged in one
  conviction, with ``flags.main_conduct_before_18`` in 60% of them. Age counts from the day after the
  birthday (SPC 2006 解释 Art. 2): no offence falls on or before the 14th birthday, the adult offence of a
  straddle falls after the 18th, and nobody is born on 29 February, so ages are never ambiguous.
* Dispositions: adults 11% 不起诉 (discretionary 75%, evidentiary 15%, statutory 10%), 2.5% 撤案, 0.1%
  acquittal; juveniles 30% 不起诉 (附条件不起诉 only for minors, CPL Art. 282), 3% 撤案.
* Sentences: see catalog.PROFILES; 缓刑 only for 拘役 or ≤ 3 years (刑法第72条), probation ≥ term, 拘役
  2-12 months, fixed term 12-60 months (刑法第73条); juvenile terms reduced by a quarter (刑法第17条).
* 13% re-offend (20% of juveniles), 30% of those again; a new crime within probation revokes it (刑法第77条);
  3% of other probations are revoked for violations. ``sentence_completed`` = judgment day (or
  revocation day) + term, ``probation_completed`` = judgment day + probation, when ≤ as_of; 85% of
  fine-only sentences get ``fine_paid``. ~1% of unsuspended fixed terms ≥ 12 months get a retrial.
* 8% of juveniles with an unsuspended 12-48-month term get a 漏罪 conviction during execution (刑法第70条)
  naming the discovered offence and the first one, months = the decided combined term (as CN-10).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from bisect import bisect
from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import IO, Literal

from sealkeeper.synth import catalog as cat
from sealkeeper.synth.identity import identity

_LO = dt.date(2010, 1, 1).toordinal()
_Y = 365.25
_NP_KINDS = ("discretionary", "evidentiary", "statutory", "conditional")
_NP_ADULT, _NP_JUVENILE = (0.75, 0.9, 1.0, 1.0), (0.35, 0.42, 0.45, 1.0)
_NO_COND = frozenset(("robbery", "sexual", "homicide", "drugs", "vice", "state", "terror"))
_REASON = "synthetic record; outcome not given"
_EXPECTED = {"status": "needs_review", "date": None, "citation": "synthetic", "reason": _REASON}
_ISO: dict[int, str] = {}
_BY_DAY = attrgetter("day")
_ri, _tri = cat.ri, cat.tri
_DAY = dt.timedelta(days=1)
_EIDS = tuple(f"e{i}" for i in range(100))


def _iso(day: int) -> str:
    text = _ISO.get(day)
    if text is None:
        text = _ISO[day] = dt.date.fromordinal(day).isoformat()
    return text


class _Ev:
    """An event: ``d`` is its bundle dict, with ``id`` and the references filled in by _bundle."""

    __slots__ = ("conv", "d", "day", "refs", "type")

    def __init__(
        self,
        day: int,
        type_: str,
        data: dict[str, object] | None = None,
        refs: list[_Ev] | None = None,
        conv: _Ev | None = None,
    ) -> None:
        self.day, self.type, self.refs, self.conv = day, type_, refs, conv
        d: dict[str, object] = {"id": "", "type": type_, "date": _ISO.get(day) or _iso(day)}
        if refs is not None:
            d["offense_ids"] = None
        elif conv is not None:
            d["conviction_id"] = None
        if data is not None:
            d.update(data)
        self.d = d


class _Case:
    __slots__ = ("disp", "offs", "retrial", "sentence", "start", "superseded")

    def __init__(self, offs: list[_Ev], disp: _Ev, sentence: dict[str, object] | None) -> None:
        self.offs, self.disp, self.sentence, self.start = offs, disp, sentence, disp.day
        self.retrial: _Ev | None = None
        self.superseded = False


class _P:
    """One person being generated."""

    __slots__ = ("as_of", "b16", "b18", "birth", "cases", "evs", "hi", "lo", "rng")

    def __init__(self, rng: random.Random, as_of: int, lo: int) -> None:
        self.rng, self.as_of, self.lo, self.hi = rng, as_of, lo, as_of - 45
        self.birth = dt.date(2000, 1, 1)
        self.b16 = self.b18 = 0  # 16th and 18th birthdays (ordinal days), set by _birth
        self.evs: list[_Ev] = []
        self.cases: list[_Case] = []

    def add(self, ev: _Ev) -> _Ev:
        self.evs.append(ev)
        return ev

    def bday(self, years: int) -> int:
        b = self.birth
        return dt.date(b.year + years, b.month, b.day).toordinal()


def _draw_day(rng: random.Random, lo: int, hi: int) -> int:
    """A day in lo..hi, density rising linearly to 2.3 times as high at hi (more cases in later years)."""
    u = rng.random()
    return lo + int((u if rng.random() < 0.6 else u**0.5) * (hi - lo))


def _birth(p: _P, day: int, ages: tuple[float, float, float], limits: tuple[int, int | None]) -> None:
    """Birth date so that min_age ≤ age < max_age on ``day`` (never on a birthday, never on 29 February).

    ``ages`` = (lo, hi, mode) in days of a triangular draw; ``limits`` = (min_age, max_age) in years.
    """
    min_age, max_age = limits
    d = dt.date.fromordinal(day)
    too_young = (d.year - min_age, d.month, d.day)  # born on or after this: not yet min_age on ``day``
    too_old = (d.year - max_age, d.month, d.day) if max_age is not None else (0, 0, 0)
    b = dt.date.fromordinal(day - int(_tri(p.rng, *ages)))
    step = -1
    while True:
        if b.month == 2 and b.day == 29:
            b += dt.timedelta(days=step)
        elif too_young <= (b.year, b.month, b.day):
            step, b = -1, b - _DAY
        elif too_old >= (b.year, b.month, b.day):
            step, b = 1, b + _DAY
        else:
            break
    p.birth = b
    p.b16, p.b18 = p.bday(16), p.bday(18)


def _crime(p: _P, day: int) -> cat.Crime:
    rng = p.rng
    if day > p.b18:  # age counts from the day after the birthday (SPC 2006 解释 Art. 2)
        return cat.CRIMES[cat.pick(rng, cat.ADULT_CUM[bisect(cat.ERA_STARTS, day)])]
    crimes, cum = cat.JUV16 if day > p.b16 else cat.JUV14
    crime = crimes[cat.pick(rng, cum)]
    return crime if crime.valid_from <= day else cat.THEFT


def _case(p: _P, day: int, straddle: bool) -> _Case:
    rng, days = p.rng, [day]
    if straddle:
        if rng.random() < 0.3 and p.b18 - day > 2:
            days.append(_ri(rng, day + 1, p.b18 - 1))
        days.append(min(p.b18 + _ri(rng, 1, 300), p.hi))
    elif rng.random() < 0.07:
        days.append(min(day + _ri(rng, 1, 120), p.hi))
    crimes = [_crime(p, days[0])]
    for d in days[1:]:
        crimes.append(crimes[0] if straddle and d > p.b18 and rng.random() < 0.5 else _crime(p, d))
    offs = [
        _Ev(d, "offense", {"offense": {"name": c.name, "statute": c.statute}})
        for d, c in zip(days, crimes, strict=True)
    ]
    p.evs.extend(offs)
    adult = [d > p.b18 for d in days]
    juv_any, juv_all = not all(adult), not any(adult)
    room, r = p.as_of - days[-1], rng.random()
    prof = cat.PROFILES[crimes[0].profile]
    if not straddle and r < (0.30 if juv_all else 0.11):
        cond = juv_all and crimes[0].profile not in _NO_COND  # 附条件不起诉: minors only (CPL Art. 282)
        kind = _NP_KINDS[cat.pick(rng, _NP_JUVENILE if cond else _NP_ADULT)]
        lag = _ri(rng, min(60, room), min(300, room))
        disp = _Ev(days[-1] + lag, "non_prosecution", {"kind": kind}, offs)
        return _Case(offs, p.add(disp), None)
    if not straddle and r < (0.331 if juv_all else 0.136):
        withdrawn = r < (0.33 if juv_all else 0.135)
        lo, hi = (20, 200) if withdrawn else (180, 540)
        disp = _Ev(
            days[-1] + _ri(rng, min(lo, room), min(hi, room)),
            "case_withdrawn" if withdrawn else "acquittal",
            None,
            offs,
        )
        return _Case(offs, p.add(disp), None)
    sentence = cat.sentence(rng, prof, juv_any)
    data: dict[str, object] = {"sentence": sentence}
    if juv_any and not juv_all and rng.random() < 0.6:
        data["flags"] = {"main_conduct_before_18": rng.random() < 0.5}
    lag = _ri(rng, min(prof.lag_lo, room), min(prof.lag_hi, room))
    disp = _Ev(days[-1] + lag, "conviction", data, offs)
    case = _Case(offs, p.add(disp), sentence)
    months = cat.months_of(sentence)
    if sentence["kind"] == cat.FT and months >= 12 and "suspended" not in sentence and rng.random() < 0.01:
        end = min(cat.add_months(disp.day, months) - 1, disp.day + 900, p.as_of)
        if end > disp.day + 90:
            new = {"kind": cat.FT, "months": max(6, months + rng.choice((-24, -12, -6, 6, 12)))}
            retrial = _Ev(_ri(rng, disp.day + 90, end), "retrial", {"sentence": new}, conv=disp)
            case.retrial = p.add(retrial)
            case.sentence = new
    return case


def _omitted_crime(p: _P, case: _Case) -> _Case | None:
    """A 漏罪 committed as a minor, found while the first sentence is served (刑法第70条; case CN-10)."""
    rng, first, c1, s = p.rng, case.offs[0], case.disp, case.sentence
    months = cat.months_of(s) if s is not None and s["kind"] == cat.FT and "suspended" not in s else 0
    if case.retrial is not None or not 12 <= months <= 48 or rng.random() >= 0.08:
        return None
    last = min(cat.add_months(c1.day, months) - 1, p.as_of)
    lo_b, hi_b = max(p.bday(14) + 1, first.day - 400), min(c1.day - 1, p.b18 - 1)
    if last < c1.day + 90 or hi_b < lo_b:
        return None
    bday = _ri(rng, lo_b, hi_b)
    crime = _crime(p, bday)
    off = p.add(_Ev(bday, "offense", {"offense": {"name": crime.name, "statute": crime.statute}}))
    m_b = _ri(rng, 12, 72)
    combined = min(240, max(months, m_b) + int(min(months, m_b) * rng.uniform(0.3, 0.8)))
    sentence: dict[str, object] = {"kind": cat.FT, "months": combined}
    refs = sorted([off, first], key=_BY_DAY)
    note = "漏罪 found during execution; combined under 刑法第70条; months = 决定执行 term"
    c2 = p.add(_Ev(_ri(rng, c1.day + 90, last), "conviction", {"sentence": sentence, "note": note}, refs))
    case.superseded = True
    new = _Case(refs, c2, sentence)
    new.start = c1.day
    return new


def _criminal(p: _P) -> None:
    rng = p.rng
    juvenile = rng.random() < 0.045
    day = _draw_day(rng, p.lo, p.hi)
    straddle = juvenile and rng.random() < 0.15
    if straddle:
        _birth(p, day, (17 * _Y + 20, 18 * _Y - 5, 18 * _Y - 60), (14, 18))
        straddle = p.b18 < p.hi
    elif juvenile:
        _birth(p, day, (14 * _Y + 3, 18 * _Y - 3, 17 * _Y), (14, 18))
    else:
        _birth(p, day, (18 * _Y + 3, 68 * _Y, 27 * _Y), (18, None))
    p_next = 0.20 if juvenile else 0.13
    while len(p.cases) < 4:
        case = _case(p, day, straddle)
        straddle = False
        p.cases.append(case)
        s, free = case.sentence, case.disp.day
        if juvenile and len(p.cases) == 1 and (extra := _omitted_crime(p, case)) is not None:
            p.cases.append(extra)
            case, s = extra, extra.sentence
        if s is not None and s["kind"] == "life":
            break
        if s is not None and s["kind"] in cat.TERMS and "suspended" not in s:
            free = cat.add_months(case.start, cat.months_of(s))
        if rng.random() >= p_next:
            break
        p_next = 0.3
        day = free + int(_tri(rng, 30, 2500, 300))
        if day > p.hi:
            break
    _completions(p)
    if rng.random() < 0.18:
        first = max(p.lo, p.b16 + 1)
        for _ in range(1 if rng.random() < 0.8 else 2):
            if first <= p.as_of:
                _admin(p, _ri(rng, first, p.as_of))


def _completions(p: _P) -> None:
    rng, as_of = p.rng, p.as_of
    for i, case in enumerate(p.cases):
        s, conv = case.sentence, case.disp
        if s is None or case.superseded:
            continue
        kind, months = s["kind"], cat.months_of(s)
        if kind in cat.TERMS and s.get("suspended"):
            pend = cat.add_months(case.start, cat.months_of(s, "probation_months"))
            revoked = next(
                (c.disp.day for c in p.cases[i + 1 :] if c.disp.type == "conviction" and c.offs[0].day < pend), None
            )
            if revoked is not None:
                p.add(_Ev(revoked, "probation_revoked", conv=conv))
            elif rng.random() < 0.03:
                rday = _ri(rng, case.start + 30, max(case.start + 31, pend - 1))
                if rday <= as_of:
                    p.add(_Ev(rday, "probation_revoked", conv=conv))
                    if (end := cat.add_months(rday, months)) <= as_of:
                        p.add(_Ev(end, "sentence_completed", conv=conv))
            elif pend <= as_of:
                p.add(_Ev(pend, "probation_completed", conv=conv))
        elif kind in cat.TERMS:
            end = cat.add_months(case.start, months)
            if case.retrial is not None:
                end = max(end, case.retrial.day)
            if end <= as_of:
                p.add(_Ev(end, "sentence_completed", conv=conv))
        elif kind == "fine" and rng.random() < 0.85 and (paid := case.start + _ri(rng, 0, 90)) <= as_of:
            p.add(_Ev(paid, "fine_paid", conv=conv))


def _admin(p: _P, day: int) -> None:
    name, statute, penalty = cat.admin_penalty(p.rng, day)
    p.add(_Ev(day, "admin_penalty", {"offense": {"name": name, "statute": statute}, "penalty": penalty}))


def _admin_only(p: _P) -> None:
    rng = p.rng
    day = _draw_day(rng, p.lo, p.as_of)
    _birth(p, day, (16 * _Y + 3, 70 * _Y, 28 * _Y), (14, None))
    r = rng.random()
    for _ in range(1 + (r < 0.2) + (r < 0.05)):
        if day > p.as_of:
            break
        _admin(p, day)
        day += _ri(rng, 60, 2000)


def _bundle(p: _P, number: int, as_of: str, identity_seed: int | None = None) -> dict[str, object]:
    evs = p.evs
    evs.sort(key=_BY_DAY)
    out: list[dict[str, object]] = []
    for i, ev in enumerate(evs, 1):
        d = ev.d
        d["id"] = _EIDS[i] if i < 100 else f"e{i}"
        out.append(d)
    for ev in evs:
        if ev.refs is not None:
            ev.d["offense_ids"] = [r.d["id"] for r in ev.refs]
        elif ev.conv is not None:
            ev.d["conviction_id"] = ev.conv.d["id"]
    person = {"birth_date": p.birth.isoformat()}
    if identity_seed is not None:
        person |= identity(identity_seed, number, p.birth)
    head = {"id": f"SY-{number:07d}", "jurisdiction": "CN", "as_of": as_of, "person": person, "events": out}
    return head | {"expected": _EXPECTED.copy(), "interpretive": False}


def generate(
    people: int, seed: int, *, as_of: dt.date = dt.date(2026, 6, 30), identities: bool = False
) -> Iterator[dict[str, object]]:
    """Yield ``people`` synthetic CN record bundles (format v1), deterministic in (people, seed, as_of).

    With ``identities`` each person also gets a synthetic name, resident ID number and address.
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    end = as_of.toordinal()
    lo = min(_LO, end - 1500)
    as_of_iso = as_of.isoformat()
    for number in range(1, people + 1):
        p = _P(rng, end, lo)
        if rng.random() < 0.30:
            _admin_only(p)
        else:
            _criminal(p)
        yield _bundle(p, number, as_of_iso, seed if identities else None)


def write_bundles(bundles: Iterable[dict[str, object]], out: IO[str], fmt: Literal["jsonl", "json"] = "jsonl") -> int:
    """Write bundles as JSON Lines (one per line) or as one JSON array; returns how many were written."""
    count = 0
    if fmt == "jsonl":
        for bundle in bundles:
            out.write(json.dumps(bundle, ensure_ascii=False))
            out.write("\n")
            count += 1
        return count
    if fmt != "json":
        raise ValueError(f"unknown format {fmt!r}; expected 'jsonl' or 'json'")
    out.write("[")
    for bundle in bundles:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(bundle, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
