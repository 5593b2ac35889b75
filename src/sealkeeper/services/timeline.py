"""The dated events of one record for the clerk's record page: the record's own events (offence, judgment or
decision, end of sentence or probation), the waiting periods the deciding rule applies, and the procedure's
dates (decision, eligible on, sealed, unsealed; applications, objections and unsealing requests about it).

The procedure's dates are case data (``view_queue``, like the case page). The record's own events are its
content: shown only when the policy lets the account read the record (``read_record``, logged; a sealed record
is not read), and so are the waiting periods, whose start is one of those events. Nothing reads the clock.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from sealkeeper.access import AccessRequest, Account, Action, Context
from sealkeeper.config import Settings
from sealkeeper.errors import SealkeeperError
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.dates import add_months
from sealkeeper.rules.periods import derived_expressions, record_env, waiting_periods
from sealkeeper.services import sealed_records
from sealkeeper.services.authorization import decide_and_log, decide_on, refused
from sealkeeper.services.evaluation import pack_for
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.store_access import open_store
from sealkeeper.store import case_repository as repo
from sealkeeper.store.database import transaction
from sealkeeper.store.tables import bundles

#: Record events shown, by the bundle's event type (follow-ups name the conviction in ``conviction_id``).
RECORD_EVENTS = ("conviction", "non_prosecution", "acquittal", "dismissal", "case_withdrawn", "admin_penalty",
                 "caution", "sentence_completed", "probation_completed", "probation_revoked", "fine_paid",
                 "restitution_paid", "retrial")  # fmt: skip
RELATED = ("application", "objection", "unsealing")


def record_timeline(settings: Settings, actor: Account, case_id: str, at: dt.datetime) -> dict[str, Any] | None:
    """``{"events": [{"kind", "day", "ref"}], "periods": [...], "record_shown": bool, "status", "date"}`` for a
    sealing case, None for any other case."""
    ledger = open_ledger(settings)
    with transaction(open_store(settings)) as conn:
        queue = decide_on(conn, ledger, actor, Action.VIEW_QUEUE, at)
        found = sealed_records.target(conn, case_id) if queue.allowed else None
        if found is not None:
            row = repo.get_cases(conn, [case_id])[case_id]
            body: dict[str, Any] = json.loads(row.body)
            others = [(r.procedure, json.loads(r.body)) for p in RELATED
                      for r in repo.cases_where(conn, procedure=p, subject=row.subject, limit=200)]  # fmt: skip
            request = AccessRequest(actor, Action.READ_RECORD, found.resource(), Context(at, case_number=case_id))
            shown = decide_and_log(conn, ledger, request).allowed
            query = sa.select(bundles.c.facts).where(bundles.c.id == found.bundle)
            facts = conn.execute(query).scalar_one() if shown else None
    if not queue.allowed:
        raise refused(queue)  # after the transaction: the denial stays logged
    if found is None:
        return None
    events = _procedure_events(body) + _related_events(case_id, others)
    periods: list[dict[str, Any]] = []
    if facts is not None:
        record_events, periods = _record_events(json.loads(facts), found.record, body, at.date())
        events = record_events + events
    events.sort(key=lambda e: (e["day"], e["kind"]))
    return {"events": events, "periods": periods, "record_shown": shown, "status": body.get("status"),
            "date": _day(body.get("decision_date"))}  # fmt: skip


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _event(kind: str, value: Any, ref: str = "") -> list[dict[str, Any]]:
    day = value if isinstance(value, dt.date) else _day(value)
    return [{"kind": kind, "day": day, "ref": ref}] if day is not None else []


def _procedure_events(body: dict[str, Any]) -> list[dict[str, Any]]:
    out = _event("tracked", body.get("opened_on"), body.get("case_id", ""))
    if body.get("status") == "eligible_on" and body.get("state") == "scheduled":
        out += _event("eligible_on", body.get("eligible_on") or body.get("decision_date"))
    out += _event("sealed", body.get("sealed_since"))
    out += _event("unsealed", body.get("unsealed_on"))
    return out


def _related_events(case_id: str, others: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Applications naming the record, objections contesting it or those applications, unsealing requests."""
    applications = {b["case_id"] for p, b in others if p == "application" and case_id in b.get("records", ())}
    out: list[dict[str, Any]] = []
    for procedure, b in others:
        contest = (b.get("contest") or {}).get("case_id")
        about = (b["case_id"] in applications or (procedure == "objection" and contest in applications | {case_id})
                 or b.get("record_case") == case_id)  # fmt: skip
        if about:
            out += _event(f"{procedure}_filed", b.get("opened_on"), b["case_id"])
            out += _event(f"{procedure}_decided", b.get("decided_on"), b["case_id"])
    return out


def _record_events(
    facts: dict[str, Any], record: str, body: dict[str, Any], as_of: dt.date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    own = sealed_records.record_facts(json.dumps(facts), record)
    out: list[dict[str, Any]] = []
    for event in own["events"]:
        kind = "offense" if event.get("type") == "offense" else str(event.get("type"))
        if kind == "offense" or kind in RECORD_EVENTS:
            out += _event(kind, event.get("date"), str(event.get("id", "")))
        sentence = event.get("sentence") or {}
        if event.get("id") == record and sentence.get("suspended") and sentence.get("probation_months"):
            ends = add_months(dt.date.fromisoformat(event["date"]), int(sentence["probation_months"]))
            out += _event("probation_ends", ends, str(event.get("id", "")))
    return out, _periods(facts, record, body, as_of)


def _periods(facts: dict[str, Any], record: str, body: dict[str, Any], as_of: dt.date) -> list[dict[str, Any]]:
    rules, pack_ref = body.get("rules") or [], str(body.get("pack") or "")
    if not rules or not pack_ref:
        return []
    try:
        pack = pack_for(pack_ref.split("@", 1)[0])
        bundle = parse_bundle(facts)
        rule = pack.rule(rules[-1])
    except (SealkeeperError, KeyError):  # the pack changed since the decision: no period to draw
        return []
    env = record_env(pack, bundle, record, as_of)
    found = waiting_periods(rule, env, pack.params_at(as_of), derived_expressions(pack)) if env else ()
    return [{"rule": p.rule, "start_fact": p.start_fact, "start": p.start, "end": p.end,
             "lengths": [list(n) for n in p.lengths]} for p in found]  # fmt: skip
