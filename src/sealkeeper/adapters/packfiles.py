"""Loading rule packs from the YAML files shipped in ``sealkeeper/rules/packs/<ID>/``.

A pack folder holds ``pack.yaml`` (rules and parameters), ``articles.yaml`` (article texts) and
either ``criminal_law.yaml`` (CN: the Criminal Law catalogue) or ``statutes.yaml`` (a statute table).
Reading and YAML parsing happen here; validation and building are pure
(``sealkeeper.rules.pack.build_pack``). Errors come out as PackError.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from sealkeeper.errors import PackError
from sealkeeper.rules.cn_catalogue import build_catalogue
from sealkeeper.rules.pack import Pack, build_pack
from sealkeeper.rules.statute_table import build_table


def _packs_root() -> Traversable:
    return resources.files("sealkeeper.rules").joinpath("packs")


#: libyaml's safe loader where PyYAML was built with it (its wheels are): the same documents, about ten times
#: faster than the pure-Python one, which took most of every command's start-up (the packs are read then).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(pack_id: str, file: Traversable) -> Any:
    try:
        return yaml.load(file.read_text("utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader (C or Python)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file.name}:{mark.line + 1}" if mark is not None else file.name
        raise PackError(pack_id, where, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None


def available() -> list[str]:
    """The ids of the packs shipped (one folder each)."""
    return sorted(p.name for p in _packs_root().iterdir() if p.is_dir() and p.joinpath("pack.yaml").is_file())


@cache
def load_pack(pack_id: str) -> Pack:
    """Load, validate and build one shipped pack."""
    folder = _packs_root().joinpath(pack_id)
    if not folder.joinpath("pack.yaml").is_file():
        raise PackError(pack_id, "(pack)", f"no such rule pack; available: {available()}")
    data = _yaml(pack_id, folder.joinpath("pack.yaml"))
    articles_file = folder.joinpath("articles.yaml")
    articles = (_yaml(pack_id, articles_file) or {}).get("articles", {}) if articles_file.is_file() else {}
    extras: dict[str, Any] = {}
    catalogue_file = folder.joinpath("criminal_law.yaml")
    if catalogue_file.is_file():
        try:
            extras["criminal_law"] = build_catalogue(_yaml(pack_id, catalogue_file))
        except ValueError as exc:
            raise PackError(pack_id, "criminal_law.yaml", str(exc)) from None
    table_file = folder.joinpath("statutes.yaml")
    if table_file.is_file():
        try:
            extras["statutes"] = build_table(_yaml(pack_id, table_file) or {})
        except ValueError as exc:
            raise PackError(pack_id, "statutes.yaml", str(exc)) from None
    return build_pack(data, articles, extras)


def load_all() -> dict[str, Pack]:
    """Every shipped pack, validated: called at start-up so a broken pack stops the program early."""
    return {pid: load_pack(pid) for pid in available()}
