"""The documents' wording: both languages say the same things, every kind, purpose and record type has its words."""

from __future__ import annotations

import datetime as dt

import pytest

from sealkeeper.access import certificate_rules
from sealkeeper.documents import DocumentError, Kind
from sealkeeper.documents.texts import LANGS, _all, flat_keys, texts
from sealkeeper.model.record import RECORD_TYPES


def test_both_languages_have_the_same_keys() -> None:
    assert flat_keys(_all()["zh"]) == flat_keys(_all()["en"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_kind_purpose_and_record_type_has_its_words(lang: str) -> None:
    t = texts(lang)
    for kind in Kind:
        assert t(f"title.{kind}")
    for kind in Kind:
        if kind is not Kind.CERTIFICATE:
            assert t(f"letter.body.{kind}", date="D")
            assert t(f"letter.closing.{kind}")
    assert certificate_rules("CN").purposes <= set(t.table["purposes"])
    assert {str(r) for r in RECORD_TYPES} <= set(t.table["record_types"])


def test_dates_are_written_in_each_language() -> None:
    day = dt.date(2026, 3, 9)
    assert (texts("zh").date(day), texts("en").date(day)) == ("2026年3月9日", "9 March 2026")


def test_an_unknown_language_or_text_is_a_document_error() -> None:
    with pytest.raises(DocumentError, match="lang"):
        texts("fr")
    with pytest.raises(DocumentError, match=r"no text title\.passport"):
        texts("zh")("title.passport")
