"""The judgment reader's proposals (migration 0006), on the record store's ``metadata``.

- ``reader_proposals``: what the reader proposed for one record of a bundle from its judgment text (charge and
  article, sentence, dates, juvenile, each with a confidence), the model version, and whether a person has
  confirmed or rejected it (``needs_review`` until then). The proposal itself is personal data: ``body`` is
  AEAD ciphertext under the person's data key, bound to (bundle/record, field, version), like the narrative.
  The judgment text is never stored. The rules engine reads ``bundles`` only, never this table.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, LargeBinary, String, Table

from sealkeeper.store.tables import metadata

NEEDS_REVIEW, CONFIRMED, REJECTED = "needs_review", "confirmed", "rejected"

reader_proposals = Table(
    "reader_proposals",
    metadata,
    Column("bundle_id", String(64), ForeignKey("bundles.id"), primary_key=True),
    Column("record_id", String(64), primary_key=True),
    Column("token", String(32), ForeignKey("subjects.token"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("model_version", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("proposed_on", Date, nullable=False),
    Column("decided_by", String(64), nullable=True),
    Column("decided_on", Date, nullable=True),
    Column("body", LargeBinary, nullable=False),
)
