"""Line breaking for the PDFs (pure): Chinese may break between any two characters, a run of Latin letters,
digits and ASCII punctuation stays whole, and no line starts with closing punctuation (避头): a comma or full stop
that would open a line hangs at the end of the previous one instead (标点悬挂), as Chinese typesetting does.
Opening brackets do not end a line (避尾): they move to the next one with what they open.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Never at the start of a line: closing punctuation, Chinese and Latin.
NO_START = frozenset("，。、；：？！）》」』】〕〉…—·%,.;:?!)]}")
#: Never at the end of a line: opening brackets.
NO_END = frozenset("（《「『【〔〈([{")
_NO_END = "".join(NO_END)  # for str.rstrip
_TOKENS = re.compile(r"[!-~]+|\s+|.", re.DOTALL)


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """The lines of ``text`` (its own line breaks kept) no wider than ``width`` by ``measure``, except for
    hanging punctuation. A token wider than a whole line is cut by characters, and so is a word that would not
    fit a line together with the opening bracket before it; a line of nothing but opening brackets ends with
    them."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_paragraph(paragraph, width, measure))
    return lines


def _paragraph(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    line, used = "", 0.0
    pending = _units(text, width, measure)[::-1]  # a stack: a word may be put back as its characters
    while pending:
        token = pending.pop()
        size = measure(token)
        if line and used + size > width and not token.isspace() and token[0] not in NO_START:
            stripped = line.rstrip()  # a space after the bracket: the bracket still ends the line
            keep = len(stripped.rstrip(_NO_END))
            if 0 < keep < len(stripped):  # an opening bracket goes down with what it opens (unless the line is
                line, carry = line[:keep], line[keep:]  # nothing else)
            else:
                carry = ""
            if line.strip():
                lines.append(line.rstrip())
            line, used = carry, measure(carry) if carry else 0.0
            if carry and used + size > width and len(token) > 1:  # the bracket and the word are wider than
                pending.extend(reversed(token))  # a whole line together: the word is cut by characters
                continue
        if not line and token.isspace():
            continue  # no line starts with a space
        line += token
        used += size
    lines.append(line.rstrip())
    return lines


def _units(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Tokens: a run of ASCII without spaces, a run of spaces, or one other character; a run wider than a whole
    line is cut into characters."""
    units: list[str] = []
    for token in _TOKENS.findall(text):
        if len(token) > 1 and not token.isspace() and measure(token) > width:
            units.extend(token)
        else:
            units.append(token)
    return units
