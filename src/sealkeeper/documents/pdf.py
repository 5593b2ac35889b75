"""PDF rendering with fpdf2, the CJK font embedded (``fonts``): ``render_pdf(signed, lang) -> bytes``.

A PDF is rendered from a :class:`SignedDocument`'s payload, so it prints exactly what was signed, with the
verification code derived from the signature and the signing key's id. A4 portrait: the issuing office, the
title, the body, the office and date, then the verification block. Same document, language and font: same bytes
(the PDF's creation date is the document's date, not the clock). The font file is read on every call (fpdf2
subsets the face it loaded, so a parsed face cannot serve two documents): about a second a document here.
Lines are broken by ``linebreak`` (Chinese rules: no closing punctuation at a line start).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict

from fontTools.ttLib import TTLibError  # type: ignore[import-untyped]  # fontTools (fpdf2's font reader) has no hints
from fpdf import FPDF, FPDFException
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import TTFFont

from sealkeeper.documents.errors import DocumentError
from sealkeeper.documents.fonts import FontFace, find_font
from sealkeeper.documents.linebreak import break_lines
from sealkeeper.documents.model import Certificate, Letter, texts_of
from sealkeeper.documents.signing import SignedDocument, verification_code
from sealkeeper.documents.texts import Texts, texts

MARGIN = 25.0  # mm
BODY, SMALL, OFFICE, TITLE = 12.0, 9.0, 14.0, 22.0  # pt
LINE = 7.5  # mm per body line
GREY = (90, 90, 90)
TAIL = 80.0  # mm: the height of the closing block (office, date, verification code, key, note), generously


class _Page:
    def __init__(self, face: FontFace, day: dt.date) -> None:
        self.pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_auto_page_break(auto=True, margin=MARGIN)
        self.pdf.set_creation_date(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC))
        self.pdf.set_producer("sealkeeper")
        self.face = face.path.name
        try:
            self.pdf.add_font("cjk", "", str(face.path), collection_font_number=face.index)
        except (OSError, FPDFException, RuntimeError, TTLibError) as exc:
            raise DocumentError(f"font {face.path} (face {face.index}) cannot be embedded: {exc}") from None
        self.pdf.add_page()

    def check_glyphs(self, doc: Certificate | Letter) -> None:
        """Refuse a document with a character the font lacks (fpdf2 would drop it with a warning that quotes it):
        a legal document never prints a name or a text wrongly. The error names the field, not the character."""
        font = self.pdf.fonts["cjk"]
        cmap = font.cmap if isinstance(font, TTFFont) else {}
        for path, text in texts_of(asdict(doc)):
            if any(ord(c) not in cmap for c in text if c not in "\n\r\t"):
                raise DocumentError(f"{doc.kind}: {path}: has a character the font ({self.face}) cannot show")

    def text(
        self, text: str, size: float = BODY, align: Align = Align.L, grey: bool = False, indent: float = 0
    ) -> None:
        if not text:
            return
        self.pdf.set_font("cjk", size=size)
        self.pdf.set_text_color(*(GREY if grey else (0, 0, 0)))
        height, width = LINE * size / BODY, self.pdf.epw - indent
        for line in break_lines(text, width, self.pdf.get_string_width):
            self.pdf.set_x(MARGIN + indent)
            self.pdf.cell(width, height, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def gap(self, mm: float = 3) -> None:
        self.pdf.ln(mm)

    def lines(self, items: Iterable[str], indent: int = 6) -> None:
        for item in items:
            self.text(item, indent=indent)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _head(page: _Page, t: Texts, doc: Certificate | Letter) -> None:
    page.text(doc.office, OFFICE, Align.C)
    page.gap(2)
    found = isinstance(doc, Certificate) and doc.has_record
    title = t("title.certificate_record" if found else f"title.{doc.kind}")
    page.pdf.set_title(title)
    page.text(title, TITLE, Align.C)
    page.text(t("translation_note"), SMALL, Align.C, grey=True)
    page.gap(6)


def _tail(page: _Page, t: Texts, signed: SignedDocument, office: str, day: dt.date) -> None:
    if page.pdf.will_page_break(TAIL):  # the office, the date and the verification block stay together
        page.pdf.add_page()
    page.gap(8)
    page.text(t("issued", office=office, date=t.date(day)), align=Align.R)
    page.gap(10)
    y = page.pdf.get_y()
    page.pdf.set_draw_color(*GREY)
    page.pdf.line(MARGIN, y, page.pdf.w - MARGIN, y)
    page.gap(3)
    page.text(t("code_line", code=verification_code(signed)), 13)
    page.text(t("key_line", key_id=signed.key_id), SMALL, grey=True)
    page.text(t("verify_note"), SMALL, grey=True)


def _certificate(page: _Page, t: Texts, doc: Certificate) -> None:
    day = t.date(doc.issued_on)
    page.text(t("certificate.holder", holder=doc.holder))
    page.text(t("certificate.purpose", purpose=t.label("purposes", doc.purpose)))
    page.gap()
    if not doc.entries:
        page.text(t("certificate.none", date=day, holder=doc.holder))
    else:
        page.text(t("certificate.some", date=day, holder=doc.holder))
        for n, entry in enumerate(doc.entries, 1):
            kind = t.label("record_types", entry.record_type)
            key = "certificate.entry" if entry.exception is None else "certificate.entry_exception"
            page.text(t(key, n=n, label=entry.label, record_type=kind, citation=entry.citation), indent=6)
    if doc.exceptions:
        page.gap()
        page.text(t("certificate.exceptions_head"))
        for note in doc.exceptions:
            text = note.text_zh if t.lang == "zh" else note.text_en
            page.text(t("certificate.exception", text=text, citation=note.citation), indent=6)
    page.gap()
    page.text(t("certificate.basis", citation=doc.citation))


def _letter(page: _Page, t: Texts, doc: Letter) -> None:
    page.text(t("letter.case_no", case_no=doc.case_no), align=Align.R)
    page.gap()
    page.text(t("letter.salutation", addressee=doc.addressee))
    page.text(t(f"letter.body.{doc.kind}", date=t.date(doc.decided_on)))
    page.gap(2)
    page.text(t("letter.records_head"))
    page.lines(t("letter.record", n=n, record=record) for n, record in enumerate(doc.records, 1))
    page.gap(2)
    page.text(t("letter.grounds_head"))
    for n, ground in enumerate(doc.grounds, 1):
        key = "letter.ground" if ground.text else "letter.ground_bare"
        page.text(t(key, n=n, text=ground.text, citation=ground.citation), indent=6)
        page.text(t("letter.rule", rule=ground.rule), SMALL, grey=True, indent=12)
    page.gap(2)
    page.text(t("letter.articles_head"))
    for article in doc.articles:
        page.text(t("letter.article", citation=article.citation, title=article.title).strip(), indent=6)
        page.text(article.text.strip(), indent=12)
        if article.summary_en:
            page.text(t("letter.summary", summary=article.summary_en.strip()).strip(), indent=12)
    page.gap()
    page.text(t(f"letter.closing.{doc.kind}"))


def render_pdf(signed: SignedDocument, lang: str = "zh", *, font: FontFace | None = None) -> bytes:
    """The PDF of a signed document in ``lang`` ("zh": the legal document; "en": a rendering for information)."""
    t = texts(lang)
    doc = signed.document
    day = doc.issued_on if isinstance(doc, Certificate) else doc.decided_on
    page = _Page(font or find_font(), day)
    page.check_glyphs(doc)
    page.pdf.set_lang(t("font_lang"))
    _head(page, t, doc)
    if isinstance(doc, Certificate):
        _certificate(page, t, doc)
    else:
        _letter(page, t, doc)
    _tail(page, t, signed, doc.office, day)
    try:
        return page.output()
    except (FPDFException, RuntimeError) as exc:
        raise DocumentError(f"{doc.kind}: the PDF cannot be written: {exc}") from None
