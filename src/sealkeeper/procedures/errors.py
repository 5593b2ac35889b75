"""Errors of the procedure state machines. Each names the procedure, the case id, its state and the command.

Messages carry case ids, state and command names, roles and account ids only: never a name, an ID number, a
case number or the free text of a reason.
"""

from __future__ import annotations

from sealkeeper.errors import SealkeeperError


class ProcedureError(SealkeeperError):
    """Base of every error raised by ``sealkeeper.procedures``."""


class CommandRefusedError(ProcedureError):
    """A command cannot be applied to a case; the case is unchanged."""

    def __init__(self, procedure: str, case_id: str, state: str, command: str, reason: str) -> None:
        self.procedure = procedure
        self.case_id = case_id
        self.state = state
        self.command = command
        self.reason = reason
        super().__init__(f"{procedure} {case_id} in state {state}: command {command} refused: {reason}")


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

    def __init__(self, procedure: str, case_id: str, reason: str) -> None:
        self.procedure = procedure
        self.case_id = case_id
        self.reason = reason
        super().__init__(f"{procedure} {case_id}: cannot be opened: {reason}")


class NotPublishableError(ProcedureError):
    """A decision cannot be published: not yet notified, or a value looks identifying."""
