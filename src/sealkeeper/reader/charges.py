"""The charges the reader knows: minor crimes frequent in Chinese courts, with their Criminal Law articles.

``statute`` is the citation the CN rule pack reads (``rules.cn_statute``: 刑法第133条之一) and ``name_zh`` the
name ``packs/CN/criminal_law.yaml`` gives the article, so a confirmed proposal maps onto the facts the engine
reads (``offense.name``, ``offense.statute``). ``article`` is the citation as judgments write it.
Sentencing ranges are APPROXIMATE, for a plausible synthetic corpus only (cf. ``synth.catalog``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Charge:
    code: str
    name_zh: str  # 危险驾驶罪
    article: str  # 刑法第一百三十三条之一
    statute: str  # 刑法第133条之一
    kinds: tuple[tuple[str, float], ...]  # sentence kind -> weight
    fine: float  # share of sentences with an accompanying 罚金
    fine_range: tuple[int, int]
    max_months: int  # of a fixed term, for the minor cases generated


CHARGE_TABLE: tuple[Charge, ...] = (
    Charge("dangerous_driving", "危险驾驶罪", "刑法第一百三十三条之一", "刑法第133条之一",
           (("detention", 0.80), ("exempt", 0.06), ("non_prosecution", 0.14)), 1.0, (1000, 20000), 0),
    Charge("theft", "盗窃罪", "刑法第二百六十四条", "刑法第264条",
           (("fixed_term", 0.45), ("detention", 0.25), ("surveillance", 0.04), ("fine_only", 0.08),
            ("exempt", 0.03), ("non_prosecution", 0.15)), 0.95, (1000, 50000), 36),
    Charge("fraud", "诈骗罪", "刑法第二百六十六条", "刑法第266条",
           (("fixed_term", 0.65), ("detention", 0.15), ("non_prosecution", 0.20)), 0.95, (2000, 100000), 36),
    Charge("intentional_injury", "故意伤害罪", "刑法第二百三十四条", "刑法第234条",
           (("fixed_term", 0.50), ("detention", 0.20), ("surveillance", 0.05), ("non_prosecution", 0.25)),
           0.0, (0, 0), 36),
    Charge("picking_quarrels", "寻衅滋事罪", "刑法第二百九十三条", "刑法第293条",
           (("fixed_term", 0.60), ("detention", 0.25), ("non_prosecution", 0.15)), 0.0, (0, 0), 36),
    Charge("helping_cyber_crime", "帮助信息网络犯罪活动罪", "刑法第二百八十七条之二", "刑法第287条之二",
           (("fixed_term", 0.55), ("detention", 0.20), ("fine_only", 0.05), ("non_prosecution", 0.20)),
           0.95, (1000, 20000), 36),
    Charge("concealing_proceeds", "掩饰、隐瞒犯罪所得、犯罪所得收益罪", "刑法第三百一十二条", "刑法第312条",
           (("fixed_term", 0.50), ("detention", 0.25), ("fine_only", 0.05), ("non_prosecution", 0.20)),
           0.95, (1000, 30000), 36),
    Charge("opening_casino", "开设赌场罪", "刑法第三百零三条", "刑法第303条",
           (("fixed_term", 0.75), ("detention", 0.10), ("non_prosecution", 0.15)), 1.0, (5000, 100000), 36),
    Charge("drug_possession", "非法持有毒品罪", "刑法第三百四十八条", "刑法第348条",
           (("fixed_term", 0.55), ("detention", 0.30), ("surveillance", 0.05), ("non_prosecution", 0.10)),
           1.0, (1000, 10000), 36),
)  # fmt: skip

CHARGES: tuple[str, ...] = tuple(c.code for c in CHARGE_TABLE)
BY_CODE: dict[str, Charge] = {c.code: c for c in CHARGE_TABLE}
