"""The refusals of the reader proposal's review have codes of their own, and a page says them in Chinese with the
fact named in Chinese, never with the value the clerk typed."""

from __future__ import annotations

from sealkeeper.procedures.errors import Refusal
from sealkeeper.reader.review import CORRECT, ReviewError, ReviewRefusal, review
from sealkeeper.services.reader_review import ProposalError, ProposalRefusal
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.web.i18n import translations
from sealkeeper.web.refusals import TEXTS, say

ZH = translations("zh_CN").gettext


def test_the_review_codes_are_their_own() -> None:
    review_codes = {why.name.lower() for why in (*ReviewRefusal, *ProposalRefusal)}
    others = {why.name.lower() for why in (*Refusal, *ServiceRefusal)}
    assert review_codes.isdisjoint(others)
    assert len(review_codes) == len(ReviewRefusal) + len(ProposalRefusal)
    assert review_codes <= set(TEXTS)


def test_a_refused_correction_is_said_in_chinese_without_the_value() -> None:
    try:
        review({}, {}, "birth_date", CORRECT, "2003-02-30")
    except ReviewError as exc:
        refused = exc
    assert str(refused) == "birth_date: must be a date YYYY-MM-DD"
    assert say(ZH, refused.code, refused.params) == "出生日期：须为日期（YYYY-MM-DD）"
    count = ReviewError(ReviewRefusal.NOT_A_COUNT, "sentence", field="sentence.months")
    assert say(ZH, count.code, count.params) == "刑罚：刑期（月）须为不小于0的整数"
    left = ProposalError.of(ProposalRefusal.FACTS_TO_REVIEW, facts="birth_date, juvenile")
    assert say(ZH, left.code, left.params) == "模型建议：尚有事实待审核：出生日期, 犯罪时未满十八周岁"
