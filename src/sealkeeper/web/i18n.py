"""The translation catalogue: gettext ``.po`` files read with Babel (compiled in memory at start-up; no build
step and no compiled ``.mo`` in the repository). English message ids; ``zh_CN`` is the default language."""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("zh_CN", "en")
DEFAULT = "zh_CN"


@cache
def translations(lang: str) -> gettext.GNUTranslations:
    """The catalogue of ``lang`` (one of LANGUAGES)."""
    path = resources.files("sealkeeper.web").joinpath("locale", lang, "LC_MESSAGES", "messages.po")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT
