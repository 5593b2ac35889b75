"""The deployment's protection: its cipher suite, its key provider and the keys held in the database.

At ``init`` a blind-index key is made, wrapped by the key-encryption key (KEK) and stored; at every start it
is unwrapped again, which is also the check that the key file or token belongs to this database (lost or
wrong key: the service refuses to start, and nothing is written).
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from sealkeeper.config import Settings
from sealkeeper.errors import ConfigError, KeyDestroyedError, KeyUnavailableError
from sealkeeper.formats.identity import IDENTITY_FIELDS, Identity
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.store import repository as repo
from sealkeeper.vault.envelope import new_data_key, open_field, seal_field, seal_fields
from sealkeeper.vault.providers import KeyProvider, WrappedKey
from sealkeeper.vault.suites import CipherSuite, suite_by_name

INDEX_KEY_SETTING = "vault.index_key"
SUITE_SETTING = "vault.suite"


def open_provider(settings: Settings, *, create: bool = False) -> KeyProvider:
    """The configured key provider; ``create`` makes a new key file or a new KEK in the token (init)."""
    suite = suite_by_name(settings.suite)
    if settings.key_provider == "keyfile":
        from sealkeeper.vault.keyfile import KeyFileProvider  # noqa: PLC0415 - one provider per deployment

        path = settings.key_path
        if create:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            return KeyFileProvider.create(path, suite)
        return KeyFileProvider.open(path)
    from sealkeeper.vault.pkcs11 import Pkcs11Provider  # noqa: PLC0415 - needs the PKCS#11 module only here

    module, token, pin = settings.pkcs11_module or "", settings.pkcs11_token or "", settings.pkcs11_pin or ""
    provider = Pkcs11Provider.open(module, token, pin)  # config refused empty values already
    if create and not provider.kek_ids():
        provider.rotate()  # the first KEK, generated inside the token
    return provider


def _encode(wrapped: WrappedKey) -> str:
    return json.dumps({"kek": wrapped.kek_id, "blob": base64.b64encode(wrapped.blob).decode("ascii")})


def _decode(text: str) -> WrappedKey:
    raw = json.loads(text)
    return WrappedKey(raw["kek"], base64.b64decode(raw["blob"]))


@dataclass
class Protector:
    """Encrypts and decrypts one deployment's fields. Holds the unwrapped blind-index key in memory only."""

    suite: CipherSuite
    provider: KeyProvider
    index_key: bytes

    @classmethod
    def initialise(cls, conn: Connection, settings: Settings, provider: KeyProvider) -> Protector:
        forget_protectors()  # a new database (perhaps at a URL used before in this process)
        suite = suite_by_name(settings.suite)
        index_key = os.urandom(suite.index_key_bytes)
        repo.put_setting(conn, SUITE_SETTING, suite.name)
        repo.put_setting(conn, INDEX_KEY_SETTING, _encode(provider.wrap(index_key)))
        return cls(suite, provider, index_key)

    @classmethod
    def from_store(cls, conn: Connection, settings: Settings, provider: KeyProvider) -> Protector:
        stored_suite = repo.get_setting(conn, SUITE_SETTING)
        wrapped = repo.get_setting(conn, INDEX_KEY_SETTING)
        if stored_suite is None or wrapped is None:
            raise ConfigError("the database has no keys: run `sealkeeper init`")
        if stored_suite != settings.suite:
            raise ConfigError(f"the database uses cipher suite {stored_suite!r}, the settings say {settings.suite!r}")
        try:
            index_key = provider.unwrap(_decode(wrapped))
        except KeyUnavailableError as exc:
            raise KeyUnavailableError(
                f"the key-encryption key cannot open this database's keys ({exc}); "
                "is this the key file or token made by `sealkeeper init` for this home? Nothing was changed."
            ) from None
        return cls(suite_by_name(stored_suite), provider, index_key)

    def rewrap_index_key(self, conn: Connection) -> None:
        repo.put_setting(conn, INDEX_KEY_SETTING, _encode(self.provider.wrap(self.index_key)))

    def blind_index(self, id_number: str) -> bytes:
        return self.suite.blind_index(self.index_key, "id_number\x00" + id_number)

    def keyed_digest(self, canonical: str) -> str:
        """A digest of source data that cannot be checked against guesses without the keys."""
        return self.suite.blind_index(self.index_key, "digest\x00" + canonical).hex()

    def new_key(self) -> tuple[bytes, WrappedKey]:
        dek = new_data_key(self.suite)
        return dek, self.provider.wrap(dek)

    def data_key(self, token: str, kek_id: str | None, blob: bytes | None) -> bytes:
        if kek_id is None or blob is None:
            raise KeyDestroyedError.of(ServiceRefusal.DATA_KEY_DESTROYED, subject=token)
        return self.provider.unwrap(WrappedKey(kek_id, blob))

    def seal(self, dek: bytes, record_id: str, field: str, version: int, text: str) -> bytes:
        return seal_field(self.suite, dek, record_id, field, version, text)

    def seal_many(self, dek: bytes, record_id: str, version: int, fields: list[tuple[str, str]]) -> list[bytes]:
        """``seal`` of several (field, text) pairs of one record and version, as one batch."""
        return seal_fields(self.suite, dek, record_id, version, fields)

    def open_identity(self, dek: bytes, token: str, row: Any) -> Identity:
        """A stored identities row decrypted (an empty Identity when the person has none)."""
        if row is None:
            return Identity()
        return Identity(*(
            None if getattr(row, f) is None else self.unseal(dek, token, f, row.version, bytes(getattr(row, f)))
            for f in IDENTITY_FIELDS
        ))  # fmt: skip

    def unseal(self, dek: bytes, record_id: str, field: str, version: int, blob: bytes) -> str:
        return open_field(self.suite, dek, record_id, field, version, blob)


_PROTECTORS: dict[tuple[str, str, str], Protector] = {}


def open_protector(conn: Connection, settings: Settings) -> Protector:
    """The home's protector. With a key file it is made once per process and database (the blind-index key
    never changes for a database, a rewrap keeps it, and the provider reloads a rotated key file itself), not
    on every request: that read the key file and two settings rows and unwrapped the key each time. A PKCS#11
    provider is opened per use as before (its sessions are not shared between threads)."""
    if settings.key_provider != "keyfile":
        return Protector.from_store(conn, settings, open_provider(settings))
    key = (settings.database_url, str(settings.key_path), settings.suite)
    found = _PROTECTORS.get(key)
    if found is None:
        found = _PROTECTORS[key] = Protector.from_store(conn, settings, open_provider(settings))
    return found


def forget_protectors() -> None:
    """Drop the protectors held (``store_access.close_all``, and ``initialise`` of a new database)."""
    _PROTECTORS.clear()


def wrapped_row(token: str, wrapped: WrappedKey) -> dict[str, object]:
    return {"token": token, "kek_id": wrapped.kek_id, "wrapped": wrapped.blob}
