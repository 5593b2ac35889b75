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
_TOKENS = re.compile(r"[!-~]+|\s+|.", re.DOTALL)


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """The lines of ``text`` (its own line breaks kept) no wider than ``width`` by ``measure``, except for
    hanging punctuation and a single token wider than a whole line (which is then cut by characters)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_paragraph(paragraph, width, measure))
    return lines


def _paragraph(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    line, used = "", 0.0
    for token in _units(text, width, measure):
        size = measure(token)
        if line and used + size > width and not token.isspace() and token[0] not in NO_START:
            carry = ""
            while line and line[-1] in NO_END:  # an opening bracket goes down with what it opens
                carry, line = line[-1] + carry, line[:-1]
            if line.strip():
                lines.append(line.rstrip())
            line, used = carry, measure(carry) if carry else 0.0
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
