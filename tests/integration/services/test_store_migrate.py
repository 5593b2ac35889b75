"""`sealkeeper migrate`: an older home is brought to the current schema, logged; the current one is left alone."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from alembic import command

from sealkeeper.config import Settings
from sealkeeper.errors import StoreError
from sealkeeper.services.records import migrate_home
from sealkeeper.services.store_access import close_all, open_store
from sealkeeper.store.database import _alembic_config, head_revision, make_engine
from sealkeeper.store.ledger_tables import ledger_entries


def test_an_older_home_is_refused_until_migrated_then_the_move_is_logged(home: Settings) -> None:
    engine = make_engine(home.database_url)
    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0002")
    engine.dispose()
    close_all()
    with pytest.raises(StoreError, match="sealkeeper migrate"):
        open_store(home)
    close_all()
    assert migrate_home(home) == ("0002", head_revision())
    with open_store(home).connect() as conn:
        last = json.loads(bytes(conn.execute(sa.select(ledger_entries.c.data).order_by(ledger_entries.c.idx.desc())
                                            ).scalars().first() or b"{}"))  # fmt: skip
    assert last == {"type": "store.migrated", "from": "0002", "to": head_revision()}


def test_a_current_home_is_left_as_it_is(home: Settings) -> None:
    with open_store(home).connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(ledger_entries)).scalar_one()
    assert migrate_home(home) == (head_revision(), head_revision())
    with open_store(home).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ledger_entries)).scalar_one() == before
