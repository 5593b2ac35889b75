"""Use cases of the record store besides import: init, look a person up, delete (crypto-shred), rotate keys."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any

from sealkeeper.config import Settings, write_home_config
from sealkeeper.errors import ConfigError, KeyUnavailableError, StoreError
from sealkeeper.formats.identity import normalise_id_number
from sealkeeper.services import erasure
from sealkeeper.services.ledger import ensure_ledger_key, open_ledger
from sealkeeper.services.protection import Protector, open_protector, open_provider
from sealkeeper.services.store_access import open_store, writer_lock
from sealkeeper.store import repository as repo
from sealkeeper.store.database import current_revision, make_engine, migrate, transaction
from sealkeeper.vault.providers import WrappedKey


@dataclass(frozen=True)
class InitReport:
    home: str
    database: str
    suite: str
    key_provider: str
    key_location: str


def init_home(settings: Settings, *, recover: bool = False) -> InitReport:
    """Create the home, the keys and the database. Refuses to touch a home or database already set up.

    ``recover``: a new database under the key file already in the home (copied from the machine a backup
    came from, to restore that backup here); the key file is used, never replaced. A PKCS#11 token's keys
    are always reused."""
    settings.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    if current_revision(engine) is not None and _has_keys(engine):
        raise StoreError(f"the database {settings.database_label} is already initialised; nothing was changed")
    adopt = recover and settings.key_provider == "keyfile"
    if adopt and not settings.key_path.exists():
        raise ConfigError(f"--recover needs the key file at {settings.key_path} (copy it there from the old home)")
    if not adopt and settings.key_provider == "keyfile" and settings.key_path.exists():
        raise ConfigError(
            f"{settings.key_path} already exists; refusing to replace a key file (nothing was changed; to start a "
            "new database under it and restore a backup, use `sealkeeper init --recover`)"
        )
    provider = open_provider(settings, create=not adopt)
    try:
        migrate(engine)
        ensure_ledger_key(settings)
        with transaction(engine) as conn:
            protector = Protector.initialise(conn, settings, provider)
            open_ledger(settings).append(
                conn, {"type": "store.initialised", "suite": protector.suite.name, "keys": settings.key_provider}
            )
    except Exception:
        if settings.key_provider == "keyfile" and not adopt:
            settings.key_path.unlink(missing_ok=True)  # the key we just made protects nothing yet
        raise
    write_home_config(settings)
    where = str(settings.key_path) if settings.key_provider == "keyfile" else f"PKCS#11 token {settings.pkcs11_token}"
    return InitReport(str(settings.home), settings.database_label, settings.suite, settings.key_provider, where)


def migrate_home(settings: Settings) -> tuple[str | None, str]:
    """Bring an initialised home's database to this sealkeeper's schema (idempotent); logged when it moved.
    Returns (revision before, revision after)."""
    engine = make_engine(settings.database_url)
    try:
        before = current_revision(engine)
        if before is None:
            raise StoreError("the database is not initialised: run `sealkeeper init`")
        from sealkeeper.services import record_categories  # noqa: PLC0415 - the rule packs only for `migrate`

        migrate(engine, then=record_categories.fill_missing)
        after = current_revision(engine) or ""
        if after != before:
            with transaction(engine) as conn:
                open_ledger(settings).append(conn, {"type": "store.migrated", "from": before, "to": after})
    finally:
        engine.dispose()
    return before, after


def _has_keys(engine: Any) -> bool:
    """An init that failed after migrating left a schema without keys: init may finish it."""
    with transaction(engine) as conn:
        return repo.get_setting(conn, "vault.index_key") is not None


def find_subject(settings: Settings, id_number: str) -> str | None:
    """The subject token for an ID number, through the blind index (the plaintext is never stored)."""
    engine = open_store(settings)
    with transaction(engine) as conn:
        protector = open_protector(conn, settings)
        found = repo.subjects_by_index(conn, [protector.blind_index(normalise_id_number(id_number))])
    return next(iter(found.values()), None)


def person_view(settings: Settings, token: str) -> dict[str, Any]:
    """A person's identity (decrypted), bundles and decisions; deleted people show facts without identity."""
    engine = open_store(settings)
    with transaction(engine) as conn:
        subject = repo.subject(conn, token)
        if subject is None:
            raise StoreError(f"no subject {token}")
        protector = open_protector(conn, settings)
        bundles = repo.bundles_of(conn, token)
        decisions = repo.decisions_of(conn, [b.id for b in bundles])
        identity: dict[str, str | None] | None = None
        if subject.deleted_on is None:
            kek_id, blob = repo.wrapped_keys(conn, [token]).get(token, (None, None))
            dek = protector.data_key(token, kek_id, blob)
            identity = asdict(protector.open_identity(dek, token, repo.identity_row(conn, token)))
    return {
        "token": token,
        "deleted_on": subject.deleted_on.isoformat() if subject.deleted_on else None,
        "identity": identity,
        "bundles": [{"id": b.id, "jurisdiction": b.jurisdiction, "version": b.version} for b in bundles],
        "decisions": [
            {
                "bundle": d.bundle_id,
                "record": d.record_id,
                "as_of": d.as_of.isoformat(),
                "status": d.status,
                "date": d.date.isoformat() if d.date else None,
                "rule": d.rule,
                "pack": f"{d.pack_id} {d.pack_version}",
            }
            for d in decisions
        ],
    }


def delete_subject(settings: Settings, token: str, today: dt.date) -> dict[str, Any]:
    """PIPL Art. 47 deletion by crypto-shredding: the data key goes; facts and decisions stay for counts."""
    engine = open_store(settings)
    with transaction(engine) as conn:
        open_protector(conn, settings)  # a wrong key must not shred anything
        if not erasure.destroy_key(conn, open_ledger(settings), token, today):
            # Read again under the writer lock destroy_key took: of two concurrent deletions, one reports this.
            subject = repo.subject(conn, token)
            deleted_on = subject.deleted_on.isoformat() if subject and subject.deleted_on else "an earlier day"
            raise StoreError(f"subject {token} was already deleted on {deleted_on}")
    erasure.purge_old_pages(engine)
    return {"token": token, "deleted_on": today.isoformat()}


def rotate_keys(settings: Settings, batch: int = 500, retire: bool = False) -> dict[str, Any]:
    """A new KEK becomes current; every data key is re-wrapped in small transactions, so reads and imports
    go on meanwhile (each key is readable under its old or its new KEK at every moment). ``retire``
    destroys the old KEKs once nothing is wrapped under them; run it when no other process imports, since a
    process that has not yet seen the new KEK may still wrap under an old one for a moment (it is refused,
    not lost: the retire step counts the keys under each old KEK and stops if any remain)."""
    engine = open_store(settings)
    with transaction(engine) as conn:
        protector = open_protector(conn, settings)
    old = list(protector.provider.kek_ids())
    ledger = open_ledger(settings)
    new = protector.provider.rotate()
    with transaction(engine) as conn:
        protector.rewrap_index_key(conn)
        ledger.append(conn, {"type": "key.created", "kek": new, "provider": settings.key_provider})
    moved = 0
    for kek in old:
        while True:
            with transaction(engine) as conn:
                rows = repo.keys_under(conn, kek, batch)
                for token, blob in rows:
                    fresh = protector.provider.wrap(protector.provider.unwrap(WrappedKey(kek, blob)))
                    moved += repo.rewrap(conn, token, kek, fresh.kek_id, fresh.blob)  # the id the blob is under
            if len(rows) < batch:
                break
    retired: list[str] = []
    for kek in old if retire else []:
        with transaction(engine) as conn:  # under the writer lock: no import can be wrapping under this KEK now
            writer_lock(conn)
            usage = repo.kek_usage(conn).get(kek, 0)
            if usage:
                raise KeyUnavailableError(
                    f"KEK {kek} still wraps {usage} data key(s) (an import wrapped them meanwhile); "
                    "nothing was retired: run `sealkeeper keys rotate --retire-old` again"
                )
            ledger.append(conn, {"type": "key.retired", "kek": kek, "provider": settings.key_provider})
            protector.provider.retire(kek)  # last: if the log or the count failed, the KEK still exists
        retired.append(kek)
    with transaction(engine) as conn:
        ledger.append(conn, {"type": "key.rotated", "current": new, "rewrapped": moved})
    result: dict[str, Any] = {"current": new, "rewrapped": moved, "retired": retired}
    if retired:
        result["note"] = "backups taken before this rotation can no longer be restored: take a new backup now"
    return result


def status(settings: Settings) -> dict[str, Any]:
    engine = open_store(settings)
    with transaction(engine) as conn:
        protector = open_protector(conn, settings)
        counts = repo.counts(conn)
        usage = repo.kek_usage(conn)
    return {
        "home": str(settings.home),
        "database": settings.database_label,
        "suite": protector.suite.name,
        "key_provider": settings.key_provider,
        "current_kek": protector.provider.current_kek_id(),
        "keks": {k: usage.get(k, 0) for k in protector.provider.kek_ids()},
        **counts,
    }


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
