"""PDF edge cases: a character the font lacks is refused (never dropped), naming the field and not logging it;
a long letter runs over several pages with everything still printed."""

from __future__ import annotations

import dataclasses
import io
import logging

import pypdf
import pytest
from doc_helpers import KEY, certificate, letter, pdf_text, squeeze

from sealkeeper.documents import CitedArticle, DocumentError, Kind, render_pdf, sign

RARE = "\U0002a6a5"  # 𪚥, CJK Extension B: used in names, not in Noto Serif CJK SC


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_name_the_font_cannot_show_is_refused_and_not_logged(lang: str, caplog: pytest.LogCaptureFixture) -> None:
    signed = sign(dataclasses.replace(certificate("general"), holder=f"张{RARE}"), KEY)
    with caplog.at_level(logging.DEBUG), pytest.raises(DocumentError, match="holder: has a character the font") as err:
        render_pdf(signed, lang)
    assert RARE not in str(err.value)
    assert RARE not in caplog.text


def test_the_field_is_named_inside_lists() -> None:
    doc = dataclasses.replace(letter(Kind.REFUSAL), records=("R-1", f"R-{RARE}"))
    with pytest.raises(DocumentError, match=r"records\[1\]"):
        render_pdf(sign(doc, KEY), "zh")


def test_a_long_letter_runs_over_pages_with_everything_printed() -> None:
    wording = "第一条　" + "依法进行查询的单位，应当对被封存的犯罪记录的情况予以保密。" * 80
    doc = dataclasses.replace(
        letter(Kind.SEAL_DECISION), articles=(CitedArticle("实施办法第1条", "实施办法", wording),)
    )
    signed = sign(doc, KEY)
    data = render_pdf(signed, "zh")
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 2
    text = pdf_text(data)
    assert squeeze(wording) in text
    assert signed.code in text


@pytest.mark.parametrize("extra", [0, 3, 33, 36])  # each splits the closing block without the page check
def test_the_closing_block_is_never_split_across_pages(extra: int) -> None:
    doc = dataclasses.replace(letter(Kind.UNSEALING_NOTICE), records=tuple(f"R-{i}" for i in range(extra + 1)))
    signed = sign(doc, KEY)
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(signed, "en")))
    last = squeeze("".join(reader.pages[-1].extract_text()))
    assert signed.code in last
    assert "Youmayobjecttothisdecision" in "".join(squeeze(p.extract_text()) for p in reader.pages)
    assert "usingtheverificationcode." in last
    assert "20November2026" in last
