"""Errors of the access-control core. Messages name rules, roles, actions, record ids and account ids only:
never a name, an ID number, a case number or a stated purpose's free text."""

from __future__ import annotations

from enum import Enum, unique

from sealkeeper.errors import SealkeeperError


@unique
class AccessRefusal(Enum):
    """Why an approval grant cannot be made, in English with the values named; the member's name in lower case
    is the code the web pages translate (``SealkeeperError.of``)."""

    GRANT_PARTIES = "a grant names a record, a requester and an approver"
    GRANT_CASE_NUMBER = "a grant names the requester's case number"
    GRANT_WINDOW = "a grant's window ends after it begins"
    JUDICIAL_PURPOSE = "purpose is not one of {purposes}"
    DELAY_REASON = "notice-delay reason is not one of {reasons}"


#: What ``CertificateBlockedError`` says (code ``certificate_blocked``: the pages translate it and its ``why``).
CERTIFICATE_BLOCKED = "certificate blocked by record(s) {records}: {why}"


class AccessError(SealkeeperError):
    """Base of every error raised by ``sealkeeper.access``."""


class PolicyDataError(AccessError):
    """The access policy shipped in the package is malformed (a file, a rule id, a column)."""


class GrantError(AccessError):
    """An approval grant cannot be made as asked (bad window, unknown purpose, no case number)."""


class SelfApprovalError(GrantError):
    """The approver is the requester: access to a sealed record needs a second person."""


class CertificateError(AccessError):
    """A certificate cannot be computed as asked (unknown purpose or pack, mismatched decision)."""


class CertificateBlockedError(CertificateError):
    """A record's decision or offence categories are not known: no certificate until a clerk resolves it."""

    def __init__(self, record_ids: tuple[str, ...], why: str) -> None:
        self.record_ids = record_ids
        values = {"records": ", ".join(record_ids), "why": why}
        super().__init__(CERTIFICATE_BLOCKED.format(**values))
        self.coded("certificate_blocked", **values)
