"""The tables of accounts and authentication, on the record store's ``metadata`` (migration 0004 creates them).

What a dump of these tables shows: usernames (staff ids, or a data subject's chosen name), roles, the subject
token of data-subject accounts, jurisdictions, the times of recent failed sign-ins and the end of a lock.
Never a password, a TOTP secret or a token in the clear:

- ``accounts.password_hash``: an argon2id hash (PHC string, argon2-cffi).
- ``accounts.totp_secret``: the RFC 6238 secret, an AEAD ciphertext bound to (account id, field), under a key
  derived from the deployment's blind-index key (``services.account_secrets``). ``totp_step``: the time step of
  the last code accepted (a code is never accepted twice).
- ``sessions.token_hash`` and ``api_tokens.token_hash``: SHA-256 of a 256-bit random token; the token itself is
  handed out once and never stored.

Every time is UTC (SQLite keeps no zone: the service writes UTC and reads it back as UTC).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, LargeBinary, String, Table, Text

from sealkeeper.store.tables import metadata

Stamp = DateTime(timezone=True)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("roles", String(255), nullable=False),  # comma-separated access roles
    Column("subject", String(32), nullable=True),  # data-subject accounts only
    Column("jurisdictions", String(255), nullable=False),  # comma-separated, staff accounts
    Column("totp_secret", LargeBinary, nullable=False),
    Column("totp_step", BigInteger, nullable=True),
    Column("failures", Text, nullable=False),  # the recent failures' times, UTC ISO, comma-separated
    Column("locked_until", Stamp, nullable=True),
    Column("disabled", Boolean, nullable=False),
    Column("created", Stamp, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account", String(40), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created", Stamp, nullable=False),
    Column("last_seen", Stamp, nullable=False),
    Column("expires", Stamp, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("account", String(40), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("created", Stamp, nullable=False),
    Column("expires", Stamp, nullable=False),
    Column("revoked", Stamp, nullable=True),
)
