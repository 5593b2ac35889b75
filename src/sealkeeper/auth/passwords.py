"""Password rules (NIST SP 800-63B §5.1.1): a length range after Unicode normalisation, and not the username.

No composition rules (upper case, digits, symbols): NIST advises against them. Checking a list of breached
passwords is out of scope here. The result is a value naming every rule broken, never a bare boolean.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sealkeeper.auth.policy import PasswordPolicy


def normalise(password: str) -> str:
    """The password as hashed and checked: NFKC (NIST SP 800-63B §5.1.1.2), so the same password typed on
    two keyboards that compose characters differently is the same password."""
    return unicodedata.normalize("NFKC", password)


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_password(password: str, username: str, policy: PasswordPolicy) -> PasswordCheck:
    """Every rule ``password`` breaks for ``username`` (the messages never quote the password)."""
    text = normalise(password)
    problems: list[str] = []
    if len(text) < policy.min_length:
        problems.append(f"shorter than {policy.min_length} characters")
    if len(text) > policy.max_length:
        problems.append(f"longer than {policy.max_length} characters")
    name = normalise(username).casefold()
    if name and name in text.casefold():
        problems.append("contains the username")
    if text and len(set(text)) == 1:
        problems.append("one character repeated")
    return PasswordCheck(tuple(problems))
