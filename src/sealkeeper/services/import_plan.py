"""Planning one import file inside its transaction: who each bundle is about, which keys and ciphertexts to
write, what changed since the last import (keyed digests), and the identity merged field by field."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from sealkeeper.adapters.bundle_files import Item
from sealkeeper.formats.canonical import canonical
from sealkeeper.formats.identity import IDENTITY_FIELDS as IDENTITY_COLUMNS
from sealkeeper.formats.identity import Identity, split_notes
from sealkeeper.model.record import Bundle
from sealkeeper.services.protection import Protector, wrapped_row
from sealkeeper.store import repository as repo


def new_token() -> str:
    """A random pseudonymous subject token: nothing about the person can be read from it."""
    return new_tokens(1)[0]


def new_tokens(n: int) -> list[str]:
    """``n`` tokens as ``new_token`` makes them, from one read of the CSPRNG: 15 random bytes are exactly 24
    base32 characters, so encoding 15 * n bytes at once and cutting every 24 characters is the same."""
    text = base64.b32encode(os.urandom(15 * n)).decode("ascii").lower()
    return ["s" + text[i : i + 24] for i in range(0, 24 * n, 24)]


@dataclass
class Plan:
    """What one file will write, built before the transaction's writes start."""

    subjects: list[dict[str, Any]] = field(default_factory=list)
    keys: list[dict[str, Any]] = field(default_factory=list)
    identities_new: list[dict[str, Any]] = field(default_factory=list)
    identities_changed: list[dict[str, Any]] = field(default_factory=list)
    bundles_new: list[dict[str, Any]] = field(default_factory=list)
    bundles_changed: list[dict[str, Any]] = field(default_factory=list)
    to_decide: list[Bundle] = field(default_factory=list)
    index_updates: dict[str, bytes] = field(default_factory=dict)  # token -> new blind index (ID number changed)
    facts_sha: dict[str, str] = field(default_factory=dict)
    unchanged: int = 0


def _identity_row(p: Protector, dek: bytes, token: str, version: int, identity: Identity) -> dict[str, Any]:
    row: dict[str, Any] = {"token": token, "version": version, **dict.fromkeys(IDENTITY_COLUMNS)}
    given = [(c, v) for c in IDENTITY_COLUMNS if (v := getattr(identity, c)) is not None]
    row.update(zip((c for c, _ in given), p.seal_many(dek, token, version, given), strict=True))
    return row


class Planner:
    def __init__(self, conn: Any, protector: Protector, items: list[Item], source: str, day: dt.date) -> None:
        self.conn, self.p, self.source, self.day = conn, protector, source, day
        self.items = items
        ids = [i.bundle.id for i in items if i.bundle]
        self.stored = repo.existing_bundles(conn, ids)
        indexes = {
            i.identity.id_number: protector.blind_index(i.identity.id_number) for i in items if i.identity.id_number
        }
        self.index_of = indexes
        self.by_index = repo.subjects_by_index(conn, list(indexes.values()))
        self.states = repo.subject_state(
            conn, sorted({t for t, _, _ in self.stored.values()} | set(self.by_index.values()))
        )
        self.keys: dict[str, bytes] = {}
        self.identities: dict[str, Identity] = {}  # as merged so far in this file
        self.versions: dict[str, int] = {t: v or 0 for t, (_, v) in self.states.items()}
        self.plan = Plan()
        self.problems: list[tuple[int | None, str, str]] = []
        self.digests: list[str] = []
        self.fresh_tokens: list[str] = []

    def _key(self, token: str) -> bytes:
        if token not in self.keys:
            kek_id, blob = repo.wrapped_keys(self.conn, [token]).get(token, (None, None))
            self.keys[token] = self.p.data_key(token, kek_id, blob)
        return self.keys[token]

    def _new_subject(self, index: bytes | None) -> str:
        if not self.fresh_tokens:
            self.fresh_tokens = new_tokens(1024)
        token = self.fresh_tokens.pop()
        dek, wrapped = self.p.new_key()
        self.keys[token] = dek
        self.versions[token] = 0
        self.plan.subjects.append({"token": token, "id_index": index, "created_on": self.day, "deleted_on": None})
        self.plan.keys.append(wrapped_row(token, wrapped))
        if index is not None:
            self.by_index[index] = token
        return token

    def _merged(self, token: str, identity: Identity) -> Identity | None:
        """The person's identity with this bundle's fields over the stored ones (a later case that omits the
        address keeps the known address), or None when nothing changes."""
        if identity.is_empty():
            return None
        known = self.identities.get(token)
        if known is None and self.versions[token]:
            known = self.p.open_identity(self._key(token), token, repo.identity_row(self.conn, token))
        merged = (
            identity
            if known is None
            else Identity(*(getattr(identity, c) or getattr(known, c) for c in IDENTITY_COLUMNS))
        )
        self.identities[token] = merged
        return None if merged == known else merged

    def add(self, item: Item) -> None:
        bundle, identity, source = item.bundle, item.identity, item.source
        assert bundle is not None  # noqa: S101 - checked before planning
        assert source is not None  # noqa: S101 - kept on request
        identity_text = "\x00".join(getattr(identity, c) or "" for c in IDENTITY_COLUMNS)
        for key in ("expected", "interpretive"):  # they describe worked cases, not the person's record
            source.pop(key, None)
        text = canonical(source)
        digest = self.p.keyed_digest(text + "\x00" + identity_text)
        self.digests.append(digest)
        index = self.index_of.get(identity.id_number) if identity.id_number else None
        stored = self.stored.get(bundle.id)
        if stored is not None and stored[1] == digest:
            self.plan.unchanged += 1
            return
        token = stored[0] if stored else (self.by_index.get(index) if index else None)
        if stored and index and self.by_index.get(index, token) != token:
            self.problems.append((item.position, "person.id_number", f"bundle {bundle.id} now names another person"))
            return
        if token is not None and self.states.get(token, (None, None))[0] is not None:
            self.problems.append((item.position, "(bundle)", f"bundle {bundle.id} belongs to a deleted subject"))
            return
        if token is not None and index is not None and index not in self.by_index:
            self.plan.index_updates[token] = index  # the person's ID number changed: the index follows it
            self.by_index[index] = token
        token = token or self._new_subject(index)
        merged = self._merged(token, identity)
        if merged is not None:
            version = self.versions[token] + 1
            row = _identity_row(self.p, self._key(token), token, version, merged)
            (self.plan.identities_changed if self.versions[token] else self.plan.identities_new).append(row)
            self.versions[token] = version
        # A "note" key always appears as `"note"` in canonical JSON (no character of it is escaped): without
        # one the facts are the text already made, and the walk over the whole bundle is not needed.
        notes = split_notes(source) if '"note"' in text else {}
        facts = canonical(source) if notes else text
        version = stored[2] + 1 if stored else 1
        narrative = self.p.seal(self._key(token), bundle.id, "narrative", version, canonical(notes)) if notes else None
        row = {
            "id": bundle.id, "token": token, "jurisdiction": bundle.jurisdiction, "as_of": bundle.as_of,
            "version": version, "digest": digest, "facts": facts, "narrative": narrative,
        }  # fmt: skip
        (self.plan.bundles_changed if stored else self.plan.bundles_new).append(row)
        self.plan.facts_sha[bundle.id] = hashlib.sha256(facts.encode("utf-8")).hexdigest()
        self.plan.to_decide.append(bundle)
