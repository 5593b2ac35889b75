"""Explanations on demand: a decision's rule ids turned into reasons with text and citations."""

from __future__ import annotations

from dataclasses import dataclass

from sealkeeper.model.decision import Decision
from sealkeeper.rules.pack import Pack


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    text: str
    citation: str


def citation(pack: Pack, article_ids: tuple[str, ...]) -> str:
    return "; ".join(pack.articles[a].citation for a in article_ids)


def reasons(pack: Pack, decision: Decision, lang: str = "en") -> list[Reason]:
    """One reason per rule applied, outermost first; a needs_review decision ends with its question."""
    out: list[Reason] = []
    for rule_id in decision.rules:
        rule = pack.rule(rule_id)
        text = rule.text.get(lang)
        if rule_id in decision.questions:
            question = rule.question.get(lang) if rule.question else _NO_DATE[lang]
            text = f"{text} {_ASK[lang]}{question}"
        out.append(Reason(rule.id, text, citation(pack, rule.articles)))
    return out


_ASK = {"en": "Question for review: ", "zh": "需人工审查："}
_NO_DATE = {
    "en": "The facts do not give the date this rule needs; which date applies?",
    "zh": "现有事实无法确定本规则所需的日期，应以何日为准？",
}
