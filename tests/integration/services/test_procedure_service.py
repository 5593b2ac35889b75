"""Opening a case through the service: a wrong field of the request is refused naming the procedure and the
field (``services.opening_fields``), and nothing is written, neither a case nor a ledger entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import ledger_events, person_bundle, write_jsonl

from sealkeeper.access import AccessRole, Account
from sealkeeper.config import Settings
from sealkeeper.services import procedure_service
from sealkeeper.services.importing import import_file
from sealkeeper.services.procedure_catalogue import InputError
from sealkeeper.services.records import find_subject
from sealkeeper.services.store_access import open_store
from sealkeeper.store.procedure_tables import cases
from sealkeeper.synth.identity import id_number

AT = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def subject(home: Settings, tmp_path: Path) -> Account:
    import_file(home, write_jsonl(tmp_path / "p.jsonl", [person_bundle(1)]), dt.date(2026, 6, 30), AT.date())
    token = find_subject(home, id_number(1, dt.date(1990, 1, 1)))
    assert token is not None
    return Account("acct-person", frozenset({AccessRole.SUBJECT}), token, frozenset({"CN"}))


@pytest.mark.parametrize(
    ("procedure", "body", "message"),
    [
        ("application", {"records": "RC-1", "materials": []}, "application.records: a list of texts"),
        ("complaint", {"ground": "nonsense", "concerning": ""}, "complaint.ground: one of leak, refused, late"),
    ],
)
def test_a_wrong_field_opens_nothing_and_is_named(
    home: Settings, subject: Account, procedure: str, body: dict[str, Any], message: str
) -> None:
    before = len(ledger_events(home))
    with pytest.raises(InputError, match=message) as refused:
        procedure_service.open_case(home, subject, procedure, body, AT)
    assert refused.value.code.startswith("opening_")
    assert len(ledger_events(home)) == before
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one() == 0
