"""The plan of a federated run and its passage through Flower's run config."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.federated.plan import UNITS, Plan, app_pyproject


@given(
    st.integers(3, 40), st.integers(1, 50), st.floats(0.01, 10), st.floats(0, 5), st.booleans(),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30), st.sampled_from(UNITS),
    st.floats(0.01, 10), st.integers(1, 100),
)  # fmt: skip
def test_plan_survives_the_run_config_and_toml(  # noqa: PLR0917 - one per generated field
    agencies: int, rounds: int, clip: float, sigma: float, secagg: bool, out: str, unit: str, record_clip: float,
    record_steps: int,
) -> None:  # fmt: skip
    plan = Plan(agencies=agencies, rounds=rounds, clip=clip, secagg=secagg, out=out, privacy_unit=unit,
                record_clip=record_clip, record_steps=record_steps, record_noise=sigma,
                noise_multiplier=sigma if unit == "agency" else 0.0)  # fmt: skip
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
        ({"agencies": 3, "rounds": 1, "privacy_unit": "judgment"}, "privacy_unit"),
        ({"agencies": 3, "rounds": 1, "noise_multiplier": 1.0}, "agency unit"),
        ({"agencies": 3, "rounds": 1, "record_clip": 0.0}, "record_clip"),
        ({"agencies": 3, "rounds": 1, "record_noise": -1.0}, "record_noise"),
        ({"agencies": 3, "rounds": 1, "record_steps": 0}, "record_steps"),
    ],
)
def test_plan_refuses_impossible_settings(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Plan(**kwargs)  # type: ignore[arg-type]


def test_the_record_unit_is_the_default_with_noise() -> None:
    plan = Plan(agencies=5, rounds=10)
    assert plan.privacy_unit == "record"
    assert plan.record_noise > 0
    assert plan.noise_multiplier == 0.0
    assert plan.noisy_steps() == 10 * plan.record_steps
    dp = plan.record_privacy()
    assert (dp.clip, dp.noise_multiplier, dp.denominator) == (plan.record_clip, plan.record_noise, 400.0)


def test_secagg_coordinate_range_covers_an_update() -> None:
    agency = Plan(agencies=4, rounds=1, privacy_unit="agency", clip=2.0, noise_multiplier=1.0)
    assert agency.coordinate_range() == pytest.approx(2.0 + 8 * 1.0 * 2.0 / 2)
    record = Plan(agencies=4, rounds=1, record_clip=0.5, record_noise=4.0, record_steps=16, record_learning_rate=40.0,
                  per_agency=400)  # fmt: skip
    # 16 steps of at most 40 * 0.5, plus 8 deviations of the round's noise (40 / 400 * 4 * 0.5 * sqrt(16))
    assert record.coordinate_range() == pytest.approx(16 * 40 * 0.5 + 8 * 0.8)


def test_the_commands_defaults_are_the_plans() -> None:
    from sealkeeper.cli.federated_commands import run_command  # noqa: PLC0415 - the CLI only for this test

    plan = Plan(agencies=5, rounds=10)
    defaults = {p.name: p.default for p in run_command.params}
    for name in ("agencies", "rounds", "epochs", "seed", "privacy_unit", "record_clip", "record_noise",
                 "record_steps", "record_learning_rate", "clip", "noise_multiplier", "delta", "learning_rate",
                 "per_agency"):  # fmt: skip
        assert defaults[name] == getattr(plan, name), name
    assert defaults["server_learning_rate"] is None  # by unit: 1 with the record unit, the plan's default
    assert plan.server_learning_rate == 1.0
