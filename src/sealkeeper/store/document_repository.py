"""Reads and writes of issued documents (``procedure_tables.documents``), on a connection inside a unit of work.

A document is stored once under its verification code. Ed25519 signatures are deterministic, so the same
document issued twice (the same certificate on the same day) has the same code and the same row: the second
insert is a no-op (``ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL), also when two requests race.

Also what a certificate reads of a person, in one query (it is on the request path of every certificate):
their sealed name with their wrapped key, and their records with decisions and sealing cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from sealkeeper.store.procedure_tables import cases, documents
from sealkeeper.store.tables import bundles, data_keys, decisions, identities, subjects

# Built once: a certificate runs these on its request path (built per call, each cost about 60 us more).
_INSERT_DOCUMENT = {
    "postgresql": postgresql.insert(documents).on_conflict_do_nothing(index_elements=["code"]),
    "sqlite": sqlite.insert(documents).on_conflict_do_nothing(index_elements=["code"]),
}
_DOCUMENT_BY_CODE = sa.select(documents).where(documents.c.code == sa.bindparam("code"))
_COLUMNS = ("code", "kind", "subject", "issued_on", "payload", "signature")


def _person_query() -> sa.Select[Any]:
    """The person (parameter ``token``) as one row or more: their sealed name and wrapped key, and each stored
    decision of their bundles in ``jurisdiction`` with the bundle's facts and the record's sealing case.

    Anchored on the person's ``subjects`` row, so a person with no bundle there (or no name or key) still gives
    one row, with None in the columns they lack. The joins are one flat chain of outer joins: SQLite runs a
    parenthesised join by materializing it whole (every bundle of the store, read for one person)."""
    on_case = sa.and_(cases.c.bundle == decisions.c.bundle_id, cases.c.record == decisions.c.record_id,
                      cases.c.procedure == "sealing")  # fmt: skip
    in_jurisdiction = sa.and_(
        bundles.c.token == subjects.c.token, bundles.c.jurisdiction == sa.bindparam("jurisdiction")
    )
    joined = (
        subjects.outerjoin(identities, identities.c.token == subjects.c.token)
        .outerjoin(data_keys, data_keys.c.token == identities.c.token)
        .outerjoin(bundles, in_jurisdiction)
        .outerjoin(decisions, decisions.c.bundle_id == bundles.c.id)
        .outerjoin(cases, on_case)
    )
    return (
        sa.select(
            identities.c.version,
            identities.c.name,
            data_keys.c.token.label("keyed"),
            data_keys.c.kek_id,
            data_keys.c.wrapped,
            bundles.c.id,
            bundles.c.facts,
            decisions.c.record_id,
            decisions.c.status,
            cases.c.body.label("case_body"),
            cases.c.state.label("case_state"),
        )
        .select_from(joined)
        .where(subjects.c.token == sa.bindparam("token"))
        .order_by(bundles.c.id, decisions.c.record_id)
    )


#: The query of ``person_for_certificate`` (parameters ``token`` and ``jurisdiction``); its join on the
#: sealing case matches ``ix_cases_bundle`` whole.
PERSON = _person_query()
_IDENTITY_AND_KEY = (
    sa.select(
        identities.c.version,
        identities.c.name,
        data_keys.c.token.label("keyed"),
        data_keys.c.kek_id,
        data_keys.c.wrapped,
    )
    .select_from(identities.join(data_keys, data_keys.c.token == identities.c.token))
    .where(identities.c.token == sa.bindparam("token"))
)


_KEY_LIVE = sa.exists().where(data_keys.c.token == sa.bindparam("subject"), data_keys.c.wrapped.is_not(None))


def _insert_while_keyed(insert: Any) -> Any:
    """INSERT ... SELECT the row's values WHERE the subject's data key is still there (not destroyed): the
    check and the insert in one statement (SQLite parses an upsert after INSERT ... SELECT only with a WHERE)."""
    values = sa.select(*(sa.bindparam(c, type_=documents.c[c].type) for c in _COLUMNS)).where(_KEY_LIVE)
    return insert(documents).from_select(list(_COLUMNS), values).on_conflict_do_nothing(index_elements=["code"])


_INSERT_WHILE_KEYED = {
    "postgresql": _insert_while_keyed(postgresql.insert),
    "sqlite": _insert_while_keyed(sqlite.insert),
}


def store_document(  # noqa: PLR0917 - the columns of a row
    conn: Connection, code: str, kind: str, subject: str | None, issued_on: dt.date, payload: str, signature: bytes
) -> None:
    """Insert a signed document unless its code is already stored (then it is this very document)."""
    values = dict(zip(_COLUMNS, (code, kind, subject, issued_on, payload, signature), strict=True))
    conn.execute(_INSERT_DOCUMENT["postgresql" if conn.dialect.name == "postgresql" else "sqlite"], values)


def store_document_while_keyed(  # noqa: PLR0917 - the columns of a row
    conn: Connection, code: str, kind: str, subject: str, issued_on: dt.date, payload: str, signature: bytes
) -> bool:
    """Insert a signed document about ``subject`` only while their data key exists (unless its code is already
    stored, as ``store_document``); False when the key was destroyed (the person deleted since the document
    was made) and nothing was written. The check is inside the insert: on PostgreSQL a separate look-up of
    the key was a round trip of its own on every certificate. Only when nothing was inserted is the key
    looked up, to tell a deleted person from a document stored already."""
    values = dict(zip(_COLUMNS, (code, kind, subject, issued_on, payload, signature), strict=True))
    insert = _INSERT_WHILE_KEYED["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    if conn.execute(insert, values).rowcount == 1:
        return True
    return bool(conn.execute(sa.select(_KEY_LIVE), {"subject": subject}).scalar_one())


def get_document(conn: Connection, code: str) -> Any:
    """The stored row of ``code`` (canonical printed form), or None."""
    return conn.execute(_DOCUMENT_BY_CODE, {"code": code}).first()


def person_for_certificate(conn: Connection, token: str, jurisdiction: str) -> list[Any]:
    """What a certificate reads of one person, in one query (one snapshot); no row when no subject has this
    token. Every row holds the person's sealed name (``version``, ``name``) and wrapped key (``kek_id``,
    ``wrapped``; ``keyed`` is None when they have no key row), and there is one row per stored decision of their
    bundles in ``jurisdiction`` with the bundle (``id``, ``facts``), the decision (``record_id``, ``status``)
    and the record's automatic-sealing case (``case_body``, ``case_state``: None when the run has not reached
    it). A bundle without a decision has None there; a person without a bundle there has one row with None in
    all of these."""
    return list(conn.execute(PERSON, {"token": token, "jurisdiction": jurisdiction}))


def identity_and_key(conn: Connection, token: str) -> Any:
    """The person's sealed name (and its version) and their wrapped data key, in one query (or None)."""
    return conn.execute(_IDENTITY_AND_KEY, {"token": token}).first()
