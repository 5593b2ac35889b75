"""Every refusal carries a stable code and the values its text names (the pages translate it); the English
message the command line and the API show is the code's text with those values filled in."""

from __future__ import annotations

import string

import pytest
from proc_helpers import APPROVER, CLERK, PERSON, T0, app

from sealkeeper.procedures.application import Decide, Outcome, ReviewMaterials, file_application
from sealkeeper.procedures.base import transition
from sealkeeper.procedures.errors import CommandRefusedError, OpeningRefusedError, Refusal


def test_a_refused_command_names_its_code_and_keeps_its_english_message() -> None:
    case = app()
    with pytest.raises(CommandRefusedError) as refused:
        transition(case, Decide(Outcome.SEAL, ()), APPROVER, T0)  # not yet reviewed: not allowed in this state
    assert refused.value.code == "not_in_state"
    assert refused.value.params == {"allowed": "ReviewMaterials, Withdraw"}
    assert str(refused.value) == (
        "application AP-1 in state filed: command Decide refused: not allowed in this state "
        "(allowed: ReviewMaterials, Withdraw)"
    )


def test_a_decision_without_reasons_is_refused_with_its_code() -> None:
    accepted, _ = transition(app(), ReviewMaterials(), CLERK, T0)
    with pytest.raises(CommandRefusedError) as refused:
        transition(accepted, Decide(Outcome.SEAL, ()), APPROVER, T0)
    assert refused.value.code == "decision_without_reasons"
    assert refused.value.reason == Refusal.DECISION_WITHOUT_REASONS.value


def test_a_refused_opening_names_its_code() -> None:
    with pytest.raises(OpeningRefusedError) as refused:
        file_application("AP-2", "tok-1", PERSON, T0, records=("R-1",), materials=())
    assert refused.value.code == "application_incomplete"
    assert str(refused.value).endswith("cannot be opened: an application names its records and comes with materials")


@pytest.mark.parametrize("why", list(Refusal), ids=lambda r: r.name)
def test_every_refusal_text_names_its_values_by_name(why: Refusal) -> None:
    names = [field for _, field, _, _ in string.Formatter().parse(why.value) if field is not None]
    assert all(name.isidentifier() for name in names)  # {due}, never {} or {0}
    assert why.text({name: f"<{name}>" for name in names}).count("<") == len(names)
