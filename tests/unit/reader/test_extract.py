"""Rule-based extraction: a sentence rendered in any numeral form reads back equal; whole documents too."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.reader import extract
from sealkeeper.reader.corpus import Sentence, make_documents
from sealkeeper.reader.render import AMOUNT_STYLES, Numerals, render_sentence

fines = st.none() | st.integers(min_value=1, max_value=2_000_000)


@st.composite
def sentences(draw: st.DrawFn) -> Sentence:
    kind = draw(st.sampled_from(["detention", "fixed_term", "surveillance", "fine_only", "exempt"]))
    if kind == "exempt":
        return Sentence(kind)
    if kind == "fine_only":
        return Sentence(kind, fine_yuan=draw(st.integers(min_value=1, max_value=2_000_000)))
    months = draw(st.integers(min_value=1, max_value=6 if kind == "detention" else 180))
    suspended = kind != "surveillance" and draw(st.booleans())
    probation = draw(st.integers(min_value=months, max_value=max(months, 60))) if suspended else None
    return Sentence(kind, months, suspended, probation, draw(fines))


numerals = st.builds(Numerals, st.booleans(), st.booleans(), st.sampled_from(AMOUNT_STYLES))


@given(sentences(), numerals, st.sampled_from(["盗窃罪", "危险驾驶罪", "掩饰、隐瞒犯罪所得罪"]))
def test_a_rendered_sentence_is_read_back_equal(sentence: Sentence, n: Numerals, charge: str) -> None:
    verdict = render_sentence(sentence, charge, "张某", "被告人", n)
    text = (
        f"……曾因犯诈骗罪被判处有期徒刑八个月。……之规定，判决如下：\n{verdict}\n（罚金已缴纳。）\n二〇二四年一月二日\n"
    )
    found = extract.sentence(text)
    assert found.value == sentence
    assert found.confidence == extract.SURE


@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=0, max_value=20))
def test_every_fact_of_a_generated_document_is_extracted(seed: int, agency: int) -> None:
    (doc,) = make_documents(seed=seed, agency=agency, count=1)
    assert extract.sentence(doc.text).value == doc.sentence
    birth, offence = extract.birth_date(doc.text), extract.offence_date(doc.text)
    assert (birth.value, offence.value) == (doc.birth_date, doc.offence_date)
    assert extract.decision_date(doc.text).value == doc.judgment_date
    assert extract.juvenile(doc.text, birth, offence).value == doc.juvenile


def test_a_text_without_a_verdict_proposes_no_sentence() -> None:
    found = extract.sentence("经审理查明：2023年3月5日，某某在某地。")
    assert found == extract.Proposed(None, 0.0)
    assert extract.birth_date("没有日期").value is None


def test_juvenile_falls_back_to_the_wording_without_dates() -> None:
    none: extract.Proposed[dt.date] = extract.Proposed(None, 0.0)
    assert extract.juvenile("被告人犯罪时未满十八周岁", none, none) == extract.Proposed(True, extract.WEAK)
    assert extract.juvenile("被告人", none, none) == extract.Proposed(False, extract.GUESS)
