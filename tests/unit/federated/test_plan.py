"""The plan of a federated run and its passage through Flower's run config."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.federated.plan import Plan, app_pyproject


@given(
    st.integers(3, 40), st.integers(1, 50), st.floats(0.01, 10), st.floats(0, 5), st.booleans(),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30),
)  # fmt: skip
def test_plan_survives_the_run_config_and_toml(  # noqa: PLR0917 - one per generated field
    agencies: int, rounds: int, clip: float, sigma: float, secagg: bool, out: str
) -> None:
    plan = Plan(agencies=agencies, rounds=rounds, clip=clip, noise_multiplier=sigma, secagg=secagg, out=out)
    assert Plan.from_run_config(plan.run_config()) == plan
    parsed = tomllib.loads("\n".join(plan.run_config_args()))
    assert Plan.from_run_config(parsed) == plan


def test_floats_stay_floats_in_the_run_config() -> None:
    config = Plan(agencies=3, rounds=1, clip=1, learning_rate=1).run_config()
    assert isinstance(config["clip"], float)
    assert isinstance(config["learning-rate"], float)


def test_app_manifest_names_the_components_and_the_config_keys() -> None:
    manifest = tomllib.loads(app_pyproject(Plan(agencies=3, rounds=2).run_config()))
    app = manifest["tool"]["flwr"]["app"]
    assert app["components"] == {
        "serverapp": "sealkeeper.federated.server_app:app",
        "clientapp": "sealkeeper.federated.client_app:app",
    }
    assert app["config"]["rounds"] == 2
    assert app["config"]["secagg"] is True


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agencies": 2, "rounds": 1}, "SecAgg"),
        ({"agencies": 3, "rounds": 0}, "rounds"),
        ({"agencies": 3, "rounds": 1, "clip": 0.0}, "clip"),
        ({"agencies": 3, "rounds": 1, "delta": 1.0}, "delta"),
    ],
)
def test_plan_refuses_impossible_settings(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Plan(**kwargs)  # type: ignore[arg-type]
