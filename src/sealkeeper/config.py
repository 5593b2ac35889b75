"""The one typed settings object, built once at start-up from the environment and the home's config file.

Sources, later wins: defaults; ``<home>/sealkeeper.toml`` (written by ``sealkeeper init``; never holds a
secret); environment variables ``SEALKEEPER_*``. Secrets (the PKCS#11 PIN) come only from the environment
and placeholder values are refused, so a deployment cannot start on a copied example.

The offices printed on documents (``letter_office`` on decision letters, ``certificate_office`` on certificates)
default to generic names that will do for trying sealkeeper; with ``environment = "production"`` a generic or
placeholder name is refused like a placeholder PIN, so no real letter goes out from "人民法院".
"""

from __future__ import annotations

import json
import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from sealkeeper.errors import ConfigError

SUITES = ("intl", "gm")
PROVIDERS = ("keyfile", "pkcs11")
ENVIRONMENTS = ("development", "production")
#: The generic office names used outside production (placeholders: refused in production).
DEFAULT_LETTER_OFFICE = "人民法院"
DEFAULT_CERTIFICATE_OFFICE = "公安机关犯罪记录查询窗口"
_GENERIC_OFFICES = frozenset(
    {DEFAULT_LETTER_OFFICE, DEFAULT_CERTIFICATE_OFFICE, "人民检察院", "公安机关", "公安局", "法院"}
)
_PLACEHOLDER_MARKS = re.compile(r"x{2,}|×{2,}|某|示例|样例|测试|example|placeholder|sample|todo|changeme|demo", re.I)
MAX_OFFICE = 64
CONFIG_NAME = "sealkeeper.toml"
_PLACEHOLDERS = frozenset(
    {"", "changeme", "change-me", "change_me", "password", "secret", "pin", "1234", "0000", "123456", "xxxx", "todo"}
)


def default_home() -> Path:
    from platformdirs import user_data_dir  # noqa: PLC0415 - only needed when SEALKEEPER_HOME is not set

    return Path(user_data_dir("sealkeeper", appauthor=False))


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    database_url: str
    suite: Literal["intl", "gm"] = "intl"
    key_provider: Literal["keyfile", "pkcs11"] = "keyfile"
    key_file: Path | None = None
    pkcs11_module: str | None = None
    pkcs11_token: str | None = None
    pkcs11_pin: str | None = None
    environment: Literal["development", "production"] = "development"
    letter_office: str = DEFAULT_LETTER_OFFICE
    certificate_office: str = DEFAULT_CERTIFICATE_OFFICE

    def __repr__(self) -> str:  # never print the PIN
        return (
            f"Settings(home={self.home}, database={self.database_label}, suite={self.suite}, keys={self.key_provider})"
        )

    @property
    def key_path(self) -> Path:
        return self.key_file or self.home / "keys" / "kek.json"

    @property
    def database_label(self) -> str:
        """The database URL without any password, for messages."""
        from sqlalchemy.engine import make_url  # noqa: PLC0415 - only for messages
        from sqlalchemy.exc import ArgumentError  # noqa: PLC0415

        try:
            url = make_url(self.database_url)
        except ArgumentError:
            return "(unreadable database URL)"
        query = {k: v for k, v in url.query.items() if k.lower() not in ("password", "passwd", "sslpassword")}
        return url.set(query=query).render_as_string(hide_password=True)

    def with_overrides(self, **changes: object) -> Settings:
        return _checked(replace(self, **changes))  # type: ignore[arg-type]


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(f"{name}: {value!r} is not one of {list(allowed)}")
    return value


def is_placeholder_office(name: str) -> bool:
    """A generic office name (the defaults, "人民法院"…) or a placeholder ("XX市人民法院", "某县公安局", "示例")."""
    text = name.strip()
    return text.lower() in _PLACEHOLDERS or text in _GENERIC_OFFICES or bool(_PLACEHOLDER_MARKS.search(text))


def _office(field: str, name: str, production: bool) -> None:
    if not name.strip() or len(name) > MAX_OFFICE or any(unicodedata.category(c)[0] == "C" for c in name):
        raise ConfigError(f"{field}: 1 to {MAX_OFFICE} characters, no control characters")
    if production and is_placeholder_office(name):
        raise ConfigError(f"{field} is a generic or placeholder office name; set the office's real name in production")


def _checked(settings: Settings) -> Settings:
    _choice("suite (SEALKEEPER_SUITE)", settings.suite, SUITES)
    _choice("environment (SEALKEEPER_ENVIRONMENT)", settings.environment, ENVIRONMENTS)
    production = settings.environment == "production"
    _office("letter_office (SEALKEEPER_LETTER_OFFICE)", settings.letter_office, production)
    _office("certificate_office (SEALKEEPER_CERTIFICATE_OFFICE)", settings.certificate_office, production)
    _choice("key_provider (SEALKEEPER_KEY_PROVIDER)", settings.key_provider, PROVIDERS)
    if settings.key_provider == "pkcs11":
        for field, value in (
            ("SEALKEEPER_PKCS11_MODULE", settings.pkcs11_module),
            ("SEALKEEPER_PKCS11_TOKEN", settings.pkcs11_token),
        ):
            if not value:
                raise ConfigError(f"{field} must be set when the key provider is pkcs11")
        pin = settings.pkcs11_pin
        if pin is None:
            raise ConfigError("SEALKEEPER_PKCS11_PIN must be set when the key provider is pkcs11")
        if pin.strip().lower() in _PLACEHOLDERS or len(set(pin)) == 1:
            raise ConfigError("SEALKEEPER_PKCS11_PIN is a placeholder or trivial value; set the token's real user PIN")
    return settings


def read_home_config(home: Path) -> dict[str, str]:
    path = home / CONFIG_NAME
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from None
    if "pkcs11_pin" in raw:
        raise ConfigError(f"{path}: the PIN never goes in a file; use SEALKEEPER_PKCS11_PIN")
    allowed = {"suite", "key_provider", "key_file", "pkcs11_module", "pkcs11_token", "database_url", "environment",
               "letter_office", "certificate_office"}  # fmt: skip
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {unknown}; known: {sorted(allowed)}")
    return {k: str(v) for k, v in raw.items()}


def write_home_config(settings: Settings) -> Path:
    """The deployment's choices (no secret) in ``<home>/sealkeeper.toml``, so later commands agree with init."""
    lines = [
        "# sealkeeper settings written by `sealkeeper init`. No secrets here: the PIN comes from the environment.",
        f'suite = "{settings.suite}"',
        f'key_provider = "{settings.key_provider}"',
    ]
    if settings.key_provider == "keyfile":
        lines.append(f'key_file = "{settings.key_path}"')
    else:
        lines += [f'pkcs11_module = "{settings.pkcs11_module}"', f'pkcs11_token = "{settings.pkcs11_token}"']
    lines.append(f'environment = "{settings.environment}"')
    for key, value in (("letter_office", settings.letter_office), ("certificate_office", settings.certificate_office)):
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")  # a TOML basic string
    path = settings.home / CONFIG_NAME
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings for this process (``environ`` defaults to os.environ; tests pass their own)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("SEALKEEPER_HOME") or default_home()).expanduser()
    filed = read_home_config(home)

    def pick(key: str, default: str | None = None) -> str | None:
        return env.get(f"SEALKEEPER_{key.upper()}") or filed.get(key) or default

    key_file = pick("key_file")
    settings = Settings(
        home=home,
        database_url=pick("database_url", f"sqlite:///{home / 'sealkeeper.db'}") or "",
        suite=pick("suite", "intl"),  # type: ignore[arg-type]
        key_provider=pick("key_provider", "keyfile"),  # type: ignore[arg-type]
        key_file=Path(key_file) if key_file else None,
        pkcs11_module=pick("pkcs11_module"),
        pkcs11_token=pick("pkcs11_token"),
        pkcs11_pin=env.get("SEALKEEPER_PKCS11_PIN"),
        environment=pick("environment", "development"),  # type: ignore[arg-type]
        letter_office=pick("letter_office", DEFAULT_LETTER_OFFICE) or "",
        certificate_office=pick("certificate_office", DEFAULT_CERTIFICATE_OFFICE) or "",
    )
    return _checked(settings)
