"""The PDFs: one per kind and language, read back with pypdf. The title, the articles cited, the verification
code and the key id are printed; what must not be printed (an ID number, a sealed record outside an exception,
the packs' confidence markers) is not; the font is Noto Serif CJK, embedded."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pypdf
import pytest
from doc_helpers import (
    HOLDER,
    ID_NUMBER,
    KEY,
    SEALED_LABEL,
    SEALED_SEXUAL,
    SHOWN_LABEL,
    UNSEALED_THEFT,
    certificate,
    letter,
    pdf_text,
    squeeze,
)

from sealkeeper.documents import (
    Document,
    DocumentError,
    FontFace,
    FontMissingError,
    Kind,
    SignedDocument,
    find_font,
    render_pdf,
    sign,
)

DOCUMENTS: dict[str, Callable[[], Document]] = {
    "no_record": lambda: certificate("general", SEALED_SEXUAL),
    "record": lambda: certificate("general", UNSEALED_THEFT, SEALED_SEXUAL),
    "exception": lambda: certificate("minor_contact_employment", SEALED_SEXUAL),
    "seal_decision": lambda: letter(Kind.SEAL_DECISION),
    "refusal": lambda: letter(Kind.REFUSAL),
    "unsealing_notice": lambda: letter(Kind.UNSEALING_NOTICE),
}
TITLES = {
    "no_record": ("无犯罪记录证明", "Certificate of No Criminal Record"),
    "record": ("犯罪记录查询结果", "Criminal Record Check Result"),
    "exception": ("犯罪记录查询结果", "Criminal Record Check Result"),
    "seal_decision": ("封存决定书", "Decision to Seal"),
    "refusal": ("不予封存决定书", "Decision Not to Seal"),
    "unsealing_notice": ("解除封存通知书", "Notice of Unsealing"),
}
CITED = {
    "no_record": ["公安机关办理犯罪记录查询工作规定第2条"],
    "record": ["公安机关办理犯罪记录查询工作规定第2条"],
    "exception": [
        "未成年人保护法第62条",
        "密切接触未成年人行业入职查询(2020/2022)",
        "公安机关办理犯罪记录查询工作规定第2条",
    ],
    "seal_decision": [
        "CPLArt.286",
        "中华人民共和国刑事诉讼法（2018年修正）",
        "犯罪的时候不满十八周岁",
        "cn.juvenile.seal",
    ],
    "refusal": ["CPLArt.286", "被判处的刑罚超过五年有期徒刑", "cn.juvenile.over_five_years"],
    "unsealing_notice": ["实施办法(2022)Art.18", "CPLArt.286", "封存后又犯新罪", "cn.unseal.new_offence"],
}
CASES = [(name, lang) for name in DOCUMENTS for lang in ("zh", "en")]


@functools.cache
def signed(name: str) -> SignedDocument:
    return sign(DOCUMENTS[name](), KEY)


@functools.cache
def rendered(name: str, lang: str) -> tuple[bytes, str]:
    data = render_pdf(signed(name), lang)
    return data, pdf_text(data)


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_the_pdf_prints_title_articles_code_and_key(name: str, lang: str) -> None:
    data, text = rendered(name, lang)
    assert data.startswith(b"%PDF-")
    assert squeeze(TITLES[name][0 if lang == "zh" else 1]) in text
    for cited in CITED[name]:
        assert squeeze(cited) in text, cited
    assert signed(name).code in text
    assert signed(name).key_id in text
    assert HOLDER in text


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_the_pdf_prints_no_id_number_and_no_confidence_marker(name: str, lang: str) -> None:
    data, text = rendered(name, lang)
    assert ID_NUMBER not in text
    assert ID_NUMBER.encode() not in data
    assert "[T]" not in text
    assert "[M]" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_sealed_record_is_not_on_a_general_certificate(lang: str) -> None:
    _, no_record = rendered("no_record", lang)
    _, record = rendered("record", lang)
    assert squeeze(SEALED_LABEL) not in no_record
    assert squeeze(SEALED_LABEL) not in record
    assert squeeze(SHOWN_LABEL) in record
    assert squeeze(SHOWN_LABEL) not in no_record
    none = {"zh": f"未发现{HOLDER}有犯罪记录", "en": f"foundnocriminalrecordof{HOLDER}"}[lang]
    assert none in no_record
    assert none not in record


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_minor_contact_exception_shows_the_sealed_record_and_names_the_exception(lang: str) -> None:
    _, text = rendered("exception", lang)
    assert squeeze(SEALED_LABEL) in text
    named = {"zh": "已封存，依法定例外予以载明", "en": "sealed,shownunderthestatutoryexception"}[lang]
    assert named in text
    assert {"zh": "已封存的性侵害犯罪记录仍予载明", "en": "Asealedconvictionforasexualoffence"}[lang] in text


def test_the_english_rendering_says_the_chinese_one_is_the_legal_document() -> None:
    assert "theChinesedocumentisthelegalone" in rendered("refusal", "en")[1]
    assert "theChinesedocumentisthelegalone" not in rendered("refusal", "zh")[1]


def test_the_font_is_noto_serif_cjk_embedded_as_a_subset() -> None:
    reader = pypdf.PdfReader(io.BytesIO(rendered("refusal", "zh")[0]))
    resources = cast(pypdf.generic.DictionaryObject, reader.pages[0]["/Resources"])
    [font] = [f.get_object() for f in cast(pypdf.generic.DictionaryObject, resources["/Font"]).values()]
    assert "NotoSerifCJKSC" in str(font["/BaseFont"])
    descendant = font["/DescendantFonts"][0].get_object()
    assert descendant["/Subtype"] == "/CIDFontType0"
    assert "/FontFile3" in descendant["/FontDescriptor"].get_object()  # the CFF outlines are in the file


def test_the_same_document_gives_the_same_bytes() -> None:
    assert render_pdf(signed("refusal"), "zh") == rendered("refusal", "zh")[0]


def test_a_missing_font_names_the_debian_package(tmp_path: Path) -> None:
    with pytest.raises(FontMissingError, match="install the Debian package fonts-noto-cjk"):
        find_font((FontFace(tmp_path / "NotoSerifCJK-Regular.ttc", 2),))
    with pytest.raises(FontMissingError, match="fonts-noto-cjk"):
        render_pdf(signed("refusal"), "zh", font=find_font((FontFace(tmp_path / "missing.ttc", 2),)))


def test_a_file_that_is_not_a_font_is_a_document_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.ttc"
    bogus.write_bytes(b"not a font")
    with pytest.raises(DocumentError, match="cannot be embedded"):
        render_pdf(signed("refusal"), "zh", font=FontFace(bogus, 0))


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(DocumentError, match="lang"):
        render_pdf(signed("refusal"), "fr")
