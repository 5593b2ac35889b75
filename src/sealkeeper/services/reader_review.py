"""The reader's proposal for the record of a sealing case, as the clerk's case page shows it, and the clerk's
confirmation or rejection of it.

A proposal is the record's content: it is shown only when the policy lets the account read the record
(``read_record``; a sealed record is not shown), and that decision is logged like every other. Each field
is set beside what the stored record says, so the clerk sees where they agree. Confirming or rejecting
changes only the proposal's state (logged in the ledger); the rules engine reads the stored record, never a
proposal, so a fact enters a decision only once a person has put it in the record (import or correction).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from sealkeeper.access import AccessRequest, Account, Action, Context
from sealkeeper.config import Settings
from sealkeeper.errors import SealkeeperError
from sealkeeper.reader.extract import age_on
from sealkeeper.rules.cn_statute import StatuteParseError, parse_criminal_law_citation
from sealkeeper.services import sealed_records
from sealkeeper.services.authorization import decide_and_log, refused
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.protection import open_protector
from sealkeeper.services.store_access import open_store
from sealkeeper.store import repository as repo
from sealkeeper.store.database import transaction
from sealkeeper.store.reader_tables import CONFIRMED, NEEDS_REVIEW, REJECTED, reader_proposals
from sealkeeper.store.tables import bundles

VERDICTS = {"confirm": CONFIRMED, "reject": REJECTED}
ORDER = ("charge", "article", "sentence", "offence_date", "judgment_date", "birth_date", "juvenile")
FIELD = "reader_proposal"


def binding(bundle_id: str, record_id: str) -> str:
    """What a proposal's ciphertext is bound to (with the field and the version)."""
    return f"{bundle_id}/{record_id}"


class ProposalError(SealkeeperError):
    """No proposal to act on, or one already decided."""


def _recorded(facts: dict[str, Any], record: str) -> dict[str, Any]:
    """What the stored record says for each proposed field (None where it says nothing)."""
    own = sealed_records.record_facts(json.dumps(facts), record)
    events = own["events"]
    decided: dict[str, Any] = next((e for e in events if e.get("id") == record), {})
    offence: dict[str, Any] = next((e for e in events if e.get("type") == "offense"), {})
    named = offence.get("offense") or {}
    sentence = {"event": decided.get("type"), "sentence": decided.get("sentence")}
    birth, committed = own["person"].get("birth_date"), offence.get("date")
    juvenile = None
    if isinstance(birth, str) and isinstance(committed, str):
        juvenile = age_on(dt.date.fromisoformat(birth), dt.date.fromisoformat(committed)) < 18
    return {"charge": named.get("name"), "article": named.get("statute"), "sentence": sentence,
            "offence_date": committed, "judgment_date": decided.get("date"), "birth_date": birth,
            "juvenile": juvenile}  # fmt: skip


def _same_article(proposed: str, recorded: str) -> bool:
    """刑法第二百六十四条 and 刑法第264条 are the same article."""
    try:
        a, b = parse_criminal_law_citation(proposed), parse_criminal_law_citation(recorded)
    except StatuteParseError:
        return False
    return a is not None and b is not None and a.key == b.key


def _agrees(name: str, proposed: Any, recorded: Any) -> bool | None:
    if proposed is None or recorded is None:
        return None
    if name == "charge":
        return bool(proposed.get("name") == recorded)
    if name == "article":
        return _same_article(proposed, recorded)
    if name == "sentence":
        if proposed.get("event") != recorded.get("event"):
            return False
        return proposed.get("sentence") is None or proposed.get("sentence") == recorded.get("sentence")
    return bool(proposed == recorded)


def for_case(settings: Settings, actor: Account, case_id: str, at: dt.datetime) -> dict[str, Any] | None:
    """The proposal for the case's record, or None when there is none; ``{"shown": False}`` when the policy
    does not let ``actor`` read the record."""
    with transaction(open_store(settings)) as conn:
        found = sealed_records.target(conn, case_id)
        if found is None:
            return None
        key = (reader_proposals.c.bundle_id == found.bundle) & (reader_proposals.c.record_id == found.record)
        row = conn.execute(sa.select(reader_proposals).where(key)).first()
        if row is None:
            return None
        request = AccessRequest(actor, Action.READ_RECORD, found.resource(), Context(at, case_number=case_id))
        if not decide_and_log(conn, open_ledger(settings), request).allowed:
            return {"shown": False}
        kek_id, blob = repo.wrapped_keys(conn, [row.token]).get(row.token, (None, None))
        protector = open_protector(conn, settings)
        dek = protector.data_key(row.token, kek_id, blob)
        body = json.loads(protector.unseal(dek, binding(row.bundle_id, row.record_id), FIELD, row.version, row.body))
        facts = conn.execute(sa.select(bundles.c.facts).where(bundles.c.id == row.bundle_id)).scalar_one()
    recorded = _recorded(json.loads(facts), row.record_id)
    fields = [{"name": name, **item, "recorded": recorded.get(name),
               "agrees": _agrees(name, item["value"], recorded.get(name))}
              for name in ORDER if (item := body["facts"].get(name)) is not None]  # fmt: skip
    return {"shown": True, "state": row.state, "model_version": row.model_version, "fields": fields,
            "proposed_on": row.proposed_on.isoformat(), "decided_by": row.decided_by,
            "decided_on": row.decided_on.isoformat() if row.decided_on else None}  # fmt: skip


def decide(settings: Settings, actor: Account, case_id: str, verdict: str, at: dt.datetime) -> str:
    """The clerk confirms or rejects the proposal for the case's record; returns the new state."""
    if verdict not in VERDICTS:
        raise ProposalError(f"verdict: {verdict!r} is not confirm or reject")
    with transaction(open_store(settings)) as conn:
        found = sealed_records.target(conn, case_id)
        if found is None:
            raise ProposalError(f"case_id: no sealing case {case_id}")
        key = (reader_proposals.c.bundle_id == found.bundle) & (reader_proposals.c.record_id == found.record)
        row = conn.execute(sa.select(reader_proposals.c.state, reader_proposals.c.model_version).where(key)).first()
        if row is None:
            raise ProposalError(f"case_id: no proposal for the record of {case_id}")
        request = AccessRequest(actor, Action.READ_RECORD, found.resource(), Context(at, case_number=case_id))
        ledger = open_ledger(settings)
        decision = decide_and_log(conn, ledger, request)
        if decision.allowed:
            if row.state != NEEDS_REVIEW:
                raise ProposalError(f"proposal: already {row.state}")
            state = VERDICTS[verdict]
            conn.execute(reader_proposals.update().where(key)
                         .values(state=state, decided_by=actor.id, decided_on=at.date()))  # fmt: skip
            ledger.append(conn, {"type": f"reader.{state}", "subject": found.subject, "case_number": case_id,
                                 "record": found.record, "account": actor.id,
                                 "model": f"reader v{row.model_version}", "at": at.isoformat()})  # fmt: skip
    if not decision.allowed:
        raise refused(decision)
    return state
