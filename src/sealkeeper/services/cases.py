"""Procedure cases in the store: the codec's body in clear, the reasons' free text sealed under the person's key.

    book = CaseBook(conn, protector)
    case = book.read(row)                      # a stored row back to the pure case value
    book.stage(case, expected=row.version)     # an updated case (optimistic: fails if it moved meanwhile)
    book.stage(new_case, bundle=..., record=..., input_hash=...)   # a new case
    book.flush()                               # writes what was staged, in the caller's transaction

The narrative is bound to (case id, "case_narrative", version), so a narrative moved to another case or
version does not open. A person whose key was destroyed (deletion) keeps their cases' bodies; the narrative is
gone with the key (read back without it, and never written again).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Connection

from sealkeeper.adapters import case_codec
from sealkeeper.errors import KeyDestroyedError
from sealkeeper.procedures.base import Case, Event
from sealkeeper.procedures.sealing import RecordCase
from sealkeeper.services.protection import Protector
from sealkeeper.store import case_repository as cases_repo
from sealkeeper.store import repository as repo

NARRATIVE = "case_narrative"


def ledger_event(event: Event) -> dict[str, Any]:
    """A procedure event as a ledger event: its ``kind`` (``sealing.sealed``…) is the entry's ``type``."""
    out = event.as_dict()
    out["type"] = out.pop("kind")
    return out


class CaseBook:
    def __init__(self, conn: Connection, protector: Protector) -> None:
        self.conn, self.p = conn, protector
        self._keys: dict[str, bytes | None] = {}  # None: the person's key was destroyed
        self._new: list[dict[str, Any]] = []
        self._changed: list[dict[str, Any]] = []

    def _key(self, token: str) -> bytes | None:
        """The person's data key, or None once it was destroyed (their narrative is gone with it)."""
        if token not in self._keys:
            found = repo.wrapped_keys(self.conn, [token])
            kek_id, blob = found.get(token, (None, None))
            try:
                self._keys[token] = self.p.data_key(token, kek_id, blob)
            except KeyDestroyedError:
                if token not in found:  # no key was ever made for this token: not a deletion
                    raise
                self._keys[token] = None
        return self._keys[token]

    def forget(self, token: str) -> None:
        """The person's key was destroyed in this transaction: nothing more is sealed under it."""
        self._keys[token] = None

    def read(self, row: Any) -> Case:
        texts = None
        key = None if row.narrative is None else self._key(row.subject)
        if key is not None:
            plain = self.p.unseal(key, row.case_id, NARRATIVE, row.version, bytes(row.narrative))
            texts = json.loads(plain)
        return case_codec.decode(row.procedure, row.body, texts)

    def _row(self, case: Case, **columns: Any) -> dict[str, Any]:
        body, texts = case_codec.encode(case)
        narrative = None
        key = self._key(case.subject) if any(texts) else None
        if key is not None:
            plain = json.dumps(texts, ensure_ascii=False)
            narrative = self.p.seal(key, case.case_id, NARRATIVE, case.version, plain)
        eligible_on = case.eligible_on if isinstance(case, RecordCase) else None
        input_hash = case.input_hash if isinstance(case, RecordCase) else None
        return {
            "case_id": case.case_id, "procedure": case.PROCEDURE, "subject": case.subject, "bundle": None,
            "record": None, "input_hash": input_hash, "state": str(case.state), "version": case.version,
            "opened_on": case.opened_on, "due": case.due, "eligible_on": eligible_on, "body": body,
            "narrative": narrative, **columns,
        }  # fmt: skip

    def stage(self, case: Case, *, expected: int | None = None, bundle: str | None = None,
              record: str | None = None) -> None:  # fmt: skip
        """Stage ``case`` for writing: new (``expected`` None) or replacing the stored version ``expected``."""
        if expected is None:
            self._new.append(self._row(case, bundle=bundle, record=record))
        else:
            row = self._row(case, expected=expected)
            del row["bundle"], row["record"]  # never change which record a case is about
            self._changed.append(row)

    def flush(self) -> int:
        written = len(self._new) + len(self._changed)
        cases_repo.insert_cases(self.conn, self._new)
        cases_repo.update_cases(self.conn, self._changed)
        self._new, self._changed = [], []
        return written
