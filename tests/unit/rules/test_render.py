"""`sealkeeper packs show ID --lang zh` reads as Chinese: every description has a Chinese text, picked by language."""

from __future__ import annotations

import dataclasses
import re

import pytest

from sealkeeper.adapters.packfiles import available, load_pack
from sealkeeper.rules.pack import Pack
from sealkeeper.rules.render import UNTRANSLATED, render

HAN = re.compile(r"[\u4e00-\u9fff]")


def described(pack: Pack) -> list[str]:
    """The names whose description `packs show` prints: parameters, derived values, aggregates."""
    stages = pack.stages
    return [*pack.parameters, *(d.name for d in (*stages.derived, *stages.late)), *(a.name for a in stages.aggregates)]


def description_lines(text: str, names: list[str]) -> dict[str, str]:
    """``name`` -> the description printed after it (``  name — description``)."""
    out = {}
    for line in text.splitlines():
        match = re.match(r"^  ([a-z0-9_]+) — (.*)$", line)
        if match and match.group(1) in names:
            out[match.group(1)] = match.group(2)
    return out


@pytest.mark.parametrize("pack_id", available())
def test_every_description_of_every_pack_is_chinese_in_zh(pack_id: str) -> None:
    pack = load_pack(pack_id)
    names = described(pack)
    lines = description_lines(render(pack, "zh"), names)
    assert set(lines) == set(names)  # every one is printed
    untranslated = {name: text for name, text in lines.items() if UNTRANSLATED in text or not HAN.search(text)}
    assert not untranslated


@pytest.mark.parametrize("pack_id", available())
def test_english_output_keeps_the_english_descriptions(pack_id: str) -> None:
    pack = load_pack(pack_id)
    lines = description_lines(render(pack, "en"), list(pack.parameters))
    for name, parameter in pack.parameters.items():
        assert lines[name] == " ".join(parameter.description.split())
        assert UNTRANSLATED not in lines[name]


def test_a_description_without_chinese_is_shown_in_english_behind_a_visible_marker() -> None:
    pack = load_pack("DE")
    bare = dataclasses.replace(pack.parameters["fz_short_years"], description_zh="")
    pack = dataclasses.replace(pack, parameters={**pack.parameters, "fz_short_years": bare})
    line = description_lines(render(pack, "zh"), ["fz_short_years"])["fz_short_years"]
    assert line == f"{UNTRANSLATED}§34(1) Nr. 1: three years"
    assert "第34条第1款第1项" not in line


def test_the_chain_labels_and_its_period_end_are_shown_in_chinese() -> None:
    text = render(load_pack("US-MI"), "zh")
    assert "作用于本记录的其他记录: other.record_kind == 'conviction'" in text
    assert "推迟至: add_years(other.record_date, period_years)" in text
    assert "期间届满日: waiting_end" in text
