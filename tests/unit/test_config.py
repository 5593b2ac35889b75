"""The settings object: defaults, the home's config file, and refusal of placeholder secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from sealkeeper.config import load_settings, write_home_config
from sealkeeper.errors import ConfigError


def test_defaults_put_everything_under_the_home(tmp_path: Path) -> None:
    settings = load_settings({"SEALKEEPER_HOME": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'sealkeeper.db'}"
    assert settings.key_path == tmp_path / "keys" / "kek.json"
    assert (settings.suite, settings.key_provider) == ("intl", "keyfile")


PKCS11 = {"SEALKEEPER_KEY_PROVIDER": "pkcs11", "SEALKEEPER_PKCS11_MODULE": "/x.so", "SEALKEEPER_PKCS11_TOKEN": "t"}


@pytest.mark.parametrize("pin", ["changeme", "1234", "0000", "", "aaaaaaaa", "PASSWORD"])
def test_placeholder_pins_are_refused(tmp_path: Path, pin: str) -> None:
    with pytest.raises(ConfigError, match="PIN"):
        load_settings({"SEALKEEPER_HOME": str(tmp_path), **PKCS11, "SEALKEEPER_PKCS11_PIN": pin})


def test_a_real_pin_is_accepted_and_never_shown(tmp_path: Path) -> None:
    settings = load_settings({"SEALKEEPER_HOME": str(tmp_path), **PKCS11, "SEALKEEPER_PKCS11_PIN": "7391-kx-204"})
    assert "7391" not in repr(settings)


@pytest.mark.parametrize(("key", "value"), [("SEALKEEPER_SUITE", "des"), ("SEALKEEPER_KEY_PROVIDER", "vault9")])
def test_unknown_choices_are_named(tmp_path: Path, key: str, value: str) -> None:
    with pytest.raises(ConfigError, match=value):
        load_settings({"SEALKEEPER_HOME": str(tmp_path), key: value})


def test_the_home_config_is_read_back_and_refuses_secrets(tmp_path: Path) -> None:
    settings = load_settings({"SEALKEEPER_HOME": str(tmp_path), "SEALKEEPER_SUITE": "gm"})
    write_home_config(settings)
    assert load_settings({"SEALKEEPER_HOME": str(tmp_path)}).suite == "gm"
    (tmp_path / "sealkeeper.toml").write_text('pkcs11_pin = "123987"\n')
    with pytest.raises(ConfigError, match="never goes in a file"):
        load_settings({"SEALKEEPER_HOME": str(tmp_path)})


def test_a_password_in_the_database_url_is_hidden(tmp_path: Path) -> None:
    url = "postgresql+psycopg://sk:s3cret@db.example:5432/sk"
    settings = load_settings({"SEALKEEPER_HOME": str(tmp_path), "SEALKEEPER_DATABASE_URL": url})
    assert "s3cret" not in settings.database_label
    assert "s3cret" not in repr(settings)


def test_a_password_in_the_query_string_is_hidden_too(tmp_path: Path) -> None:
    url = "postgresql+psycopg://sk@db.example/sk?password=S3cretPW&sslmode=require"
    settings = load_settings({"SEALKEEPER_HOME": str(tmp_path), "SEALKEEPER_DATABASE_URL": url})
    assert "S3cretPW" not in settings.database_label
    assert "sslmode=require" in settings.database_label


def test_the_generic_office_names_serve_outside_production_only(tmp_path: Path) -> None:
    home = {"SEALKEEPER_HOME": str(tmp_path)}
    settings = load_settings(home)
    assert (settings.environment, settings.letter_office) == ("development", "人民法院")
    with pytest.raises(ConfigError, match="letter_office"):
        load_settings({**home, "SEALKEEPER_ENVIRONMENT": "production"})
    real = {"SEALKEEPER_LETTER_OFFICE": "北京市朝阳区人民法院", "SEALKEEPER_CERTIFICATE_OFFICE": "北京市公安局朝阳分局"}
    production = load_settings({**home, "SEALKEEPER_ENVIRONMENT": "production", **real})
    assert (production.letter_office, production.certificate_office) == ("北京市朝阳区人民法院", "北京市公安局朝阳分局")


PLACEHOLDER_OFFICES = ["XX市人民法院", "某县公安局", "示例法院", "changeme", "公安局", "Example Court", "××区法院"]


@pytest.mark.parametrize("name", PLACEHOLDER_OFFICES)
def test_placeholder_office_names_are_refused_in_production(tmp_path: Path, name: str) -> None:
    env = {"SEALKEEPER_HOME": str(tmp_path), "SEALKEEPER_ENVIRONMENT": "production",
           "SEALKEEPER_LETTER_OFFICE": "北京市朝阳区人民法院", "SEALKEEPER_CERTIFICATE_OFFICE": name}  # fmt: skip
    with pytest.raises(ConfigError, match="certificate_office") as info:
        load_settings(env)
    assert "placeholder" in str(info.value)


@pytest.mark.parametrize("name", ["", "   ", "法院\n", "院" * 65])
def test_office_names_are_checked_everywhere(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match="letter_office"):
        load_settings({"SEALKEEPER_HOME": str(tmp_path), "SEALKEEPER_LETTER_OFFICE": name or " "})


def test_the_offices_and_the_environment_are_written_and_read_back(tmp_path: Path) -> None:
    env = {"SEALKEEPER_HOME": str(tmp_path), "SEALKEEPER_ENVIRONMENT": "production",
           "SEALKEEPER_LETTER_OFFICE": '上海市"浦东"新区人民法院',
           "SEALKEEPER_CERTIFICATE_OFFICE": "上海市公安局"}  # fmt: skip
    write_home_config(load_settings(env))
    again = load_settings({"SEALKEEPER_HOME": str(tmp_path)})
    assert (again.environment, again.letter_office, again.certificate_office) == (
        "production", '上海市"浦东"新区人民法院', "上海市公安局"
    )  # fmt: skip
    with pytest.raises(ConfigError, match="environment"):
        load_settings({"SEALKEEPER_HOME": str(tmp_path), "SEALKEEPER_ENVIRONMENT": "staging"})
