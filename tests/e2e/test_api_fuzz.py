"""A bounded schemathesis run against the service's own OpenAPI (in process, SQLite): no input, however odd,
gives a 5xx. Requests carry a clerk's API token so the signed-in routes are reached too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from sealkeeper.api import create_app
from sealkeeper.config import load_settings
from sealkeeper.services import accounts
from sealkeeper.services.records import init_home
from sealkeeper.services.store_access import close_all

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
TOKEN: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.schemas.BaseSchema]:
    home: Path = tmp_path_factory.mktemp("fuzz") / "home"
    home_settings = load_settings({"SEALKEEPER_HOME": str(home)})
    init_home(home_settings)
    accounts.create_account(home_settings, accounts.LOCAL_OPERATOR, "clerk", ["clerk"], NOW, jurisdictions=["CN"])
    issued = accounts.issue_api_token(home_settings, accounts.LOCAL_OPERATOR, "clerk", "fuzz", NOW,
                                      dt.timedelta(days=1))  # fmt: skip
    TOKEN["Authorization"] = f"Bearer {issued.token}"
    yield schemathesis.openapi.from_asgi("/openapi.json", create_app(home_settings, clock=lambda: NOW))
    close_all()


EXAMPLES = 25  # per operation: bounded so the run stays within CI's budget


def test_no_request_gives_a_server_error(api_schema: schemathesis.schemas.BaseSchema) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]  # type: ignore[union-attr]  # an Err would raise here: a broken schema fails the test
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case: schemathesis.Case[Any]) -> None:
            response = case.call(headers=dict(TOKEN))
            where = (case.method, case.path, response.status_code, response.text[:200])
            assert response.status_code < 500, where
            assert "Traceback" not in response.text

        no_server_error()
