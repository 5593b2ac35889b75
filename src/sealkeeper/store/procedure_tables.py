"""The tables of the procedures, on the record store's ``metadata`` (migration 0003 creates them).

- ``cases``: one row per procedure case (automatic sealing of a record, applications, objections, unsealing,
  correction and deletion requests, complaints). The indexed columns (procedure, subject token, bundle and
  record, the applied decision's input hash, state, version, due, eligible_on) serve the queues and the daily
  run; ``body`` is the whole case as canonical JSON (``adapters.case_codec``) without narrative;
  ``narrative`` holds the reasons' free text, encrypted under the person's data key and bound to (case,
  version). No name or ID number is ever in a case.
- ``runs``: one row per daily sealing run: the day it ran for, its plan size and how far it got. A run whose
  ``finished`` is empty was interrupted; the next run catches up (the plan is idempotent).
- ``access_requests``: a judicial requester's request to read one sealed record, its approval or denial, and
  the grant's validity window (time-limited, one record).
- ``documents``: every signed document issued (certificates, decision letters): the verification code, the
  canonical payload that was signed (no ID number) and the signature.
- ``flags``: monitoring flags for the supervisor's queue, with the ledger entries behind each.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, LargeBinary, String, Table, Text

from sealkeeper.store.tables import metadata

cases = Table(
    "cases",
    metadata,
    Column("case_id", String(160), primary_key=True),
    Column("procedure", String(16), nullable=False),
    Column("subject", String(32), nullable=False, index=True),
    Column("bundle", String(64), nullable=True),
    Column("record", String(64), nullable=True),
    Column("input_hash", String(64), nullable=True),
    Column("state", String(24), nullable=False),
    Column("version", Integer, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("due", Date, nullable=True),
    Column("eligible_on", Date, nullable=True),
    Column("body", Text, nullable=False),
    Column("narrative", LargeBinary, nullable=True),
)
Index("ix_cases_procedure_state", cases.c.procedure, cases.c.state)
# The procedure last: the certificate's join on all three matches it whole (migration 0009).
Index("ix_cases_bundle", cases.c.bundle, cases.c.record, cases.c.procedure)
Index("ix_cases_eligible_on", cases.c.eligible_on)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("day", Date, nullable=False, index=True),
    Column("started", DateTime(timezone=True), nullable=False),
    Column("finished", DateTime(timezone=True), nullable=True),
    Column("planned", Integer, nullable=False),
    Column("applied", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
)

access_requests = Table(
    "access_requests",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("requester", String(64), nullable=False, index=True),
    Column("record", String(160), nullable=False),
    Column("subject", String(32), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("case_number", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("approver", String(64), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("valid_from", DateTime(timezone=True), nullable=True),
    Column("valid_until", DateTime(timezone=True), nullable=True),
    Column("delay_reason", String(64), nullable=True),
    Column("delay_until", Date, nullable=True),
)

documents = Table(
    "documents",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("subject", String(32), nullable=True, index=True),
    Column("issued_on", Date, nullable=False),
    Column("payload", Text, nullable=False),
    Column("signature", LargeBinary, nullable=False),
)

flags = Table(
    "flags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("account", String(64), nullable=False),
    Column("raised_on", Date, nullable=False),
    Column("state", String(16), nullable=False),
    Column("detail", Text, nullable=False),
)
