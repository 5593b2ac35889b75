"""Line breaking: nothing is lost, lines fit, no line starts with closing punctuation or ends with an opening
bracket, and Latin words stay whole."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from sealkeeper.documents.linebreak import NO_END, NO_START, break_lines


def measure(text: str) -> float:
    """Two units for a Chinese character, one for ASCII (like a CJK font's full and half widths)."""
    return float(sum(1 if ord(c) < 128 else 2 for c in text))


WORDS = st.sampled_from(
    ["犯", "罪", "记", "录", "封", "存", "，", "。", "、", "（", "）", "CPL", "Art.", "286", " ", "\n"]
)
texts = st.lists(WORDS, max_size=60).map("".join)
widths = st.integers(8, 40).map(float)


@given(texts, widths)
def test_nothing_is_lost_but_spaces_at_breaks(text: str, width: float) -> None:
    lines = break_lines(text, width, measure)
    assert "".join("".join(lines).split()) == "".join(text.split())
    assert len(lines) >= text.count("\n") + 1


@given(texts, widths)
def test_no_line_starts_with_closing_punctuation_unless_its_paragraph_does(text: str, width: float) -> None:
    starts = {p.lstrip()[:1] for p in text.split("\n")}
    for line in break_lines(text, width, measure):
        assert line[:1] not in NO_START or line[:1] in starts


@given(texts, widths)
@example("（Art.CPL", 8.0)  # the bracket goes down with the word, and the two are wider than a line
@example("（（（（（犯", 8.0)  # a line of nothing but brackets
def test_a_line_fits_but_for_hanging_punctuation(text: str, width: float) -> None:
    for line in break_lines(text, width, measure):
        body = line.rstrip("".join(NO_START) + " ")
        assert measure(body) <= width


@given(texts, widths)
@example("犯（Art.CPL", 8.0)
@example("犯犯（ 犯", 8.0)  # a space between the bracket and the break
def test_an_opening_bracket_ends_no_line_that_has_more_after_it(text: str, width: float) -> None:
    """Unless the line is nothing but opening brackets (they cannot all go down)."""
    for paragraph in text.split("\n"):
        lines = break_lines(paragraph, width, measure)
        for line in lines[:-1]:
            assert line[-1:] not in NO_END or not line.strip("".join(NO_END))


def test_chinese_breaks_anywhere_but_before_a_comma() -> None:
    lines = break_lines("犯罪的时候不满十八周岁，被判处五年有期徒刑以下刑罚的", 22, measure)
    assert lines == ["犯罪的时候不满十八周岁，", "被判处五年有期徒刑以下", "刑罚的"]


def test_latin_words_stay_whole() -> None:
    assert break_lines("A search as of 27 November 2026 found", 20, measure) == [
        "A search as of 27",
        "November 2026 found",
    ]
