"""The facts a clerk accepted from a reader proposal become a new version of the record's bundle, decided again.

It is what an import of a changed bundle for the same source record does (``importing``), in the caller's
transaction: the facts are written in place (``reader.amend``), checked as a bundle of format version 1 (and
against the date of birth the stored ID number encodes), the version goes up, the narrative is sealed again
under the new version, every record of the bundle is decided again on ``day`` and each decision is logged. The
sealing run then sees the new input hash like any other change. The bundle's source digest is kept: importing
the same source file again changes nothing, so it does not undo the clerk's correction; a changed source
bundle replaces the facts as any import does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.errors import BundleFormatError
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.formats.canonical import canonical
from sealkeeper.formats.identity import check_id_number
from sealkeeper.reader.amend import amend
from sealkeeper.reader.review import ReviewError, ReviewRefusal
from sealkeeper.services import evaluation
from sealkeeper.services.import_plan import Plan
from sealkeeper.services.importing import decision_events, plan_decisions
from sealkeeper.services.ledger import Ledger
from sealkeeper.services.protection import Protector
from sealkeeper.store import repository as repo
from sealkeeper.store.tables import bundles, decisions


def _birth_matches_id(protector: Protector, conn: Connection, token: str, dek: bytes, birth: str) -> None:
    identity = protector.open_identity(dek, token, repo.identity_row(conn, token))
    if identity.id_number is None:
        return
    try:
        check_id_number(None, identity.id_number, birth)
    except BundleFormatError:
        raise ReviewError(ReviewRefusal.ID_NUMBER_BIRTH, "birth_date") from None


def new_version(conn: Connection, ledger: Ledger, protector: Protector, *, bundle_id: str, record: str,
                accepted: Mapping[str, Any], day: dt.date) -> tuple[int, tuple[str, ...]]:  # fmt: skip
    """Write ``accepted`` into the bundle as a new version and decide it again; returns (the bundle's version,
    the facts that changed it). Nothing is written when the record already says every accepted fact."""
    row = conn.execute(sa.select(bundles).where(bundles.c.id == bundle_id)).one()
    amended = amend(json.loads(row.facts), record, accepted)
    if not amended.changed:
        return row.version, ()
    kek_id, blob = repo.wrapped_keys(conn, [row.token]).get(row.token, (None, None))
    dek = protector.data_key(row.token, kek_id, blob)
    if "birth_date" in amended.changed:
        _birth_matches_id(protector, conn, row.token, dek, amended.facts["person"]["birth_date"])
    bundle = parse_bundle(amended.facts)
    if (problem := evaluation.channel_problem(bundle)) is not None:
        raise problem
    if bundle.as_of > day:
        raise ReviewError(ReviewRefusal.DATED_LATER, "record", day=day.isoformat())
    version, facts = row.version + 1, canonical(amended.facts)
    narrative = None
    if row.narrative is not None:
        notes = protector.unseal(dek, bundle_id, "narrative", row.version, bytes(row.narrative))
        narrative = protector.seal(dek, bundle_id, "narrative", version, notes)
    repo.replace_bundles(conn, [{"id": bundle_id, "version": version, "facts": facts, "narrative": narrative}])
    sha = hashlib.sha256(facts.encode("utf-8")).hexdigest()
    rows = plan_decisions(Plan(to_decide=[bundle], facts_sha={bundle_id: sha}), day)
    repo.insert_many(conn, decisions, rows)
    ledger.append_many(conn, decision_events(rows, {bundle_id: row.token}, day))
    return version, amended.changed
