"""Authentication (pure core): the lockout state machine, sign-in decisions, session and API-token admission,
password rules, and the policy they follow (``policy.py`` cites the standards). No I/O, no clock, no hashing
library: the service (``services.accounts``) hashes with argon2, checks TOTP codes with pyotp, stores the state,
and passes every time in.
"""

from sealkeeper.auth.errors import (
    AccountError,
    AuthError,
    NotAllowedError,
    PasswordRejectedError,
    UnknownAccountError,
)
from sealkeeper.auth.lockout import CLEAR, Failures, after_failure, after_success, locked_at, unlocked
from sealkeeper.auth.login import (
    Attempt,
    LoginOutcome,
    LoginResult,
    TotpCheck,
    decide_login,
    totp_check,
    unknown_user,
)
from sealkeeper.auth.passwords import PasswordCheck, check_password, normalise
from sealkeeper.auth.policy import (
    DEFAULT_POLICY,
    TOTP_REQUIRED,
    AuthPolicy,
    LockoutPolicy,
    PasswordPolicy,
    SessionPolicy,
)
from sealkeeper.auth.sessions import Admission, SessionCheck, check_api_token, check_session, session_ends

__all__ = [
    "CLEAR",
    "DEFAULT_POLICY",
    "TOTP_REQUIRED",
    "AccountError",
    "Admission",
    "Attempt",
    "AuthError",
    "AuthPolicy",
    "Failures",
    "LockoutPolicy",
    "LoginOutcome",
    "LoginResult",
    "NotAllowedError",
    "PasswordCheck",
    "PasswordPolicy",
    "PasswordRejectedError",
    "SessionCheck",
    "SessionPolicy",
    "TotpCheck",
    "UnknownAccountError",
    "after_failure",
    "after_success",
    "check_api_token",
    "check_password",
    "check_session",
    "decide_login",
    "locked_at",
    "normalise",
    "session_ends",
    "totp_check",
    "unknown_user",
    "unlocked",
]
