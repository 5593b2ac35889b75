"""Budget arithmetic: exact, never overspent, a refused release spends nothing, the boundary is inclusive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.stats.budget import MICRO, Budget, parse_epsilon, show
from sealkeeper.stats.errors import BudgetExceededError, StatsError

costs = st.integers(min_value=1, max_value=5 * MICRO)


@given(total=st.integers(min_value=0, max_value=50 * MICRO), asks=st.lists(costs, max_size=40))
def test_a_sequence_of_releases_never_overspends_and_refusals_spend_nothing(total: int, asks: list[int]) -> None:
    budget = Budget("records", "2026", total)
    granted = 0
    for cost in asks:
        before = budget
        if budget.allows(cost):
            budget = budget.charge(cost)
            granted += cost
            assert budget.spent == before.spent + cost
        else:
            with pytest.raises(BudgetExceededError):
                budget.charge(cost)
            assert budget == before  # refused: nothing spent
        assert 0 <= budget.spent <= budget.total
    assert budget.spent == granted


@given(total=st.integers(min_value=1, max_value=50 * MICRO), first=st.integers(min_value=0, max_value=50 * MICRO))
def test_spending_exactly_the_remainder_is_allowed_and_one_millionth_more_is_not(total: int, first: int) -> None:
    budget = Budget("records", "2026", total, min(first, total - 1))
    remaining = budget.remaining
    with pytest.raises(BudgetExceededError):
        budget.charge(remaining + 1)
    done = budget.charge(remaining)
    assert done.remaining == 0
    with pytest.raises(BudgetExceededError, match="nothing spent"):
        done.charge(1)


@given(st.decimals(min_value="0.000001", max_value="1000", places=6))
def test_epsilon_texts_are_read_exactly(value: object) -> None:
    micro = parse_epsilon(str(value))
    assert parse_epsilon(show(micro)) == micro


def test_ten_releases_of_a_tenth_fill_a_budget_of_one_exactly() -> None:
    budget = Budget("records", "2026", parse_epsilon("1"))
    for _ in range(10):
        budget = budget.charge(parse_epsilon("0.1"))
    assert budget.remaining == 0  # with floats, 0.1 x 10 would not be 1.0


@pytest.mark.parametrize("text", ["0", "-1", "abc", "nan", "inf", "1e9", "0.0000001", ""])
def test_bad_epsilons_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(StatsError, match=r"^epsilon: "):
        parse_epsilon(text)


def test_a_total_below_what_was_spent_is_refused() -> None:
    budget = Budget("records", "2026", 2 * MICRO, MICRO)
    with pytest.raises(StatsError, match="epsilon_total"):
        budget.with_total(MICRO - 1)
    assert budget.with_total(MICRO).remaining == 0
