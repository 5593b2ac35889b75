"""Every text the pages show goes through the catalogue, and the Chinese catalogue translates all of it."""

from __future__ import annotations

import re
from importlib import resources

from sealkeeper.web.i18n import translations
from sealkeeper.web.messages import dynamic_ids

TEMPLATES = resources.files("sealkeeper.web").joinpath("templates")
MESSAGE = re.compile(r'_\(\s*(["\'])(.+?)\1\s*\)')
TAG_TEXT = re.compile(r">([^<>{}]*[A-Za-z\u4e00-\u9fff][^<>{}]*)<")


def template_texts() -> dict[str, str]:
    return {t.name: t.read_text(encoding="utf-8") for t in TEMPLATES.iterdir() if t.name.endswith(".html")}


def test_every_message_has_a_chinese_translation() -> None:
    ids = {m.group(2) for text in template_texts().values() for m in MESSAGE.finditer(text)} | dynamic_ids()
    zh = translations("zh_CN")
    untranslated = sorted(i for i in ids if zh.gettext(i) == i)
    assert untranslated == []


def test_templates_hold_no_bare_text() -> None:
    """Text between tags comes from ``{{ _(...) }}`` or data, never typed into the template (the language names
    in the switch are written in their own language on purpose)."""
    bare = []
    for name, text in template_texts().items():
        for found in TAG_TEXT.finditer(text):
            words = found.group(1).strip()
            if words and words not in {"中文", "English"}:
                bare.append((name, words))
    assert bare == []
