"""What the person sees of the accesses to their records (PIPL Art. 44 [M]; issue 6): every allowed read of one
of their records by someone else, each with its ledger index, the entry's bytes and an inclusion proof against a
signed checkpoint, so the person can check it without trusting the operator.

While an access's notice is delayed for a stated legal reason (the approver's ``NoticeDelay``), the person sees
nothing of it, here or in the public ledger (its entries are withheld: ``judicial_access``). From the delay's
last day on, its notice is logged (``access_notices``, in the same transaction as this look) and the access is
shown with the delay it was under, its reason and its citation (``access.notice_view``).

Denied attempts are not listed: a denial under no grant carries no delay, so listing it would announce a
delayed investigation. Requests and approvals are not accesses (they read nothing); procedure steps by staff
(deciding an application, reviewing an objection) are the person's own procedures, shown there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sealkeeper.access import AccessNotice, AccessRequest, Account, Action, Context, Resource
from sealkeeper.access import notice_view as view_of
from sealkeeper.config import Settings
from sealkeeper.services import access_notices, ledger_queries, representatives
from sealkeeper.services.authorization import decide_and_log, refused
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.store_access import open_store
from sealkeeper.store.database import transaction

#: Decisions that showed a record's content to someone: reads and certificates. Approving a request reads nothing
#: (and its decision carries no notice delay: listing it would announce a delayed read).
_READS = frozenset(str(a) for a in (Action.READ_RECORD, Action.READ_SEALED_RECORD, Action.ISSUE_CERTIFICATE))


def is_access(event: dict[str, Any], own_account: str) -> bool:
    """An allowed decision that showed one of the person's records to another account, or the notice of an
    access logged when its delay ended."""
    if event.get("type") == access_notices.RELEASED:
        return True
    return (
        event.get("type") == "access.decision"
        and event.get("outcome") == "allow"
        and event.get("action") in _READS
        and bool(event.get("record"))
        and event.get("account") != own_account
    )


def my_access_history(
    settings: Settings, subject_account: Account, at: dt.datetime, lang: str = "en", on_behalf_of: str = ""
) -> dict[str, Any]:
    """The accesses to the person's records as they may see them on ``at`` (SEE_OWN_ACCESS_HISTORY, logged),
    with the checkpoint the proofs are against, the verifier key and the opening of the subject commitment.
    A guardian or counsel names the person it represents (``on_behalf_of``; an approved link is needed)."""
    ledger = open_ledger(settings)
    with transaction(open_store(settings)) as conn:
        account, subject = subject_account, subject_account.subject
        if representatives.is_representative(account):
            account, _ = representatives.acting_for(conn, account, on_behalf_of)
            subject = on_behalf_of
        ask = AccessRequest(
            account, Action.SEE_OWN_ACCESS_HISTORY, Resource(sealed=False, subject=subject), Context(at)
        )
        decision = decide_and_log(conn, ledger, ask)
        if decision.allowed:
            access_notices.release_due(conn, ledger, at.date(), at, subject)
    if not decision.allowed:
        raise refused(decision)
    trail = ledger_queries.trail(settings, subject)
    accesses = []
    for item in trail["entries"]:
        event = item["event"]
        if not is_access(event, subject_account.id):
            continue
        seen = view_of(AccessNotice.from_ledger(str(item["index"]), event), at.date(), lang)
        if not seen.shown:
            continue  # still delayed (an entry logged before withholding): not even its existence is shown
        shown: dict[str, Any] = {"shown": seen.shown, "day": seen.day, "text": seen.text,
                                 "delayed_until": seen.delayed_until, "delay_reason": seen.delay_reason,
                                 "citation": seen.citation}  # fmt: skip
        if seen.access is not None:
            shown |= {
                "at": seen.access.at, "account": seen.access.account, "role": seen.access.role,
                "action": seen.access.action, "purpose": seen.access.purpose, "record": event["record"],
                "index": item["index"], "entry": item["entry"], "proof": item["proof"],
            }  # fmt: skip
        accesses.append(shown)
    return {
        "checkpoint": trail["checkpoint"],
        "verifier_key": trail["verifier_key"],
        "subject_commitment": trail["subject_commitment"],
        "opening": trail["opening"],
        "how_to_check": trail["how_to_check"],
        "accesses": accesses,
    }
