"""Offence, sentence and administrative-penalty mix tables for the synthetic CN population, with the
single draws from them (a sentence, an admin penalty, an amount) and sentence date arithmetic.

All weights are APPROXIMATE, set from memory of published figures, and are meant to give a plausible
shape, not statistics: Supreme People's Court work reports to the NPC (2012-2025), the SPC's yearly
"司法统计" tables as reprinted in 中国法律年鉴, and press summaries of them. The figures relied on:

* ~1.0 million people convicted a year around 2010, ~1.5-1.7 million since 2019 (approx.).
* 危险驾驶罪 (刑法第133条之一, a crime from 2011-05-01, Amendment VIII) overtook 盗窃罪 around 2019 as the
  most frequent crime; roughly 25-30% of convictions since then, 拘役 1-6 months plus 罚金 (approx.).
* 盗窃罪 was first before 2019 (~20-25%), ~15% since (approx.).
* 帮助信息网络犯罪活动罪 (刑法第287条之二, from 2015-11-01, Amendment IX) rose to third place in 2021-2022
  in the "断卡" campaign (approx.).
* Drug crimes fell after ~2015; 掩饰、隐瞒犯罪所得罪 rose with telecom fraud (approx.).
* Roughly 80%+ of sentences are 3 years or less; 缓刑 in roughly a third of cases (approx.).
* Juvenile offenders are ~2-3% of convicts; 14-15-year-olds answer only for the gravest crimes
  (刑法第17条第2款), 16-17-year-olds for all; the juvenile mix is led by 盗窃, 抢劫, 故意伤害, 聚众斗殴,
  寻衅滋事, 强奸 (approx.).
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from math import sqrt
from typing import NamedTuple

# Eras (first day of each): before Amendment VIII, before Amendment IX, 2015-11 .. 2018, 2019-2020, 2021 on.
ERA_STARTS: tuple[int, ...] = tuple(
    dt.date(*ymd).toordinal() for ymd in ((2011, 5, 1), (2015, 11, 1), (2019, 1, 1), (2021, 1, 1))
)


class Tier(NamedTuple):
    """One band of a sentence profile: weight, sentence kind, months lo..hi with a mode."""

    weight: float
    kind: str
    lo: int
    hi: int
    mode: float


class Profile(NamedTuple):
    """How one family of crimes is sentenced and how long the case takes (offence to effective judgment)."""

    tiers: tuple[Tier, ...]
    p_suspend: float  # probability of 缓刑 where lawful (拘役 or fixed term ≤ 3 years, 刑法第72条)
    p_fine: float  # probability of an accompanying 罚金 (the amount field)
    fine_lo: int
    fine_hi: int
    lag_lo: int  # days from the last offence to the effective judgment
    lag_hi: int


def _p(
    tiers: list[tuple[float, str, int, int, float]], sus: float, fine: tuple[float, int, int], lag: tuple[int, int]
) -> Profile:
    return Profile(tuple(Tier(*t) for t in tiers), sus, fine[0], fine[1], fine[2], lag[0], lag[1])


FT, CD, PS = "fixed_term", "criminal_detention", "public_surveillance"
TERMS = frozenset((FT, CD, PS))
PROFILES: dict[str, Profile] = {
    "dui": _p([(0.94, CD, 1, 6, 1.5), (0.06, "exempt", 0, 0, 0)], 0.35, (1.0, 1000, 20000), (30, 150)),
    "theft": _p(
        [
            (0.02, "exempt", 0, 0, 0),
            (0.08, "fine", 0, 0, 0),
            (0.02, PS, 3, 24, 6),
            (0.25, CD, 1, 6, 4),
            (0.55, FT, 6, 36, 8),
            (0.08, FT, 37, 120, 40),
        ],
        0.35,
        (0.95, 1000, 50000),
        (60, 300),
    ),
    "fraud": _p(
        [(0.10, CD, 1, 6, 5), (0.60, FT, 6, 36, 12), (0.25, FT, 37, 120, 48), (0.05, FT, 121, 180, 130)],
        0.30,
        (0.95, 2000, 200000),
        (90, 420),
    ),
    "helping": _p(
        [(0.02, "fine", 0, 0, 0), (0.20, CD, 2, 6, 5), (0.78, FT, 6, 36, 8)], 0.40, (0.95, 1000, 20000), (60, 300)
    ),
    "violence": _p(
        [
            (0.02, PS, 3, 24, 8),
            (0.18, CD, 2, 6, 5),
            (0.62, FT, 6, 36, 12),
            (0.15, FT, 37, 120, 42),
            (0.03, FT, 121, 180, 126),
        ],
        0.35,
        (0.1, 1000, 10000),
        (60, 300),
    ),
    "drugs": _p(
        [
            (0.05, CD, 3, 6, 6),
            (0.55, FT, 6, 36, 10),
            (0.28, FT, 37, 120, 60),
            (0.10, FT, 121, 180, 150),
            (0.02, "life", 0, 0, 0),
        ],
        0.05,
        (0.98, 1000, 100000),
        (90, 360),
    ),
    "robbery": _p(
        [(0.15, FT, 12, 35, 24), (0.65, FT, 36, 120, 42), (0.18, FT, 121, 180, 126), (0.02, "life", 0, 0, 0)],
        0.10,
        (0.95, 1000, 20000),
        (90, 360),
    ),
    "sexual": _p(
        [(0.10, FT, 12, 35, 30), (0.75, FT, 36, 120, 48), (0.15, FT, 121, 180, 130)], 0.03, (0.0, 0, 0), (90, 360)
    ),
    "vice": _p(
        [(0.10, FT, 36, 59, 40), (0.60, FT, 60, 120, 66), (0.30, FT, 121, 180, 130)],
        0.0,
        (0.98, 10000, 200000),
        (120, 420),
    ),
    "homicide": _p(
        [(0.20, FT, 36, 120, 96), (0.65, FT, 121, 180, 160), (0.15, "life", 0, 0, 0)], 0.0, (0.0, 0, 0), (150, 540)
    ),
    "economic": _p(
        [(0.10, CD, 3, 6, 6), (0.60, FT, 12, 36, 24), (0.25, FT, 37, 120, 48), (0.05, FT, 121, 180, 130)],
        0.40,
        (0.90, 10000, 500000),
        (150, 540),
    ),
    "corruption": _p(
        [
            (0.05, "exempt", 0, 0, 0),
            (0.45, FT, 12, 36, 30),
            (0.35, FT, 37, 120, 60),
            (0.13, FT, 121, 180, 132),
            (0.02, "life", 0, 0, 0),
        ],
        0.35,
        (0.99, 100000, 2000000),
        (180, 540),
    ),
    "traffic": _p([(0.10, CD, 3, 6, 6), (0.80, FT, 6, 36, 12), (0.10, FT, 37, 84, 42)], 0.70, (0.0, 0, 0), (60, 300)),
    "gambling": _p(
        [(0.05, "fine", 0, 0, 0), (0.10, CD, 3, 6, 6), (0.55, FT, 6, 36, 18), (0.30, FT, 37, 120, 48)],
        0.35,
        (0.95, 5000, 200000),
        (90, 360),
    ),
    "laundering": _p(
        [(0.02, "fine", 0, 0, 0), (0.20, CD, 2, 6, 5), (0.70, FT, 6, 36, 10), (0.08, FT, 37, 84, 42)],
        0.45,
        (0.95, 2000, 50000),
        (60, 300),
    ),
    "minor": _p(
        [
            (0.03, "exempt", 0, 0, 0),
            (0.08, "fine", 0, 0, 0),
            (0.04, PS, 3, 24, 6),
            (0.30, CD, 1, 6, 4),
            (0.55, FT, 6, 36, 10),
        ],
        0.40,
        (0.5, 1000, 30000),
        (60, 300),
    ),
    "state": _p([(0.60, FT, 36, 120, 60), (0.40, FT, 121, 180, 130)], 0.0, (0.0, 0, 0), (180, 540)),
    "terror": _p([(0.50, FT, 24, 60, 36), (0.50, FT, 61, 120, 84)], 0.0, (0.9, 10000, 100000), (180, 540)),
}


class Crime(NamedTuple):
    name: str
    statute: str
    profile: str
    valid_from: int  # ordinal day the crime (under this name) came into force
    weights: tuple[float, ...]  # one weight per era (ERA_STARTS)


_OLD = dt.date(1997, 10, 1).toordinal()
_A8 = ERA_STARTS[0]
_A9 = ERA_STARTS[1]


_W = tuple[float, float, float, float, float]


def _c(name: str, art: str, prof: str, w: _W, since: int = _OLD) -> Crime:
    num, _, suffix = art.partition("之")
    return Crime(name, f"刑法第{num}条" + (f"之{suffix}" if suffix else ""), prof, since, w)


CRIMES: tuple[Crime, ...] = (
    _c("危险驾驶罪", "133之一", "dui", (0, 10, 17, 26, 28), _A8),
    _c("盗窃罪", "264", "theft", (24, 22, 20, 17, 14)),
    _c("诈骗罪", "266", "fraud", (4, 4, 5, 6, 7)),
    _c("帮助信息网络犯罪活动罪", "287之二", "helping", (0, 0, 0.3, 2, 8), _A9),
    _c("故意伤害罪", "234", "violence", (11, 9, 8, 6, 5)),
    _c("寻衅滋事罪", "293", "violence", (3, 4, 4, 4, 3.5)),
    _c("开设赌场罪", "303", "gambling", (2, 3, 3.5, 4, 3.5)),
    _c("走私、贩卖、运输、制造毒品罪", "347", "drugs", (7, 8, 7, 5, 3.5)),
    _c("非法吸收公众存款罪", "176", "economic", (0.3, 0.8, 1.5, 1.5, 1.2)),
    _c("交通肇事罪", "133", "traffic", (8, 6, 4.5, 3.5, 3)),
    _c("掩饰、隐瞒犯罪所得、犯罪所得收益罪", "312", "laundering", (1, 1.5, 2, 2.5, 4.5)),
    _c("抢劫罪", "263", "robbery", (6, 4, 2.5, 1.5, 1)),
    _c("强奸罪", "236", "sexual", (2, 1.6, 1.4, 1.3, 1.2)),
    _c("组织卖淫罪", "358", "vice", (0.6, 0.6, 0.5, 0.4, 0.3)),
    _c("职务侵占罪", "271", "economic", (1, 1, 1, 1, 1)),
    _c("贪污罪", "382", "corruption", (0.8, 0.8, 0.7, 0.5, 0.4)),
    _c("受贿罪", "385", "corruption", (0.8, 1, 1, 0.8, 0.7)),
    _c("容留他人吸毒罪", "354", "minor", (2, 2.5, 2.5, 2, 1.5)),
    _c("非法持有毒品罪", "348", "minor", (1, 1.2, 1.2, 1, 0.8)),
    _c("故意毁坏财物罪", "275", "minor", (1, 1, 1, 1, 1)),
    _c("妨害公务罪", "277", "minor", (1.5, 2, 2, 1.5, 1)),
    _c("聚众斗殴罪", "292", "violence", (2, 1.5, 1, 0.8, 0.6)),
    _c("非法拘禁罪", "238", "violence", (0.6, 0.6, 0.6, 0.5, 0.4)),
    _c("信用卡诈骗罪", "196", "fraud", (0.8, 1.5, 1.5, 1, 0.6)),
    _c("合同诈骗罪", "224", "fraud", (0.6, 0.6, 0.6, 0.6, 0.5)),
    _c("敲诈勒索罪", "274", "fraud", (0.8, 0.8, 0.8, 0.7, 0.5)),
    _c("侵犯公民个人信息罪", "253之一", "minor", (0, 0, 0.5, 0.8, 0.8), _A9),
    _c("非法经营罪", "225", "economic", (1, 1, 0.8, 0.8, 0.6)),
    _c("拒不支付劳动报酬罪", "276之一", "minor", (0, 0.3, 0.4, 0.3, 0.3), _A8),
    _c("故意杀人罪", "232", "homicide", (0.8, 0.6, 0.4, 0.3, 0.25)),
    _c("重大责任事故罪", "134", "traffic", (0.5, 0.4, 0.4, 0.3, 0.3)),
    _c("生产、销售伪劣产品罪", "140", "economic", (0.3, 0.4, 0.4, 0.3, 0.3)),
    _c("生产、销售有毒、有害食品罪", "144", "economic", (0.1, 0.5, 0.5, 0.4, 0.3)),
    _c("假冒注册商标罪", "213", "economic", (0.2, 0.3, 0.3, 0.3, 0.3)),
    _c("非法狩猎罪", "341", "minor", (0.2, 0.3, 0.3, 0.3, 0.2)),
    _c("滥伐林木罪", "345", "minor", (0.4, 0.4, 0.3, 0.3, 0.2)),
    _c("伪造、变造、买卖国家机关公文、证件、印章罪", "280", "minor", (0.5, 0.5, 0.4, 0.3, 0.3)),
    _c("猥亵儿童罪", "237", "sexual", (0.2, 0.3, 0.4, 0.4, 0.4)),
    _c("抢夺罪", "267", "theft", (1.5, 1, 0.5, 0.3, 0.2)),
    _c("组织、领导传销活动罪", "224之一", "economic", (0.2, 0.4, 0.5, 0.4, 0.3)),
    _c("走私普通货物、物品罪", "153", "economic", (0.2, 0.3, 0.3, 0.2, 0.2)),
    _c("拒不执行判决、裁定罪", "313", "minor", (0.1, 0.2, 0.5, 0.6, 0.5)),
    _c("颠覆国家政权罪", "105", "state", (0.005, 0.005, 0.005, 0.005, 0.005)),
    _c("帮助恐怖活动罪", "120之一", "terror", (0.01, 0.01, 0.01, 0.01, 0.01)),
)
_BY_NAME = {c.name: c for c in CRIMES}


def _cum(weights: list[float]) -> tuple[float, ...]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return tuple(out)


# One cumulative-weight table per era for adults; a crime not yet in force in an era has weight 0.
ADULT_CUM: tuple[tuple[float, ...], ...] = tuple(_cum([c.weights[e] for c in CRIMES]) for e in range(5))

# Juveniles aged 16-17 (any crime), and 14-15 (only the gravest crimes of 刑法第17条第2款).
_JUV16 = {
    "盗窃罪": 30,
    "抢劫罪": 12,
    "故意伤害罪": 12,
    "寻衅滋事罪": 10,
    "聚众斗殴罪": 8,
    "强奸罪": 6,
    "诈骗罪": 6,
    "帮助信息网络犯罪活动罪": 5,
    "抢夺罪": 3,
    "敲诈勒索罪": 3,
    "掩饰、隐瞒犯罪所得、犯罪所得收益罪": 3,
    "故意毁坏财物罪": 2,
    "走私、贩卖、运输、制造毒品罪": 2,
    "非法拘禁罪": 1,
    "猥亵儿童罪": 1,
}
_JUV14 = {"抢劫罪": 45, "故意伤害罪": 35, "强奸罪": 12, "走私、贩卖、运输、制造毒品罪": 6, "故意杀人罪": 2}
JUV16: tuple[tuple[Crime, ...], tuple[float, ...]] = (
    tuple(_BY_NAME[n] for n in _JUV16),
    _cum([float(w) for w in _JUV16.values()]),
)
JUV14: tuple[tuple[Crime, ...], tuple[float, ...]] = (
    tuple(_BY_NAME[n] for n in _JUV14),
    _cum([float(w) for w in _JUV14.values()]),
)
THEFT = _BY_NAME["盗窃罪"]

# Administrative (public-security) penalties: name, weight, (p_warning, p_fine, p_detention),
# fine range (CNY), detention days range. 治安管理处罚法 2005 text, revised 2025 (in force 2026-01-01).
ADMIN: tuple[tuple[str, float, tuple[float, float, float], tuple[int, int], tuple[int, int]], ...] = (
    ("殴打他人", 25, (0.05, 0.35, 0.60), (200, 500), (5, 10)),
    ("盗窃", 15, (0.10, 0.35, 0.55), (500, 1000), (5, 10)),
    ("赌博", 15, (0.02, 0.60, 0.38), (500, 3000), (5, 10)),
    ("吸食毒品", 10, (0.0, 0.15, 0.85), (500, 2000), (10, 15)),
    ("卖淫、嫖娼", 8, (0.0, 0.20, 0.80), (500, 5000), (10, 15)),
    ("故意损毁财物", 6, (0.10, 0.45, 0.45), (200, 500), (5, 10)),
    ("寻衅滋事", 6, (0.05, 0.25, 0.70), (500, 1000), (5, 10)),
    ("扰乱单位秩序", 4, (0.40, 0.30, 0.30), (200, 500), (5, 10)),
    ("阻碍执行职务", 3, (0.30, 0.30, 0.40), (200, 500), (5, 10)),
    ("诈骗", 3, (0.05, 0.35, 0.60), (500, 1000), (5, 10)),
)
ADMIN_CUM = _cum([a[1] for a in ADMIN])
ADMIN_NEW_LAW = dt.date(2026, 1, 1).toordinal()


def ri(rng: random.Random, lo: int, hi: int) -> int:
    """A uniform integer in lo..hi (a faster stand-in for ``randint``; deterministic for a seed)."""
    return lo + int(rng.random() * (hi - lo + 1))


def tri(rng: random.Random, lo: float, hi: float, mode: float) -> float:
    """``random.triangular`` without its argument handling (same distribution, fewer steps)."""
    u = rng.random()
    if hi <= lo:
        return lo
    c = (mode - lo) / (hi - lo)
    if u > c:
        return hi + (lo - hi) * sqrt((1.0 - u) * (1.0 - c))
    return lo + (hi - lo) * sqrt(u * c)


def pick(rng: random.Random, cum: tuple[float, ...]) -> int:
    """An index drawn with cumulative weights ``cum`` (as ``random.choices`` does, one draw)."""
    return bisect(cum, rng.random() * cum[-1], 0, len(cum) - 1)


def money(rng: random.Random, lo: int, hi: int) -> int:
    """An amount in CNY, rounded to 100 or 1000, skewed to the low end."""
    step = 1000 if lo >= 1000 else 100
    return max(lo, int(tri(rng, lo, hi, lo + (hi - lo) * 0.1)) // step * step)


def sentence(rng: random.Random, prof: Profile, juvenile: bool) -> dict[str, object]:
    """A sentence drawn from ``prof``; juveniles get a quarter off fixed terms and more 缓刑."""
    r, acc, tier = rng.random(), 0.0, prof.tiers[-1]
    for t in prof.tiers:
        acc += t.weight
        if r < acc:
            tier = t
            break
    kind = tier.kind
    s: dict[str, object] = {"kind": kind}
    months = 0
    if kind in TERMS:
        months = min(int(tri(rng, tier.lo, tier.hi + 1, tier.mode)), tier.hi)
        if juvenile and kind == FT:
            months = max(6, round(months * 0.75))
        s["months"] = months
    if kind == "fine" or (kind not in ("exempt", "life") and prof.fine_hi and rng.random() < prof.p_fine):
        s["amount"] = money(rng, prof.fine_lo or 1000, prof.fine_hi or 20000)
    p_sus = min(1.0, prof.p_suspend * 1.6) if juvenile else prof.p_suspend
    if kind in (FT, CD) and months <= 36 and rng.random() < p_sus:
        s["suspended"] = True
        lo, hi = (max(2, months), 12) if kind == CD else (max(12, months), 60)
        s["probation_months"] = ri(rng, lo, max(lo, min(hi, 2 * months + 2)))
    return s


def admin_penalty(rng: random.Random, day: int) -> tuple[str, str, dict[str, object]]:
    """An administrative penalty taking effect on ``day``: offence name, statute, penalty."""
    penalty: dict[str, object]
    if rng.random() < 0.12:
        statute = "道路交通安全法第91条"
        if day < ERA_STARTS[0] and rng.random() < 0.3:
            name, penalty = (
                "醉酒后驾驶机动车",
                {"kind": "detention", "days": ri(rng, 5, 15), "amount": money(rng, 500, 2000)},
            )
        elif day < ERA_STARTS[0]:
            name, penalty = "饮酒后驾驶机动车", {"kind": "fine", "amount": money(rng, 200, 500)}
        elif rng.random() < 0.05:
            name, penalty = "饮酒后驾驶机动车", {"kind": "detention", "days": 10, "amount": money(rng, 1000, 2000)}
        else:
            name, penalty = "饮酒后驾驶机动车", {"kind": "fine", "amount": money(rng, 1000, 2000)}
    else:
        name, _, (p_warn, p_fine, _), fine, days = ADMIN[pick(rng, ADMIN_CUM)]
        statute = "治安管理处罚法（2025年修订）" if day >= ADMIN_NEW_LAW else "治安管理处罚法"
        u = rng.random()
        if u < p_warn:
            penalty = {"kind": "warning"}
        elif u < p_warn + p_fine:
            penalty = {"kind": "fine", "amount": money(rng, *fine)}
        else:
            penalty = {"kind": "detention", "days": ri(rng, *days)}
    return name, statute, penalty


def months_of(s: dict[str, object], key: str = "months") -> int:
    """An integer field of a sentence dict (0 when absent)."""
    value = s.get(key, 0)
    return value if isinstance(value, int) else 0


def add_months(day: int, months: int) -> int:
    """The ordinal day ``months`` calendar months after ``day`` (end of month if the day is missing)."""
    d = dt.date.fromordinal(day)
    m0 = d.month - 1 + months
    y, m = d.year + m0 // 12, m0 % 12 + 1
    last = 29 if m == 2 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else _MONTH_DAYS[m]
    return dt.date(y, m, min(d.day, last)).toordinal()


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
