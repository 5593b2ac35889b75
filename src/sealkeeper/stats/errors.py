"""The statistics errors, in the one hierarchy (``sealkeeper.errors.SealkeeperError``)."""

from __future__ import annotations

from enum import Enum, unique

from sealkeeper.errors import SealkeeperError


@unique
class StatsRefusal(Enum):
    """Why a release form is refused, in English with the values named; the member's name in lower case is the
    code the web pages translate (``SealkeeperError.of``)."""

    NOT_A_NUMBER = "{field}: not a number"
    NOT_FINITE = "{field}: not a finite number"
    TOO_MANY_DECIMALS = "{field}: at most 6 decimal places"
    EPSILON_RANGE = "{field}: must be more than 0 and at most {most}"
    UNKNOWN_QUERY = "query: no release called '{query}'; known: {known}"
    NOT_CERTIFIED = "epsilon: OpenDP does not certify {epsilon} at sensitivity {sensitivity}"
    PERIOD_YEAR = "period: a year (YYYY)"
    BUDGET_CHANGED = "budget {dataset}/{period} changed during the release; try again"
    NOT_RELEASED = "the release was not made"


class StatsError(SealkeeperError):
    """A statistics request cannot be carried out; the message names the field or the party."""


#: What ``BudgetExceededError`` says (code ``budget_exceeded``: the pages translate it).
BUDGET_EXCEEDED = (
    "privacy budget exceeded: dataset {dataset}, period {period}: the release asks for epsilon {asked} "
    "but only {remaining} remains; refused, nothing spent"
)


class BudgetExceededError(StatsError):
    """A release would spend more privacy budget than is left: refused, nothing spent."""

    def __init__(self, dataset: str, period: str, asked: str, remaining: str) -> None:
        self.dataset, self.period, self.asked, self.remaining = dataset, period, asked, remaining
        values = {"dataset": dataset, "period": period, "asked": asked, "remaining": remaining}
        super().__init__(BUDGET_EXCEEDED.format(**values))
        self.coded("budget_exceeded", **values)


class CiphertextRejectedError(StatsError):
    """A party's encrypted contribution was refused (malformed, another key, wrong size, a second one)."""

    def __init__(self, party: str, reason: str) -> None:
        self.party, self.reason = party, reason
        super().__init__(f"contribution of {party} rejected: {reason}")
