"""Destroying a person's data key (PIPL Art. 47 deletion by crypto-shredding) inside the caller's transaction.

Used by ``sealkeeper delete`` (``records.delete_subject``) and by the deletion procedure's ``ConfirmErased`` step
(``procedure_service``), so that the key goes in the same transaction as the step that says it went: if the
destruction fails, the case does not say erased. Facts, decisions and cases stay (counts and the ledger stay
valid); the identity, the sealed fields and every reason's narrative are gone with the key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Connection, Engine

from sealkeeper.errors import StoreError
from sealkeeper.services.ledger import Ledger
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.services.store_access import writer_lock
from sealkeeper.store import repository as repo


def destroy_key(conn: Connection, ledger: Ledger, token: str, day: dt.date) -> bool:
    """Destroy ``token``'s data key and log ``subject.deleted``; False (nothing done) when it was already
    destroyed. The caller has opened the protector (a wrong key file must not shred anything)."""
    writer_lock(conn)
    subject = repo.subject(conn, token)
    if subject is None:
        raise StoreError.of(ServiceRefusal.NO_SUBJECT, subject=token)
    if subject.deleted_on is not None:
        return False
    repo.shred(conn, token, day)
    ledger.append(conn, {"type": "subject.deleted", "subject": token, "at": day.isoformat()})
    return True


def purge_old_pages(engine: Engine) -> None:
    """After the commit: on SQLite the old page with the wrapped key leaves the WAL file too."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
