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
