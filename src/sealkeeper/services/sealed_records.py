"""The sealed records judicial access is about, in the store: a sealing case (``SE-…``) as an access resource,
the requester's confirmed cases, and the facts of one record (no identity, no source bundle id)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.access import Resource
from sealkeeper.store.procedure_tables import access_requests, cases
from sealkeeper.store.tables import bundles

APPROVED = "approved"


@dataclass(frozen=True)
class Target:
    """A sealing case as an access resource (its subject token, jurisdiction, source bundle and record)."""

    case_id: str
    subject: str
    sealed: bool
    jurisdiction: str
    bundle: str
    record: str

    def resource(self, requester_cases: frozenset[str] = frozenset()) -> Resource:
        return Resource(self.sealed, self.case_id, self.jurisdiction, self.subject, requester_cases)


def target(conn: Connection, case_id: str) -> Target | None:
    query = (
        sa.select(cases.c.case_id, cases.c.subject, cases.c.state, cases.c.bundle, cases.c.record,
                  bundles.c.jurisdiction)
        .select_from(cases.join(bundles, bundles.c.id == cases.c.bundle))
        .where(cases.c.case_id == case_id, cases.c.procedure == "sealing")
    )  # fmt: skip
    row = conn.execute(query).first()
    if row is None:
        return None
    return Target(row.case_id, row.subject, row.state == "sealed", row.jurisdiction, row.bundle, row.record)


def confirmed_cases(conn: Connection, requester: str) -> frozenset[str]:
    """The case numbers an approver has confirmed as the requester's own (their approved requests)."""
    query = sa.select(access_requests.c.case_number).where(
        access_requests.c.requester == requester, access_requests.c.state == APPROVED
    )
    return frozenset(conn.execute(query).scalars())


def record_facts(facts_json: str, record: str) -> dict[str, Any]:
    """The facts of one record of a bundle: the person's facts, the record's event and the events tied to it
    (its offences, and what refers to it). The source bundle id is left out."""
    facts = json.loads(facts_json)
    events = facts.get("events", [])
    own: dict[str, Any] = next((e for e in events if e.get("id") == record), {})
    tied = set(own.get("offense_ids", [])) | {record}
    chosen = [e for e in events if e.get("id") in tied or e.get("conviction_id") == record]
    return {"jurisdiction": facts.get("jurisdiction"), "as_of": facts.get("as_of"),
            "person": facts.get("person", {}), "events": chosen}  # fmt: skip
