"""Guardians and counsel acting for a person (issue 6: the person "or guardian, or counsel").

A representative is an account of its own role (``representative``), not a data-subject account: a data-subject
account stands for exactly one person, itself (its subject token, rule ``subject.own_records_only``), while a
guardian or counsel is another person who may act for several people (counsel for several clients), in a stated
capacity, only while a clerk's approval stands, and whose every act must say in which capacity it was done.

The link is a procedure case (``procedures.representation``: requested → approved by a clerk, revoked or
withdrawn), so every link and its decision is in the ledger like any step. When a representative acts, the
service finds the approved link for the person acted for, gives the policy the account with that person in
``represents`` (rule ``representative.represented_only`` denies anyone else) and the procedure the
representative's capacity as its role (guardian or counsel), which the case and its events record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Connection

from sealkeeper.access import AccessRole, Account, Action
from sealkeeper.adapters import case_codec
from sealkeeper.config import Settings
from sealkeeper.procedures.base import Case, Role
from sealkeeper.procedures.representation import ROLE_OF, Capacity, RepresentationCase, RepresentationState
from sealkeeper.services.authorization import require
from sealkeeper.services.store_access import open_store
from sealkeeper.store import case_repository as repo
from sealkeeper.store.database import transaction

PROCEDURE = "representation"


def is_representative(account: Account) -> bool:
    return AccessRole.REPRESENTATIVE in account.roles


def _links(conn: Connection, *, subject: str | None = None, states: tuple[str, ...] = ()) -> list[RepresentationCase]:
    rows = repo.cases_where(conn, procedure=PROCEDURE, subject=subject, states=states, limit=10_000)
    return [c for c in (case_codec.decode(r.procedure, r.body) for r in rows) if isinstance(c, RepresentationCase)]


def approved_link(conn: Connection, account_id: str, subject: str) -> RepresentationCase | None:
    """The representative's approved link to ``subject``, if one stands."""
    if not subject:
        return None
    approved = _links(conn, subject=subject, states=(str(RepresentationState.APPROVED),))
    return next((link for link in approved if link.representative == account_id), None)


def acting_for(conn: Connection, account: Account, subject: str) -> tuple[Account, Role | None]:
    """The account as the policy sees it when acting for ``subject`` (with ``represents`` set from the approved
    link) and the procedure role it acts in (its capacity; None without a link). Other accounts unchanged."""
    if not is_representative(account):
        return account, None
    link = approved_link(conn, account.id, subject)
    if link is None:
        return replace(account, represents=frozenset()), None
    return replace(account, represents=frozenset({subject})), ROLE_OF[link.capacity]


def for_request(conn: Connection, account: Account, procedure: str, body: Any) -> tuple[Account, str, Role]:
    """A representative's request: (the account for the policy, the person it is for, the procedure role).
    Asking for a link is made for ``subject`` in the capacity asked for; anything else for ``on_behalf_of``, in
    the capacity of the approved link (without one, the policy refuses it, and the refusal is logged)."""
    if procedure == PROCEDURE:
        capacity = str(body.get("capacity") or "")
        known = capacity in {str(c) for c in Capacity}  # an unknown one is refused by the opening, named
        role = ROLE_OF[Capacity(capacity)] if known else Role.COUNSEL
        return account, str(body.get("subject") or ""), role
    subject = str(body.get("on_behalf_of") or "")
    acting, linked = acting_for(conn, account, subject)
    return acting, subject, linked or Role.COUNSEL


def for_case(conn: Connection, account: Account, case: Case) -> tuple[Account, Role]:
    """A representative's step in ``case``: acting for the case's person under an approved link; in its own
    link case, in the capacity it asked for (to withdraw it, approved or not)."""
    acting, role = acting_for(conn, account, case.subject)
    if isinstance(case, RepresentationCase) and case.representative == account.id:
        return acting, ROLE_OF[case.capacity]
    return acting, role or Role.COUNSEL


def links_of(settings: Settings, account: Account, at: dt.datetime) -> list[dict[str, Any]]:
    """The representative's own links in every state (request_representation, logged)."""
    require(settings, account, Action.REQUEST_REPRESENTATION, at)
    with transaction(open_store(settings)) as conn:
        decoded = (case_codec.decode(r.procedure, r.body) for r in repo.each_case(conn, PROCEDURE))
        links = [c for c in decoded if isinstance(c, RepresentationCase) and c.representative == account.id]
    return [
        {"case_id": link.case_id, "subject": link.subject, "capacity": str(link.capacity), "basis": str(link.basis),
         "state": str(link.state), "due": None if link.due is None else link.due.isoformat()}
        for link in links
    ]  # fmt: skip
