"""Hypothesis strategies for documents: any certificate or letter the model accepts."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from sealkeeper.documents import Certificate, CertificateEntry, CitedArticle, ExceptionNote, Ground, Kind, Letter
from sealkeeper.documents.model import ID_NUMBER

# Printed fields: CJK, Latin, punctuation and a few digits (never 15 in a row: that would look like an ID number).
NAME = st.text(
    st.sampled_from("张三李四王五北京市公安局法院封存（）〔〕 ABCxyz-_.·0123"), min_size=1, max_size=20
).filter(lambda s: bool(s.strip()))
# Free text: anything but lone surrogates, and never an ID number (a document refuses one anywhere).
FREE = st.text(st.characters(codec="utf-8"), max_size=40).filter(lambda s: not ID_NUMBER.search(s))
DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))

entries = st.builds(
    CertificateEntry, record_id=FREE, record_type=st.sampled_from(["conviction", "caution"]), rule=FREE,
    citation=FREE, sealed=st.booleans(), exception=st.none() | FREE, label=NAME,
)  # fmt: skip
notes = st.builds(ExceptionNote, id=FREE, citation=FREE, text_zh=FREE, text_en=FREE)
certificates = st.builds(
    Certificate, holder=NAME, purpose=NAME, office=NAME, issued_on=DAYS, pack=FREE, citation=FREE,
    entries=st.lists(entries, max_size=3).map(tuple), exceptions=st.lists(notes, max_size=2).map(tuple),
)  # fmt: skip


@st.composite
def letters(draw: st.DrawFn) -> Letter:
    addressee = draw(NAME)
    return Letter(
        kind=draw(st.sampled_from([Kind.SEAL_DECISION, Kind.REFUSAL, Kind.UNSEALING_NOTICE])),
        case_no=draw(NAME.filter(lambda case_no: addressee not in case_no)), addressee=addressee,
        office=draw(NAME), decided_on=draw(DAYS), records=tuple(draw(st.lists(FREE, min_size=1, max_size=3))),
        grounds=tuple(draw(st.lists(st.builds(Ground, FREE, FREE, FREE), min_size=1, max_size=3))),
        articles=tuple(draw(st.lists(st.builds(CitedArticle, FREE, FREE, FREE, FREE), max_size=3))),
    )  # fmt: skip


documents = certificates | letters()
