"""The settings of one federated run, and their passage to the Flower apps as run config (flat, typed keys).

Flower run config values are int, float, bool or str; a key's type must not change between the app's defaults
and an override, so every value here is written with its own type, always.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """One federated run. ``out`` is where the ServerApp writes the final parameters and metrics."""

    agencies: int
    rounds: int
    epochs: int = 5
    learning_rate: float = 1.0
    server_learning_rate: float = 2.0
    clip: float = 5.0
    noise_multiplier: float = 0.0
    delta: float = 1e-5
    secagg: bool = True
    seed: int = 0
    per_agency: int = 400
    poll: float = 0.1
    out: str = ""

    def __post_init__(self) -> None:
        if self.agencies < (3 if self.secagg else 1):
            raise ValueError("SecAgg+ needs at least 3 agencies" if self.secagg else "at least one agency")
        if self.rounds < 1 or self.epochs < 1 or self.per_agency < 4:
            raise ValueError("rounds and epochs must be >= 1 and per_agency >= 4")
        if (
            not self.clip > 0
            or self.noise_multiplier < 0
            or not 0 < self.delta < 1
            or not self.learning_rate > 0 < self.server_learning_rate
        ):
            raise ValueError("clip and the learning rates must be > 0, noise_multiplier >= 0, 0 < delta < 1")

    def run_config(self) -> dict[str, int | float | bool | str]:
        """The plan as Flower run config (``key=value`` pairs; floats always written as floats)."""
        out: dict[str, int | float | bool | str] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name.replace("_", "-")] = float(value) if f.type == "float" else value
        return out

    def run_config_args(self) -> list[str]:
        """The plan as ``flwr run --run-config`` arguments (TOML values)."""
        items = []
        for key, value in self.run_config().items():
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, str):
                text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            else:
                text = repr(value)
            items.append(f"{key}={text}")
        return items

    @classmethod
    def from_run_config(cls, config: Mapping[str, object]) -> Plan:
        """Rebuild the plan inside a Flower app from its run config."""
        kwargs: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            key = f.name.replace("_", "-")
            if key in config:
                kwargs[f.name] = config[key]
        return cls(**kwargs)  # type: ignore[arg-type]  # the values are typed by the run config's own defaults


def app_pyproject(run_defaults: Mapping[str, int | float | bool | str]) -> str:
    """The Flower App's pyproject.toml (the FAB's manifest): components, and the run config's keys and types."""
    lines = [
        "[build-system]",
        'requires = ["hatchling"]',
        'build-backend = "hatchling.build"',
        "",
        "[project]",
        'name = "sealkeeper-reader-federation"',
        'version = "1.0.0"',
        'description = "sealkeeper: the judgment reader trained across agencies (issue 9)"',
        'dependencies = ["flwr==1.42.0"]',
        "",
        "[tool.flwr.app]",
        'publisher = "sealkeeper"',
        "",
        "[tool.flwr.app.components]",
        'serverapp = "sealkeeper.federated.server_app:app"',
        'clientapp = "sealkeeper.federated.client_app:app"',
        "",
        "[tool.flwr.app.config]",
    ]
    for item in Plan.from_run_config(run_defaults).run_config_args():
        key, _, value = item.partition("=")
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"
