"""A decision is a value: status, date, the rules that decided it, the pack, and a hash of the inputs.

Explanations (rule text, article, citation) are not stored here: they are produced on demand from the
rule ids and the pack (``sealkeeper.rules.explain``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    SEALED = "sealed"  # protected on as_of; date = the day protection began
    ELIGIBLE_ON = "eligible_on"  # not yet; date = the first day it will be
    NOT_SEALED = "not_sealed"  # not protected and no date follows from the facts
    UNSEALED = "unsealed"  # was sealed; date = the day the seal was lifted
    NEEDS_REVIEW = "needs_review"  # the facts do not decide it: a question for a person


#: Which status wins when several records of one person are reported together (first wins).
AGGREGATE_PRECEDENCE: tuple[Status, ...] = (
    Status.NEEDS_REVIEW,
    Status.NOT_SEALED,
    Status.UNSEALED,
    Status.ELIGIBLE_ON,
    Status.SEALED,
)


@dataclass(frozen=True, slots=True)
class PackRef:
    id: str
    version: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one record (``record_id``) or, aggregated, for several."""

    status: Status
    date: dt.date | None
    rules: tuple[str, ...]  # rule ids from the outermost rule to the one that decided
    pack: PackRef
    input_hash: str
    record_id: str | None = None
    questions: tuple[str, ...] = ()  # for needs_review: rule ids whose question must be answered

    def __post_init__(self) -> None:
        dated = self.status in (Status.SEALED, Status.ELIGIBLE_ON, Status.UNSEALED)
        if dated and self.date is None:
            raise ValueError(f"a {self.status} decision needs a date")
        if not dated and self.date is not None:
            raise ValueError(f"a {self.status} decision has no date")
        if not self.rules:
            raise ValueError("a decision names at least one rule")
