"""Fixtures for the integration tests: a real home on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (trust auth, database ``test``); `.ci/run` makes sure it runs.
Each test gets its own schema there (dropped afterwards) and its own SQLite file, so tests never see each
other's rows. A missing server fails the tests: it is never skipped silently.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from sealkeeper.config import Settings, load_settings
from sealkeeper.services.importing import import_file
from sealkeeper.services.records import init_home
from sealkeeper.services.store_access import close_all, open_store
from sealkeeper.store.ledger_tables import ledger_entries
from sealkeeper.synth.identity import id_number
from sealkeeper.synth.population import generate, write_bundles

PG_URL = os.environ.get("SEALKEEPER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'home' / 'sealkeeper.db'}"
        close_all()
        return
    schema = f"sk_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        close_all()
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def make_settings(home: Path, database_url: str, **env: str) -> Settings:
    return load_settings({"SEALKEEPER_HOME": str(home), "SEALKEEPER_DATABASE_URL": database_url, **env})


@pytest.fixture
def home(tmp_path: Path, database_url: str) -> Settings:
    """An initialised home (intl suite, key file)."""
    settings = make_settings(tmp_path / "home", database_url)
    init_home(settings)
    return settings


def ledger_events(home: Settings, kind: str | None = None) -> list[dict[str, Any]]:
    """Every event in the home's ledger, in order (only those of type ``kind`` if given)."""
    with open_store(home).connect() as conn:
        rows = conn.execute(sa.select(ledger_entries.c.data).order_by(ledger_entries.c.idx)).scalars()
        found = [json.loads(bytes(d)) for d in rows]
    return [e for e in found if kind is None or e["type"] == kind]


def write_jsonl(path: Path, bundles: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bundles), encoding="utf-8")
    return path


def person_bundle(number: int, *, name: str = "张三", note: str | None = None, **person: str) -> dict[str, Any]:
    """A CN bundle with identity: a theft conviction, sentence served (the ID number encodes 1990-01-01)."""
    event: dict[str, Any] = {
        "id": "e2", "type": "conviction", "date": "2020-05-01", "offense_ids": ["e1"],
        "sentence": {"kind": "criminal_detention", "months": 3},
    }  # fmt: skip
    if note:
        event["note"] = note
    return {
        "id": f"IT-{number:04d}",
        "jurisdiction": "CN",
        "as_of": "2026-06-30",
        "person": {
            "birth_date": "1990-01-01",
            "name": name,
            "id_number": id_number(number, dt.date(1990, 1, 1)),
            "address": f"北京市朝阳区测试路{number}号",
            **person,
        },
        "events": [
            {
                "id": "e1",
                "type": "offense",
                "date": "2020-01-10",
                "offense": {"name": "盗窃罪", "statute": "刑法第264条"},
            },
            event,
        ],
    }


@pytest.fixture
def population(home: Settings, tmp_path: Path) -> Settings:
    """The home with 300 synthetic people (seed 11) imported, decided on 2026-06-30."""
    path = tmp_path / "people.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        write_bundles(generate(300, 11), handle)
    import_file(home, path, dt.date(2026, 6, 30), dt.date(2026, 6, 30))
    return home


@pytest.fixture
def cli_runner(home: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CliRunner whose commands act on ``home`` (the settings object is built anew for it)."""
    from sealkeeper.cli import context  # noqa: PLC0415 - only the command tests need it

    monkeypatch.setenv("SEALKEEPER_HOME", str(home.home))
    monkeypatch.setenv("SEALKEEPER_DATABASE_URL", home.database_url)
    context.settings.cache_clear()
    yield CliRunner()
    context.settings.cache_clear()
