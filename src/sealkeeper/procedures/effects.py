"""What a decision in one procedure orders in the automatic-sealing case of a record (pure).

The procedures do not reach into each other: a granted application does not seal anything by itself. The
service asks ``follow_ups(before, after)`` after every transition and applies the commands it returns to the
record cases named, in the same transaction and with the same actor, so the seal and the decision that
ordered it are logged together:

- application decided ``seal``                   → ``sealing.Seal`` (trigger application) on each record case;
- objection decided ``reversed``, against an unsealing → ``sealing.Seal`` (trigger objection) on that record
  case; against a refusal → ``sealing.Seal`` on each record case of the refused application
  (``records_of[application case id]``, given by the caller);
- unsealing decided ``grant``                   → ``sealing.Unseal`` (trigger judicial request);
- deletion erased                                 → ``sealing.Close`` on the record case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sealkeeper.procedures.application import ApplicationCase, ApplicationState, Outcome
from sealkeeper.procedures.base import Case
from sealkeeper.procedures.objection import Contested, Finding, ObjectionCase, ObjectionState
from sealkeeper.procedures.rights import DeletionCase, RequestState
from sealkeeper.procedures.sealing import Close, Seal, Trigger, Unseal
from sealkeeper.procedures.unsealing import Ruling, UnsealingCase, UnsealingState


@dataclass(frozen=True, slots=True)
class FollowUp:
    record_case: str  # the case id of a record's automatic-sealing case
    command: Seal | Unseal | Close


def _entered(before: Case, after: Case, state: object) -> bool:
    return after.state == state and before.state != state


def follow_ups(
    before: Case, after: Case, records_of: Mapping[str, tuple[str, ...]] | None = None
) -> tuple[FollowUp, ...]:
    """The commands ``after`` (the case as it is after a transition from ``before``) orders in record cases."""
    if isinstance(after, ApplicationCase) and _entered(before, after, ApplicationState.DECIDED):
        if after.outcome is Outcome.SEAL:
            return tuple(FollowUp(r, Seal(Trigger.APPLICATION, after.case_id, after.reasons)) for r in after.records)
    elif isinstance(after, UnsealingCase) and _entered(before, after, UnsealingState.DECIDED):
        if after.ruling is Ruling.GRANT:
            return (FollowUp(after.record_case, Unseal(Trigger.JUDICIAL_REQUEST, after.case_id, after.reasons)),)
    elif isinstance(after, ObjectionCase) and _entered(before, after, ObjectionState.DECIDED):
        if after.finding is Finding.REVERSED:
            seal = Seal(Trigger.OBJECTION, after.case_id, after.reasons)
            if after.contest.kind is Contested.UNSEALING:
                return (FollowUp(after.contest.case_id, seal),)
            return tuple(FollowUp(r, seal) for r in (records_of or {}).get(after.contest.case_id, ()))
    elif isinstance(after, DeletionCase) and _entered(before, after, RequestState.ERASED):
        return (FollowUp(after.record_case, Close(after.case_id)),)
    return ()
