"""Opening procedures and taking their steps, for people and staff, behind the access policy.

    open_case(settings, account, "application", {"records": ["SE-…"], "materials": ["M-1"]}, at)
    take_step(settings, account, "AP-…", "ReviewMaterials", {}, at)

Each call is one transaction: the policy's decision (logged, allow or deny), the procedure's transition (the
pure state machine decides; its refusal names procedure, case, state and command), the follow-ups it orders in
record cases (``procedures.effects``: a granted application seals, a granted unsealing unseals…) and every event
in the ledger. A refusal by the policy is raised after the transaction, so the denial stays logged.

The acting role is the first of the account's roles that the procedure's step accepts; the access action is the
procedure's own for the person (apply, object, request_correction, request_deletion, complain), request_unsealing
for a judicial organ, decide_application / review_objection / decide_complaint (the higher authority's 复议) for
those decisions, and handle_case for every other staff step.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.access import AccessRequest, Account, Action, Context, Resource
from sealkeeper.config import Settings
from sealkeeper.procedures import application, complaint, objection, representation, rights, unsealing
from sealkeeper.procedures.base import Actor, Case, Event, Role, transition
from sealkeeper.procedures.effects import follow_ups
from sealkeeper.procedures.sealing import RecordCase, SealingState
from sealkeeper.services import erasure, representatives
from sealkeeper.services import opening_fields as field
from sealkeeper.services.authorization import decide_and_log, refused
from sealkeeper.services.cases import CaseBook, ledger_event
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.own_cases import cases_of_subject, publications
from sealkeeper.services.procedure_catalogue import (
    CaseNotFoundError,
    InputError,
    allowed_commands,
    commands_of,
    parse_command,
    procedures,
    state_names,
    view,
)
from sealkeeper.services.protection import open_protector
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.services.store_access import open_store
from sealkeeper.store import case_repository as repo
from sealkeeper.store.database import transaction
from sealkeeper.store.repository import subject as repo_subject
from sealkeeper.store.tables import bundles

PREFIX = {"application": "AP", "objection": "OB", "unsealing": "UN", "correction": "CO", "deletion": "DL",
          "complaint": "CP", "representation": "RP"}  # fmt: skip
OWN_ACTION = {"application": Action.APPLY, "objection": Action.OBJECT, "correction": Action.REQUEST_CORRECTION,
              "deletion": Action.REQUEST_DELETION, "complaint": Action.COMPLAIN}  # fmt: skip
FOLLOW_UP = Actor("system:follow-up", Role.SYSTEM)


def _roles(account: Account) -> list[Role]:
    values = {str(r) for r in account.roles}
    return [role for role in Role if str(role) in values]


def _actor(account: Account, allowed: frozenset[Role] | None = None) -> Actor:
    for role in _roles(account):
        if allowed is None or role in allowed:
            return Actor(account.id, role)
    roles = _roles(account)
    return Actor(account.id, roles[0] if roles else Role.SYSTEM)


_DECISIONS = {(Role.APPROVER, "application", "Decide"): Action.DECIDE_APPLICATION,
              (Role.REVIEWER, "objection", "Vote"): Action.REVIEW_OBJECTION,
              (Role.HIGHER_AUTHORITY, "complaint", "Reconsider"): Action.DECIDE_COMPLAINT}  # fmt: skip


def _action(procedure: str, role: Role, command: str) -> Action:
    if role in representation.REPRESENTATIVES and procedure == "representation":
        return Action.REQUEST_REPRESENTATION
    if role is Role.SUBJECT or role in representation.REPRESENTATIVES:
        return OWN_ACTION.get(procedure, Action.HANDLE_CASE)
    if role is Role.JUDICIAL:
        return Action.REQUEST_UNSEALING
    return _DECISIONS.get((role, procedure, command), Action.HANDLE_CASE)


def record_cases_of(case: Case) -> tuple[str, ...]:
    if isinstance(case, application.ApplicationCase):
        return case.records
    if isinstance(case, unsealing.UnsealingCase | rights.RightsCase):
        return (case.record_case,)
    if isinstance(case, objection.ObjectionCase):
        return (case.contest.case_id,)
    if isinstance(case, RecordCase):
        return (case.case_id,)
    return ()


class _Work:
    """One request's transaction: the cases read and changed, the events, the follow-ups."""

    def __init__(self, conn: Connection, settings: Settings) -> None:
        self.conn, self.settings = conn, settings
        self.book = CaseBook(conn, open_protector(conn, settings))
        self.read: dict[str, tuple[Case, int]] = {}
        self.bundle_of: dict[str, str] = {}  # record case id -> its source bundle (as read with the case)
        self.events: list[Event] = []

    def case(self, case_id: str) -> Case:
        if case_id not in self.read:
            row = repo.get_cases(self.conn, [case_id]).get(case_id)
            if row is None:
                raise CaseNotFoundError.of(ServiceRefusal.NO_CASE, case_id=case_id)
            self.read[case_id] = (self.book.read(row), row.version)
            if row.bundle:
                self.bundle_of[case_id] = row.bundle
        return self.read[case_id][0]

    def resource(self, case: Case, subject: str) -> Resource:
        records = [self.case(cid) for cid in record_cases_of(case) if cid.startswith("SE-")]
        sealed = any(isinstance(r, RecordCase) and r.is_sealed for r in records)
        record = next((r.record_id for r in records if isinstance(r, RecordCase)), case.case_id)
        return Resource(sealed=sealed, record=record, jurisdiction=self.jurisdiction(records), subject=subject)

    def jurisdiction(self, records: list[Case]) -> str:
        for record in records:
            if bundle := self.bundle_of.get(record.case_id):
                found = self.conn.execute(sa.select(bundles.c.jurisdiction).where(bundles.c.id == bundle))
                return str(found.scalar_one())
        return ""

    def change(
        self, before: Case | None, after: Case, events: tuple[Event, ...], actor: Actor, at: dt.datetime
    ) -> None:
        self.events.extend(events)
        if before is None:
            self.book.stage(after)
        else:
            self.book.stage(after, expected=self.read[before.case_id][1])
            self.read[after.case_id] = (after, self.read[before.case_id][1])
        refused_app = after.contest.case_id if isinstance(after, objection.ObjectionCase) else None
        records_of = {}
        if refused_app and refused_app.startswith("AP-"):
            contested = self.case(refused_app)
            assert isinstance(contested, application.ApplicationCase)  # noqa: S101 - AP- ids are applications
            records_of[refused_app] = contested.records
        for follow in follow_ups(before or after, after, records_of):
            record = self.case(follow.record_case)
            steps = type(record).MACHINE.steps.get((record.state, type(follow.command)))
            who = actor if steps is not None and actor.role in steps.roles else FOLLOW_UP
            new, emitted = transition(record, follow.command, who, at)
            self.change(record, new, emitted, who, at)

    def commit(self) -> None:
        self.book.flush()
        if self.events:
            open_ledger(self.settings).append_many(self.conn, [ledger_event(e) for e in self.events])


def _opened(  # noqa: PLR0917 - the request, and for whom and in which role it is made
    work: _Work,
    procedure: str,
    account: Account,
    body: Mapping[str, Any],
    at: dt.datetime,
    subject: str,
    actor: Actor,
) -> tuple[Case, tuple[Event, ...], Actor]:
    case_id = f"{PREFIX[procedure]}-{secrets.token_hex(8)}"
    case: Case
    events: tuple[Event, ...]
    try:
        if procedure == "application":
            records, materials = field.texts(procedure, body, "records"), field.texts(procedure, body, "materials")
            case, events = application.file_application(case_id, subject, actor, at, records=records,
                                                        materials=materials)  # fmt: skip
        elif procedure == "objection":
            contested = work.case(field.text(procedure, body, "contest"))
            subject = contested.subject
            contest = (objection.contest_refusal(contested) if isinstance(contested, application.ApplicationCase)
                       else objection.contest_unsealing(contested))  # type: ignore[arg-type]  # fmt: skip
            case, events = objection.file_objection(case_id, subject, actor, at, contest=contest)
        elif procedure in ("correction", "deletion"):
            opener = rights.file_correction if procedure == "correction" else rights.file_deletion
            case, events = opener(case_id, subject, actor, at, record_case=field.text(procedure, body, "record_case"),
                                  fields=field.texts(procedure, body, "fields"))  # fmt: skip
        elif procedure == "complaint":
            case, events = complaint.file_complaint(case_id, subject, actor, at,
                                                    ground=field.choice(procedure, body, "ground", complaint.Ground),
                                                    concerning=field.text(procedure, body, "concerning"))  # fmt: skip
        elif procedure == "representation":
            capacity = field.choice(procedure, body, "capacity", representation.Capacity)
            # the actor's role is the capacity asked for only for a representative (``_for_whom``): anyone else
            # keeps their own role, and the procedure refuses the link (Refusal.CAPACITY_ROLE)
            case, events = representation.file_representation(
                case_id, subject, actor, at, capacity=capacity,
                basis=field.choice(procedure, body, "basis", representation.Basis),
                document=field.text(procedure, body, "document"),
            )  # fmt: skip
        elif procedure == "unsealing":
            record = work.case(field.text(procedure, body, "record_case"))
            subject = record.subject
            grounds = field.reasons(procedure, body, "grounds")
            case, events = unsealing.request_unsealing(case_id, subject, actor, at, record_case=record.case_id,
                                                       grounds=grounds)  # fmt: skip
        else:
            raise InputError.of(ServiceRefusal.NOT_OPENED_BY_REQUEST, procedure=procedure)
    except (TypeError, ValueError):  # what the fields' checks above did not foresee: no Python text shown
        raise InputError.of(ServiceRefusal.INVALID_OPENING, procedure=procedure) from None
    return case, events, actor


def _for_whom(conn: Connection, account: Account, procedure: str,
              body: Mapping[str, Any]) -> tuple[Account, str, Actor]:  # fmt: skip
    """The account as the policy sees it, the person the request is for, and the actor (a representative:
    ``representatives.for_request``; anyone else acts for themselves)."""
    if not representatives.is_representative(account):
        return account, account.subject, _actor(account)
    if procedure == "representation" and repo_subject(conn, str(body.get("subject") or "")) is None:
        raise InputError.of(ServiceRefusal.UNKNOWN_SUBJECT)
    if procedure != "representation" and not body.get("on_behalf_of"):
        raise InputError.of(ServiceRefusal.NO_PERSON_NAMED)
    acting, subject, role = representatives.for_request(conn, account, procedure, body)
    return acting, subject, Actor(account.id, role)


def open_case(settings: Settings, account: Account, procedure: str, body: Mapping[str, Any], at: dt.datetime) -> Case:
    if procedure not in PREFIX:
        raise InputError.of(ServiceRefusal.UNKNOWN_PROCEDURE, procedures=", ".join(sorted(PREFIX)))
    with transaction(open_store(settings)) as conn:
        work = _Work(conn, settings)
        account, subject, actor = _for_whom(conn, account, procedure, body)
        for cid in field.texts(procedure, body, "records"):
            if work.case(str(cid)).subject != subject:
                raise InputError.of(ServiceRefusal.NOT_APPLICANTS_RECORD, record=cid)
        case, events, actor = _opened(work, procedure, account, body, at, subject, actor)
        context = Context(at, str(body.get("purpose", "")), str(body.get("case_number", "")))
        resource = work.resource(case, case.subject)
        if actor.role is Role.JUDICIAL:
            resource = Resource(resource.sealed, resource.record, resource.jurisdiction, resource.subject,
                                frozenset({context.case_number} - {""}))  # fmt: skip
        decision = decide_and_log(
            conn,
            open_ledger(settings),
            AccessRequest(account, _action(procedure, actor.role, "open"), resource, context),
        )
        if decision.allowed:
            work.change(None, case, events, actor, at)
            work.commit()
    if not decision.allowed:
        raise refused(decision)
    return case


def take_step(settings: Settings, account: Account, case_id: str, name: str, body: Mapping[str, Any], *,
              at: dt.datetime) -> Case:  # fmt: skip
    with transaction(open_store(settings)) as conn:
        work = _Work(conn, settings)
        case = work.case(case_id)
        command = parse_command(case.PROCEDURE, name, body)
        step = type(case).MACHINE.steps.get((case.state, type(command)))
        actor = _actor(account, step.roles if step is not None else None)
        if representatives.is_representative(account):
            account, role = representatives.for_case(conn, account, case)
            actor = Actor(account.id, role)
        resource = work.resource(case, case.subject)
        request = AccessRequest(account, _action(case.PROCEDURE, actor.role, name), resource, Context(at))
        decision = decide_and_log(conn, open_ledger(settings), request)
        if decision.allowed:
            new, events = transition(case, command, actor, at)
            if isinstance(command, rights.ConfirmErased):  # the key goes in this transaction, or nothing does
                erasure.destroy_key(conn, open_ledger(settings), case.subject, at.date())
                work.book.forget(case.subject)
            work.change(case, new, events, actor, at)
            work.commit()
    if not decision.allowed:
        raise refused(decision)
    if isinstance(command, rights.ConfirmErased):
        erasure.purge_old_pages(open_store(settings))
    return new


__all__ = ["CaseNotFoundError", "InputError", "SealingState", "allowed_commands", "cases_of_subject", "commands_of",
           "open_case", "parse_command", "procedures", "publications", "state_names", "take_step", "view"]  # fmt: skip
