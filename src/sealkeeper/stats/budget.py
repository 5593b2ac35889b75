"""Privacy-budget arithmetic, exact: epsilon in millionths (integers), so a release at exactly the remaining
budget is allowed and nothing rounds a budget into overspending.

Basic sequential composition: the losses of releases on one dataset in one period add up. OpenDP's own
accounting (``Measurement.map``) lives in memory and covers one release; across releases this sum is kept in
the store (``stats_budgets``), written before a result is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from sealkeeper.stats.errors import BudgetExceededError, StatsError, StatsRefusal

MICRO = 1_000_000  # epsilon is counted in millionths
MAX_EPSILON_MICRO = 1_000 * MICRO  # an epsilon above 1000 protects no one; refuse it as a typo


def parse_epsilon(text: str | float | int | Decimal, field: str = "epsilon") -> int:
    """``text`` as millionths of epsilon; StatsError naming ``field`` unless 0 < e <= 1000 with <= 6 decimals."""
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise StatsError.of(StatsRefusal.NOT_A_NUMBER, field=field) from None
    if not value.is_finite():
        raise StatsError.of(StatsRefusal.NOT_FINITE, field=field)
    micro = value * MICRO
    if micro != micro.to_integral_value():
        raise StatsError.of(StatsRefusal.TOO_MANY_DECIMALS, field=field)
    if not 0 < micro <= MAX_EPSILON_MICRO:
        raise StatsError.of(StatsRefusal.EPSILON_RANGE, field=field, most=MAX_EPSILON_MICRO // MICRO)
    return int(micro)


def show(micro: int) -> str:
    """Millionths of epsilon as a short decimal text ("1", "0.25")."""
    text = f"{Decimal(micro) / MICRO:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def as_float(micro: int) -> float:
    return micro / MICRO


@dataclass(frozen=True, slots=True)
class Budget:
    """The privacy budget of one dataset in one period: total and spent, in millionths of epsilon."""

    dataset: str
    period: str
    total: int
    spent: int = 0

    def __post_init__(self) -> None:
        if self.total < 0 or self.spent < 0:
            raise StatsError(f"budget {self.dataset}/{self.period}: negative amounts")
        if self.spent > self.total:
            raise StatsError(f"budget {self.dataset}/{self.period}: spent {show(self.spent)} > {show(self.total)}")

    @property
    def remaining(self) -> int:
        return self.total - self.spent

    def allows(self, cost: int) -> bool:
        return 0 < cost <= self.remaining

    def charge(self, cost: int) -> Budget:
        """The budget after a release costing ``cost``; BudgetExceededError (and no change) if it does not fit."""
        if cost <= 0:
            raise StatsError("epsilon: a release costs more than 0")
        if cost > self.remaining:
            raise BudgetExceededError(self.dataset, self.period, show(cost), show(self.remaining))
        return replace(self, spent=self.spent + cost)

    def with_total(self, total: int) -> Budget:
        """The budget with another total; never below what is already spent."""
        if total < self.spent:
            raise StatsError(
                f"epsilon_total: {show(total)} is below what dataset {self.dataset}, period {self.period} "
                f"has already spent ({show(self.spent)})"
            )
        return replace(self, total=total)
