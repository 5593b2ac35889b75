"""The CJK font the PDFs embed: Noto Serif CJK SC from Debian's ``fonts-noto-cjk``, found by path.

The Noto CJK fonts are OpenType collections with CFF outlines; fpdf2 embeds a subset of the face as a
CIDFontType0C font (ReportLab 5 cannot: "postscript outlines are not supported"). Face 2 of each collection is
the Simplified Chinese one (SC); its Latin glyphs serve the English rendering too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sealkeeper.documents.errors import FontMissingError

DEBIAN_PACKAGE = "fonts-noto-cjk"
NOTO = Path("/usr/share/fonts/opentype/noto")
SC_FACE = 2


@dataclass(frozen=True, slots=True)
class FontFace:
    path: Path
    index: int  # the face in a collection (.ttc)


#: Tried in order: the serif face (宋体-like, as official documents use), then the sans face of the same package.
CANDIDATES = (FontFace(NOTO / "NotoSerifCJK-Regular.ttc", SC_FACE), FontFace(NOTO / "NotoSansCJK-Regular.ttc", SC_FACE))


def find_font(candidates: tuple[FontFace, ...] = CANDIDATES) -> FontFace:
    """The first installed candidate; :class:`FontMissingError` naming the Debian package if none is."""
    for face in candidates:
        if face.path.is_file():
            return face
    tried = ", ".join(str(face.path) for face in candidates)
    raise FontMissingError(
        f"no CJK font for the PDF documents (looked for {tried}): install the Debian package {DEBIAN_PACKAGE} "
        f"(apt-get install {DEBIAN_PACKAGE})"
    )
