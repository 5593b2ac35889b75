"""A rule pack as a lawyer reads it: rules with their exceptions, parameters with dated values, the
person-level stages, and the articles cited (plain text, Chinese or English). Pure: returns a string.

In Chinese, descriptions (of parameters, derived values and aggregates) are the pack's ``description_zh``;
where a pack gives none, the English one is shown behind :data:`UNTRANSLATED`, so a gap is visible.
"""

from __future__ import annotations

from typing import Any

from sealkeeper.rules.pack import Article, Pack, Rule

Labels = dict[str, Any]

#: Marks, in Chinese output, a description the pack gives in English only.
UNTRANSLATED = "〔暂无中文说明，原文如下〕"

_L: dict[str, Labels] = {
    "en": {
        "sources": "Sources",
        "secondary": "Resting on secondary summaries or choices",
        "channels": "Disclosure channels (the first is the main one)",
        "parameters": "Parameters (value in force from the date given)",
        "derived": "Derived values",
        "aggregates": "Over the person's other records",
        "rules": "Rules (the first that applies decides, unless an exception applies)",
        "combine": "Combinations across the person's records",
        "default": "Otherwise",
        "articles": "Articles cited",
        "when": "when",
        "outcome": "outcome",
        "date": "date",
        "applies": "applies to",
        "cites": "cites",
        "question": "question if unknown",
        "with": "with",
        "until": "until",
        "period_end": "period ends",
        "profiles": "Profiles (configuration, not law in force)",
        "confidence": {"T": "text read", "S": "secondary summary", "M": "from memory"},
    },
    "zh": {
        "sources": "依据",
        "secondary": "依据二手资料或解释性选择的部分",
        "channels": "披露渠道（第一个为默认渠道）",
        "parameters": "参数（自所列日期起施行的值）",
        "derived": "派生值",
        "aggregates": "当事人其他记录的统计",
        "rules": "规则（首条适用的规则决定结果，除非其例外适用）",
        "combine": "当事人多项记录之间的联动",
        "default": "其他情形",
        "articles": "所引条文",
        "when": "条件",
        "outcome": "结果",
        "date": "日期",
        "applies": "适用于",
        "cites": "依据",
        "question": "事实不明时的询问",
        "with": "作用于本记录的其他记录",
        "until": "推迟至",
        "period_end": "期间届满日",
        "profiles": "配置方案（非现行法）",
        "confidence": {"T": "已核对原文", "S": "二手摘要", "M": "凭记忆，待核"},
    },
}


def render(pack: Pack, lang: str = "en") -> str:
    """The whole pack as indented text."""
    t = _L["zh" if lang == "zh" else "en"]
    out: list[str] = [f"{pack.title.get(lang)}", f"{pack.id} {pack.version} ({pack.jurisdiction})", ""]
    out += _list(t["sources"], pack.header.get("sources", ()))
    out += _list(t["secondary"], pack.header.get("secondary_sources", ()))
    if pack.channels:
        out += [f"{t['channels']}: {', '.join(pack.channels)}", ""]
    out.append(f"{t['parameters']}:")
    for p in pack.parameters.values():
        values = "; ".join(f"{start.isoformat()}: {_value(v)}" for start, v in p.values)
        out.append(f"  {p.name} — {describe(p.description, p.description_zh, lang)}")
        out.append(f"      {values}" + (f"   [{', '.join(p.articles)}]" if p.articles else ""))
    out.append("")
    if pack.profiles:
        out.append(f"{t['profiles']}:")
        out += [f"  {name}: {_value(dict(over))}" for name, over in pack.profiles.items()]
        out.append("")
    out += _stages(pack, lang, t)
    out.append(f"{t['rules']}:")
    for rule in pack.rules:
        out += _rule(rule, pack, lang, t, 1)
    out.append("")
    out += _combinations(pack, lang, t)
    out.append(f"{t['default']}: [{pack.default.id}] {pack.default.text.get(lang).strip()}")
    out.append("")
    out.append(f"{t['articles']}:")
    for article in pack.articles.values():
        out += _article(article, lang, t)
    return "\n".join(out) + "\n"


def describe(english: str, chinese: str, lang: str) -> str:
    """A description in ``lang``: in Chinese the pack's own, else the English one marked as untranslated."""
    if lang != "zh":
        return _one_line(english)
    return _one_line(chinese) if chinese.strip() else f"{UNTRANSLATED}{_one_line(english)}"


def _stages(pack: Pack, lang: str, t: Labels) -> list[str]:
    stages, out = pack.stages, []
    derived = (*stages.derived, *stages.late)
    if derived:
        out.append(f"{t['derived']}:")
        for d in derived:
            text = describe(d.description, d.description_zh, lang)
            out += [f"  {d.name} — {text}", f"      = {_one_line(d.expression.source)}"]
        out.append("")
    if stages.aggregates:
        out.append(f"{t['aggregates']}:")
        for a in stages.aggregates:
            of = f" of {_one_line(a.of.source)}" if a.of else ""
            text = describe(a.description, a.description_zh, lang)
            out += [f"  {a.name} — {text}", f"      = {a.fn}{of} where {_one_line(a.where.source)}"]
        out.append("")
    return out


def _combinations(pack: Pack, lang: str, t: Labels) -> list[str]:
    out: list[str] = []
    for c in pack.stages.combinations:
        out.append(f"  [{c.id}] ({c.kind}) {c.text.get(lang).strip()}")
        out.append(f"      {t['when']}: {_one_line(c.when.source)}")
        if c.with_ is not None:
            out.append(f"      {t['with']}: {_one_line(c.with_.source)}")
        if c.until is not None:
            out.append(f"      {t['until']}: {_one_line(c.until.source)}")
        if c.period_end is not None:
            out.append(f"      {t['period_end']}: {_one_line(c.period_end.source)}")
        out.append(f"      {t['cites']}: {_cites(pack, c.articles)}")
    return [f"{t['combine']}:", *out, ""] if out else []


def _list(title: str, items: object) -> list[str]:
    values = [str(i) for i in items] if isinstance(items, list | tuple) else []
    return [f"{title}:", *(f"  - {v}" for v in values), ""] if values else []


def _value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _one_line(source: str) -> str:
    return " ".join(source.split())


def _cites(pack: Pack, ids: tuple[str, ...]) -> str:
    return "; ".join(pack.articles[a].citation for a in ids) or "-"


def _rule(rule: Rule, pack: Pack, lang: str, t: Labels, depth: int) -> list[str]:
    pad = "  " * depth
    lines = [f"{pad}[{rule.id}] {rule.text.get(lang).strip()}"]
    if depth == 1:
        lines.append(f"{pad}    {t['applies']}: {', '.join(sorted(rule.applies_to))}")
    lines.append(f"{pad}    {t['when']}: {_one_line(rule.when.source)}")
    outcome = rule.outcome.value + (f", {t['date']} = {_one_line(rule.date.source)}" if rule.date else "")
    lines.append(f"{pad}    {t['outcome']}: {outcome}")
    lines.append(f"{pad}    {t['cites']}: {_cites(pack, rule.articles)}")
    if rule.question is not None:
        lines.append(f"{pad}    {t['question']}: {rule.question.get(lang).strip()}")
    for exc in rule.exceptions:
        lines += _rule(exc, pack, lang, t, depth + 1)
    return lines


def _article(article: Article, lang: str, t: Labels) -> list[str]:
    confidence = t["confidence"]
    label = confidence.get(article.confidence, article.confidence) if isinstance(confidence, dict) else ""
    title = article.title_zh if lang == "zh" else article.title_en
    lines = [f"  {article.id}: {article.citation} — {title} [{article.confidence}: {label}]"]
    if lang == "zh":
        body = article.text_zh if article.lang == "zh" else (article.summary_zh or article.summary_en)
    else:
        body = article.summary_en or article.text_zh
    lines += [f"      {line}" for line in body.strip().splitlines()]
    if article.lang != "zh" and article.text_zh:
        original = article.text_zh.strip().splitlines()
        lines += [f"      | {line}" for line in original]
    lines += [f"      <{s}>" for s in article.sources]
    return lines
