"""Errors of the access-control core. Messages name rules, roles, actions, record ids and account ids only:
never a name, an ID number, a case number or a stated purpose's free text."""

from __future__ import annotations

from sealkeeper.errors import SealkeeperError


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
        super().__init__(f"certificate blocked by record(s) {', '.join(record_ids)}: {why}")
