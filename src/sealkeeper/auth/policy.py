"""The authentication policy as data: lockout, session lifetimes, password rules, who needs a second factor.

What was chosen, and on what it rests:

- Lockout: 5 failed sign-ins (a wrong password or a wrong TOTP code) within 15 minutes lock the account for
  15 minutes. GB/T 22239-2019 (网络安全等级保护基本要求) level 3, 8.1.4.1 b) 身份鉴别: "应具有登录失败处理功能，
  应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施"; NIST SP 800-63B §5.2.2 (rate
  limiting: no more than 100 consecutive failures). The numbers are sealkeeper's (GB/T 22239 names none);
  5 within 15 minutes is the usual assessors' figure and far below NIST's ceiling. Attempts while locked are
  not evaluated and do not extend the lock (otherwise anyone could keep an account locked for ever).
- Sessions: 15 minutes idle, 12 hours absolute. NIST SP 800-63B §4.3.3 (AAL3: reauthenticate after 15 minutes
  of inactivity and at least every 12 hours); GB/T 22239 8.1.4.1 b) (登录连接超时自动退出).
- Passwords: 12 to 256 characters after NFKC normalisation, not containing the username. NIST SP 800-63B §5.1.1
  (at least 8, allow at least 64, no composition rules; §5.1.1.2 normalise Unicode); 12 is sealkeeper's floor.
  Checking a list of breached passwords (§5.1.1.2) is not done here.
- Second factor (TOTP, RFC 6238): every role. The issue asks it of every role that can see records or approve
  (clerk, approver, reviewer, judicial requester, certificate officer, data subject, supervisor, auditor). The
  administrator needs it too: it makes accounts, so an administrator's password alone would be a path to every
  other role. The statistician sees only aggregate statistics, but GB/T 22239-2019 level 3, 8.1.4.1 d) asks
  for "两种或两种以上组合的鉴别技术" for every user, so it is not exempted either. The set stays data, so a
  deployment at a lower protection level could narrow it in one place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sealkeeper.access.vocabulary import AccessRole

LOCKOUT_CITATION = "GB/T 22239-2019 8.1.4.1 b) 登录失败处理; NIST SP 800-63B §5.2.2"
SESSION_CITATION = "GB/T 22239-2019 8.1.4.1 b) 登录连接超时自动退出; NIST SP 800-63B §4.3.3"
LENGTH_RULES_CITATION = "NIST SP 800-63B §5.1.1"
TOTP_CITATION = "GB/T 22239-2019 8.1.4.1 d) 两种或两种以上组合的鉴别技术; RFC 6238"


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    lock_for: dt.timedelta = dt.timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.window <= dt.timedelta(0) or self.lock_for <= dt.timedelta(0):
            raise ValueError("a lockout policy counts at least one failure over a positive window and lock")


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """``refresh_after``: a session's last-seen time is written again only when it is at least this old, so a
    busy session does not write on every request. The idle clock therefore runs from the last write: a session
    may end up to this much earlier than ``idle`` after the last request, never later."""

    idle: dt.timedelta = dt.timedelta(minutes=15)
    absolute: dt.timedelta = dt.timedelta(hours=12)
    refresh_after: dt.timedelta = dt.timedelta(seconds=30)

    def __post_init__(self) -> None:
        if not dt.timedelta(0) <= self.refresh_after < self.idle <= self.absolute:
            raise ValueError("a session policy needs 0 <= refresh_after < idle <= absolute")


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    min_length: int = 12
    max_length: int = 256


#: Roles whose accounts must present a TOTP code at every sign-in (see the module's docstring).
TOTP_REQUIRED: frozenset[AccessRole] = frozenset(AccessRole)


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    lockout: LockoutPolicy = LockoutPolicy()
    session: SessionPolicy = SessionPolicy()
    password: PasswordPolicy = PasswordPolicy()
    totp_roles: frozenset[AccessRole] = TOTP_REQUIRED

    def totp_required(self, roles: frozenset[AccessRole]) -> bool:
        """True when any of the account's roles needs a second factor (an account with no role does too)."""
        return not roles or bool(roles & self.totp_roles)


DEFAULT_POLICY = AuthPolicy()
