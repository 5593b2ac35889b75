"""Password rules: length after NFKC, not the username, every broken rule named, the password never quoted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.auth import PasswordPolicy, check_password, normalise

RULES = PasswordPolicy()


def test_a_long_enough_password_passes() -> None:
    assert check_password("correct horse battery", "clerk.0042", RULES).ok


def test_each_broken_rule_is_named() -> None:
    assert check_password("short", "clerk", RULES).problems == ("shorter than 12 characters",)
    assert check_password("my-CLERK.0042-password", "clerk.0042", RULES).problems == ("contains the username",)
    assert check_password("a" * 300, "clerk", RULES).problems == (
        "longer than 256 characters",
        "one character repeated",
    )


def test_length_is_counted_after_normalisation() -> None:
    assert normalise("ﬁ") == "fi"
    assert check_password("ﬁ" * 6, "x", RULES).ok  # 12 characters once normalised


@given(st.text(max_size=40), st.text(min_size=1, max_size=10))
def test_the_password_is_never_quoted(password: str, username: str) -> None:
    check = check_password(password, username, RULES)
    assert check.ok == (not check.problems)
    for problem in check.problems:
        if len(password) > 3:
            assert password not in problem
