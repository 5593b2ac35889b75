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


class NotAllowedError(AuthError):
    """The access policy refused the acting account an account-management action (the refusal is logged)."""

    def __init__(self, account: str, action: str, rules: tuple[str, ...]) -> None:
        self.account = account
        self.action = action
        self.rules = rules
        super().__init__(f"account {account} may not {action.replace('_', ' ')} ({', '.join(rules)})")
        self.coded("not_allowed", account=account, action=action, rules=", ".join(rules))


class UnknownAccountError(AuthError):
    """No account with that username or id (named only when the caller is allowed to know)."""
