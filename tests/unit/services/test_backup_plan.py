"""The restore policy: which tables a backup holds, and what a restore does with the ledger."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.errors import StoreError
from sealkeeper.services.backup_plan import (
    LEDGER,
    LIVE_WINS,
    SETUP_EVENTS,
    LedgerAction,
    backed_up,
    event_type,
    ledger_action,
)


def test_a_backup_holds_every_table_but_keys_settings_and_sign_ins() -> None:
    names = [t.name for t in backed_up()]
    assert {"subjects", "bundles", "cases", "documents", "accounts", "stats_budgets", "ledger_entries"} <= set(names)
    assert not {"data_keys", "settings", "sessions"} & set(names)
    assert names.index("subjects") < names.index("bundles") < names.index("decisions"), "parents first"
    assert {"accounts", "api_tokens", "stats_budgets"} <= LIVE_WINS
    assert "ledger_checkpoints" in LEDGER


def test_a_live_ledger_that_extends_the_backup_is_kept_whatever_it_holds() -> None:
    assert ledger_action(is_prefix=True, live_types=["import", "decision"]) is LedgerAction.KEEP_LIVE


@given(st.lists(st.sampled_from(sorted(SETUP_EVENTS))))
def test_a_fresh_home_gets_the_backups_ledger(types: list[str]) -> None:
    assert ledger_action(is_prefix=False, live_types=types) is LedgerAction.RESTORE


@given(st.lists(st.sampled_from(sorted(SETUP_EVENTS))), st.sampled_from(["import", "decision", None]))
def test_a_ledger_in_use_that_does_not_extend_the_backup_is_never_forked(setup: list[str], used: str | None) -> None:
    with pytest.raises(StoreError, match="fork"):
        ledger_action(is_prefix=False, live_types=[*setup, used])


@pytest.mark.parametrize(
    ("entry", "expected"),
    [(json.dumps({"type": "import"}).encode(), "import"), (b"[1]", None), (b"\xff", None), (b"{", None)],
)
def test_event_type_reads_only_json_objects(entry: bytes, expected: str | None) -> None:
    assert event_type(entry) == expected


def test_a_ledger_too_long_to_be_a_new_homes_is_never_replaced() -> None:
    with pytest.raises(StoreError, match="fork"):
        ledger_action(is_prefix=False, live_types=None)
