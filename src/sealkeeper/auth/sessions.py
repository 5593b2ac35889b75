"""Whether a session or an API token still admits its holder at a given time, as a value with a reason.

A session ends ``idle`` after it was last seen and ``absolute`` after it began, whichever comes first; both
bounds are exclusive (at exactly ``last_seen + idle`` the session has ended). An API token ends at its
``expires`` (exclusive) or when revoked. A disabled account admits nobody by either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sealkeeper.auth.policy import SessionPolicy


class Admission(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"  # no such session or token (also: logged out)
    IDLE = "idle"
    EXPIRED = "expired"
    REVOKED = "revoked"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class SessionCheck:
    """``touch``: the service should store ``at`` as the new last-seen time (only on ``ok``)."""

    admission: Admission
    account: str | None = None
    touch: bool = False

    @property
    def ok(self) -> bool:
        return self.admission is Admission.OK

    @property
    def reason(self) -> str:
        return f"auth.session.{self.admission}"


def session_ends(created: dt.datetime, last_seen: dt.datetime, policy: SessionPolicy) -> dt.datetime:
    """The first instant at which a session seen last at ``last_seen`` no longer admits."""
    return min(last_seen + policy.idle, created + policy.absolute)


def check_session(  # noqa: PLR0917 - the stored session's fields, then the time and the policy
    account: str,
    created: dt.datetime,
    last_seen: dt.datetime,
    disabled: bool,
    at: dt.datetime,
    policy: SessionPolicy,
) -> SessionCheck:
    if disabled:
        return SessionCheck(Admission.DISABLED, account)
    if at >= created + policy.absolute:
        return SessionCheck(Admission.EXPIRED, account)
    if at >= last_seen + policy.idle:
        return SessionCheck(Admission.IDLE, account)
    return SessionCheck(Admission.OK, account, touch=at - last_seen >= policy.refresh_after)


def check_api_token(
    account: str, expires: dt.datetime, revoked: dt.datetime | None, disabled: bool, at: dt.datetime
) -> SessionCheck:
    if disabled:
        return SessionCheck(Admission.DISABLED, account)
    if revoked is not None and at >= revoked:
        return SessionCheck(Admission.REVOKED, account)
    if at >= expires:
        return SessionCheck(Admission.EXPIRED, account)
    return SessionCheck(Admission.OK, account)
