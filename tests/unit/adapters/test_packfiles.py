"""Reading the packs' YAML (libyaml's safe loader where PyYAML has it): a shipped pack reads as the pure-Python
safe loader reads it, and a file that is not YAML is named with its line."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from sealkeeper.adapters import packfiles
from sealkeeper.errors import PackError

SHIPPED = [
    (pack, file.name)
    for pack in packfiles.available()
    for file in resources.files("sealkeeper.rules").joinpath("packs", pack).iterdir()
    if file.name.endswith(".yaml")
]


@pytest.mark.parametrize(("pack", "name"), SHIPPED)
def test_a_shipped_file_reads_as_the_python_safe_loader_reads_it(pack: str, name: str) -> None:
    file = resources.files("sealkeeper.rules").joinpath("packs", pack, name)
    assert packfiles._yaml(pack, file) == yaml.load(file.read_text("utf-8"), Loader=yaml.SafeLoader)


def test_a_file_that_is_not_yaml_is_named_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "pack.yaml"
    bad.write_text("id: XX\nrules:\n  - id: a\n    when: [unclosed\n", "utf-8")
    with pytest.raises(PackError, match=r"rule pack XX: pack\.yaml:\d+: not valid YAML") as caught:
        packfiles._yaml("XX", bad)
    assert caught.value.where.startswith("pack.yaml:")


def test_a_yaml_tag_that_builds_objects_is_refused(tmp_path: Path) -> None:
    unsafe = tmp_path / "pack.yaml"
    unsafe.write_text("id: !!python/object/apply:os.system ['true']\n", "utf-8")
    with pytest.raises(PackError, match="not valid YAML"):
        packfiles._yaml("XX", unsafe)
