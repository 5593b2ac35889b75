"""Rendering one synthetic document: a 刑事判决书 or a 不起诉决定书 in an agency's style.

The sentence is written by :func:`render_sentence`, which :mod:`sealkeeper.reader.extract` reads back; a
property test checks the round trip for every sentence, style and numeral form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sealkeeper.reader import wording as w
from sealkeeper.reader.charges import CHARGE_TABLE, Charge
from sealkeeper.reader.numerals import chinese_int, render_amount, render_date, render_term

if TYPE_CHECKING:
    from sealkeeper.reader.corpus import Sentence

AMOUNT_STYLES = ("chinese", "arabic", "grouped")


def pick(rng: np.random.Generator, items: Sequence[str]) -> str:
    return items[int(rng.integers(0, len(items)))]


@dataclass(frozen=True)
class Style:
    """How one agency writes: numerals, fact patterns, which distractors appear and how often."""

    arabic: float  # share of documents with Arabic numerals
    months_only: float  # share of terms written 十八个月 rather than 一年六个月
    amounts: tuple[float, float, float]  # weights of AMOUNT_STYLES
    templates: tuple[tuple[float, ...], ...]  # per charge (CHARGE_TABLE order), weights of its fact patterns
    prior: float  # share mentioning a prior conviction for another charge
    defence: float  # share where the defence argues for another charge
    recharged: float  # share where the prosecution's (or police's) charge differs from the one decided
    court: int

    @classmethod
    def draw(cls, rng: np.random.Generator) -> Style:
        amounts = rng.dirichlet(np.ones(3))
        templates = tuple(tuple(float(x) for x in rng.dirichlet(np.full(len(w.FACTS[c.code]), 0.5)))
                          for c in CHARGE_TABLE)  # fmt: skip
        return cls(
            arabic=float(rng.choice([0.1, 0.5, 0.9])),
            months_only=float(rng.choice([0.0, 0.2])),
            amounts=(float(amounts[0]), float(amounts[1]), float(amounts[2])),
            templates=templates,
            prior=float(rng.uniform(0.05, 0.25)),
            defence=float(rng.uniform(0.0, 0.15)),
            recharged=float(rng.uniform(0.02, 0.12)),
            court=int(rng.integers(0, len(w.COURT_NAMES))),
        )


@dataclass(frozen=True)
class Numerals:
    """The numeral forms of one document."""

    arabic: bool
    months_only: bool
    amount: str  # one of AMOUNT_STYLES

    def term(self, months: int) -> str:
        return render_term(months, arabic=self.arabic, months_only=self.months_only)

    def money(self, yuan: int) -> str:
        return render_amount(yuan, style=self.amount)

    def date(self, day: dt.date) -> str:
        return render_date(day, arabic=self.arabic)

    def int(self, n: int) -> str:
        return str(n) if self.arabic else chinese_int(n)


def render_sentence(sentence: Sentence, charge_name: str, name: str, role: str, n: Numerals) -> str:
    """The verdict line: 被告人张某犯盗窃罪，判处有期徒刑一年六个月，缓刑二年，并处罚金人民币五千元。"""
    head = f"{role}{name}犯{charge_name}，"
    fine = f"，并处罚金人民币{n.money(sentence.fine_yuan)}元" if sentence.fine_yuan is not None else ""
    if sentence.kind == "exempt":
        return head + "免予刑事处罚。"
    if sentence.kind == "fine_only":
        assert sentence.fine_yuan is not None  # noqa: S101 - a fine-only sentence has its amount
        return head + f"单处罚金人民币{n.money(sentence.fine_yuan)}元。"
    assert sentence.months is not None  # noqa: S101 - a term sentence has its months
    main = {"detention": "拘役", "fixed_term": "有期徒刑", "surveillance": "管制"}[sentence.kind]
    text = head + f"判处{main}{n.term(sentence.months)}"
    if sentence.suspended and sentence.probation_months is not None:
        text += f"，缓刑{n.term(sentence.probation_months)}"
    return text + fine + "。"


def _slots(rng: np.random.Generator, n: Numerals, name: str, role: str, offence: dt.date) -> dict[str, str]:
    return {
        "date": n.date(offence), "time": pick(rng, w.TIMES), "name": name, "role": role,
        "place": pick(rng, w.PLACES), "vehicle": pick(rng, w.VEHICLES), "victim": pick(rng, w.SURNAMES) + "某",
        "bac": str(int(rng.integers(80, 260))), "value": n.money(int(rng.integers(2, 100)) * 500),
        "flow": n.money(int(rng.integers(10, 300)) * 10000), "cards": n.int(int(rng.integers(1, 6))),
        "grams": str(round(float(rng.uniform(10, 45)), 2)),
    }  # fmt: skip


def _other(rng: np.random.Generator, charge: Charge) -> Charge:
    others = [c for c in CHARGE_TABLE if c.code != charge.code]
    return others[int(rng.integers(0, len(others)))]


def render_document(
    rng: np.random.Generator, style: Style, *, agency: int, charge: Charge, sentence: Sentence,
    offence: dt.date, decided: dt.date, birth: dt.date, juvenile: bool,
) -> str:  # fmt: skip
    """One whole document; a non-prosecution sentence gives a 不起诉决定书, any other a 刑事判决书."""
    n = Numerals(bool(rng.random() < style.arabic), bool(rng.random() < style.months_only),
                 AMOUNT_STYLES[int(rng.choice(3, p=np.array(style.amounts)))])  # fmt: skip
    name = pick(rng, w.SURNAMES) + ("某某" if rng.random() < 0.3 else "某")
    court = w.COURT_NAMES[(style.court + agency) % len(w.COURT_NAMES)]
    prosecution = sentence.kind == "non_prosecution"
    role = "被不起诉人" if prosecution else "被告人"
    weights = np.array(style.templates[CHARGE_TABLE.index(charge)])
    pattern = w.FACTS[charge.code][int(rng.choice(len(weights), p=weights / weights.sum()))]
    facts = pattern.format(**_slots(rng, n, name, role, offence))
    held = offence + dt.timedelta(days=int(rng.integers(1, 20)))
    sent_on = held + dt.timedelta(days=int(rng.integers(10, 30)))
    accused = _other(rng, charge) if rng.random() < style.recharged else charge
    sex = "男" if rng.random() < 0.85 else "女"
    born = f"{n.date(birth)}出生" if rng.random() < 0.7 else f"生于{n.date(birth)}"
    person = f"{role}{name}，{sex}，{born}，汉族，{pick(rng, ('初中', '高中', '大专', '小学'))}文化。"
    if rng.random() < style.prior:
        other = _other(rng, charge)
        person += (f"{n.int(offence.year - int(rng.integers(2, 6)))}年因犯{other.name_zh}被判处有期徒刑"
                   f"{n.term(int(rng.integers(6, 25)))}，刑满释放。")  # fmt: skip
    person += f"因涉嫌{accused.name_zh}于{n.date(held)}被{court}公安分局{pick(rng, ('刑事拘留', '取保候审'))}。"
    mitigation = pick(rng, w.MITIGATION)
    young = (pick(rng, w.JUVENILE_NOTE).format(role=role, name=name) + "；") if juvenile else ""
    defence = ""
    if rng.random() < style.defence:
        other = _other(rng, charge)
        defence = f"辩护人提出{role}{name}的行为应认定为{other.name_zh}的意见，与查明的事实不符，本院不予采纳。"
    law = charge.article.removeprefix("刑法")
    if prosecution:
        return (
            f"{court}区人民检察院\n不起诉决定书\n{court}检刑不诉〔{decided.year}〕{int(rng.integers(1, 300))}号\n"
            f"{person}\n本案由{court}公安分局侦查终结，以{role}{name}涉嫌{accused.name_zh}，于{n.date(sent_on)}"
            f"向本院移送审查起诉。\n经本院依法审查查明：{facts}\n上述事实，有书证、证人证言、{role}的供述和辩解等证据证实。\n"
            f"本院认为，{name}实施了《中华人民共和国刑法》{law}规定的行为，但犯罪情节轻微，{young}{mitigation}，"
            f"根据《中华人民共和国刑法》第三十七条的规定，不需要判处刑罚。依据《中华人民共和国刑事诉讼法》"
            f"第一百七十七条第二款的规定，决定对{name}不起诉。\n{role}如不服本决定，可以自收到本决定书后七日以内向本院申诉。\n"
            f"{court}区人民检察院\n{n.date(decided)}\n"
        )
    corrected = "公诉机关指控的罪名成立。" if accused == charge else "公诉机关指控的罪名不当，本院予以纠正。"
    procedure = pick(rng, ("简易程序", "速裁程序", "普通程序"))
    verdict = render_sentence(sentence, charge.name_zh, name, role, n)
    note = ""
    if sentence.suspended:
        note = "（缓刑考验期限，从判决确定之日起计算。）"
    elif sentence.kind in ("detention", "fixed_term") and sentence.months is not None:
        end = held + dt.timedelta(days=sentence.months * 30 - 1)
        note = (
            "（刑期从判决执行之日起计算。判决执行以前先行羁押的，羁押一日折抵刑期一日，"
            f"即自{n.date(held)}起至{n.date(end)}止。）"
        )
    if sentence.fine_yuan is not None:
        note += pick(rng, ("（罚金已缴纳。）", "（罚金于本判决生效之日起十日内缴纳。）"))
    return (
        f"{court}区人民法院\n刑事判决书\n（{decided.year}）{court}刑初{int(rng.integers(1, 900))}号\n"
        f"公诉机关{court}区人民检察院。\n{person}\n{court}区人民检察院以起诉书指控{role}{name}犯{accused.name_zh}，"
        f"于{n.date(sent_on)}向本院提起公诉。本院依法适用{procedure}，公开开庭审理了本案。现已审理终结。\n"
        f"经审理查明：{facts}\n上述事实，有{role}的供述、证人证言、鉴定意见等证据证实，足以认定。\n"
        f"本院认为，{role}{name}的行为已构成{charge.name_zh}。{corrected}{young}{mitigation}。{defence}"
        f"依照《中华人民共和国刑法》{law}、{pick(rng, w.RELEVANT)}之规定，判决如下：\n{verdict}\n{note}\n"
        f"如不服本判决，可在接到判决书的第二日起十日内，通过本院或者直接向上一级人民法院提出上诉。\n"
        f"审判员　{pick(rng, w.SURNAMES)}某\n{n.date(decided)}\n书记员　{pick(rng, w.SURNAMES)}某\n"
    )
