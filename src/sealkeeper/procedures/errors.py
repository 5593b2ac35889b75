"""Errors of the procedure state machines. Each names the procedure, the case id, its state and the command.

Messages carry case ids, state and command names, roles and account ids only: never a name, an ID number, a
case number or the free text of a reason.
"""

from __future__ import annotations

from enum import Enum, unique

from sealkeeper.errors import SealkeeperError


@unique
class Refusal(Enum):
    """Why a procedure refuses, in English with the values named (``{due}``); the member's name in lower case is
    the refusal's stable code, which the web pages translate (their catalogue has each text as a message id)."""

    ONLY_OWN_ACCOUNT = "only the {who}'s own account may do this"
    CLOSED = "the case is closed and accepts no command"
    NOT_IN_STATE = "not allowed in this state (allowed: {allowed})"
    ROLE_MAY_NOT = "role {role} may not give it (roles: {roles})"
    NOTHING_OWED = "nothing is owed by the authority in this state"
    MAY_NOT_ESCALATE = "role {role} may not escalate"
    NOT_OVERDUE = "not overdue (last day {due})"
    ALREADY_ESCALATED = "this step was already escalated"
    ROLE_CANNOT_APPLY = "role {role} cannot apply (person, guardian, counsel)"
    APPLICATION_INCOMPLETE = "an application names its records and comes with materials"
    NO_MATERIALS = "no materials supplied"
    APPLICANT_HAS_UNTIL = "the applicant has until {due}"
    INTERVIEW_DATE = "an interview falls between today and the decision deadline {due}"
    INTERVIEW_IS_ON = "the interview is on {on}"
    DECISION_WITHOUT_REASONS = "a decision states its reasons with the articles cited"
    NO_REFERENCE = "a publication has a reference"
    IDENTIFYING_REFERENCE = "the publication reference must not carry a case number, an ID number or an id of the case"
    ROLE_CANNOT_COMPLAIN = "role {role} cannot complain (person, guardian, counsel)"
    ANSWER_WITHOUT_REASONS = "an answer states its reasons"
    ONLY_COMPLAINANT_REFERS = "only the complainant refers a rejected complaint"
    SUPERVISOR_HAS_UNTIL = "the supervisor has until {due} to answer"
    REFER_WINDOW_ENDED = "the window to refer ended on {due}"
    ANSWERED_BEFORE = "{account} answered this complaint before"
    RECONSIDERATION_WITHOUT_REASONS = "a reconsideration states its reasons"
    COMPLAINANT_MAY_REFER_UNTIL = "the complainant may refer it until {due}"
    ONLY_NOTIFIED_REFUSAL = "only a notified refusal can be objected to"
    ONLY_UNSEALING = "only an unsealing, with its deciders, can be objected to"
    ROLE_CANNOT_OBJECT = "role {role} cannot object (person, guardian, counsel)"
    DECIDERS_UNKNOWN = "the accounts that took the contested decision are recorded"
    OBJECTION_WINDOW_PASSED = "the objection window of {days} days has passed"
    PANEL_MEMBER_DECIDED = "panel member {account} took the contested decision"
    PANEL_SIZE = "a panel has an odd number of distinct members, at least {least}"
    VOTER_DECIDED = "{account} took the contested decision"
    NOT_ON_PANEL = "{account} is not on the panel"
    ALREADY_VOTED = "{account} has already voted"
    VOTE_WITHOUT_REASONS = "a vote states its reasons"
    CAPACITY_ROLE = "a {capacity} link is asked for in the role {capacity}"
    BASIS = "basis: a {capacity} rests on one of {allowed}"
    NO_DOCUMENT = "document: a link names the document that shows it"
    LINK_DECISION_WITHOUT_REASONS = "a decision on a link states its reasons"
    OWN_LINK = "the representative does not decide their own link"
    ENDS_IN_ROLE = "the representative ends the link in the role {capacity}"
    ROLE_CANNOT_REQUEST = "role {role} cannot file this request"
    CORRECTION_WITHOUT_FIELDS = "a correction names the fields said to be wrong"
    VERIFICATION_AGENCY = "verification names the agency that holds the source"
    RIGHTS_DECISION_WITHOUT_REASONS = "a decision states its reasons"
    CORRECTED_FIELDS = "an accepted correction names the fields corrected, among those asked for"
    ONLY_ACCEPTED_DELETION = "only an accepted deletion is carried out"
    ERASE_BEFORE_NOTICE = "an accepted deletion is carried out before the notice"
    OTHER_RECORD = "the decision is about another record"
    ALREADY_APPLIED = "this decision is already applied"
    NOT_DUE_BEFORE = "not due before {day}"
    ORDER_WITHOUT_REASONS = "a decision to seal or unseal states its reasons"
    ALREADY_SEALED = "the record is already sealed"
    NOT_SEALED = "the record is not sealed"
    ROLE_CANNOT_REQUEST_UNSEALING = "role {role} cannot request unsealing"
    NO_LEGAL_BASIS = "a request states its legal basis"
    OWN_REQUEST = "the requester cannot decide their own request"
    RULING_WITHOUT_REASONS = "a ruling states its reasons"

    def text(self, params: dict[str, object]) -> str:
        return self.value.format(**params)


class ProcedureError(SealkeeperError):
    """Base of every error raised by ``sealkeeper.procedures``."""


class CommandRefusedError(ProcedureError):
    """A command cannot be applied to a case; the case is unchanged."""

    def __init__(self, procedure: str, case_id: str, state: str, command: str, why: Refusal, **params: object) -> None:
        self.procedure = procedure
        self.case_id = case_id
        self.state = state
        self.command = command
        self.reason = why.text(params)
        super().__init__(f"{procedure} {case_id} in state {state}: command {command} refused: {self.reason}")
        self.coded(why.name.lower(), **params)


class NotAllowedInStateError(CommandRefusedError):
    """The command is not one of those the case's state accepts."""


class TerminalStateError(NotAllowedInStateError):
    """The case is closed: its state accepts no command at all."""


class ActorRefusedError(CommandRefusedError):
    """The actor's role, or the actor's account, may not give this command in this state."""


class PanelConflictError(ActorRefusedError):
    """A review-panel member took the decision under review (复查 by someone else only)."""


class InvalidCommandError(CommandRefusedError):
    """The command's content is wrong for this case (no reasons, a date before today, a duplicate vote…)."""


class NotDueError(CommandRefusedError):
    """A dated step was given too early or too late (sealing before its date, escalating before the deadline)."""


class NothingToDoError(CommandRefusedError):
    """The command would change nothing (the same decision applied twice); the planner skips these."""


class OpeningRefusedError(ProcedureError):
    """A procedure cannot be opened as asked (wrong applicant role, no materials, window passed…)."""

    def __init__(self, procedure: str, case_id: str, why: Refusal, **params: object) -> None:
        self.procedure = procedure
        self.case_id = case_id
        self.reason = why.text(params)
        super().__init__(f"{procedure} {case_id}: cannot be opened: {self.reason}")
        self.coded(why.name.lower(), **params)


class NotPublishableError(ProcedureError):
    """A decision cannot be published: not yet notified, or a value looks identifying."""
