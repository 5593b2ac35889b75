"""Errors of the authentication core. Messages name fields and account ids only: never a password, a TOTP
code or secret, a token, or a data subject's username."""

from __future__ import annotations

from sealkeeper.errors import SealkeeperError


class AuthError(SealkeeperError):
    """Base of every error raised by ``sealkeeper.auth`` and the account service."""


class PasswordRejectedError(AuthError):
    """A new password breaks the password rules; ``problems`` names each rule it breaks."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        self.problems = problems
        super().__init__("password: " + "; ".join(problems))


class AccountError(AuthError):
    """An account cannot be made or changed as asked (a role, a field, a duplicate username)."""
