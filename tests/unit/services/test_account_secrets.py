"""The account secrets: TOTP codes accepted one step either side and no further, the sealed TOTP secret bound
to its account, passwords compared after normalisation, tokens stored as SHA-256 only."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from sealkeeper.errors import IntegrityError
from sealkeeper.services import account_secrets as secret
from sealkeeper.services.protection import Protector
from sealkeeper.vault.keyfile import KeyFileProvider
from sealkeeper.vault.suites import GM, INTL, CipherSuite

T0 = dt.datetime(2026, 6, 30, 9, 0, 15, tzinfo=dt.UTC)
STEP = dt.timedelta(seconds=30)
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_a_code_one_step_either_side_is_accepted_with_its_step(offset: int) -> None:
    key = secret.new_totp_secret()
    code = secret.totp_code(key, T0 + offset * STEP)
    now = int(T0.timestamp()) // 30
    assert secret.matched_step(key, code, T0) == now + offset


@pytest.mark.parametrize("offset", [-2, 2])
def test_a_code_two_steps_away_is_refused(offset: int) -> None:
    key = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # fixed: a random one may repeat a code by chance
    code = secret.totp_code(key, T0 + offset * STEP)
    assert code not in {secret.totp_code(key, T0 + k * STEP) for k in (-1, 0, 1)}
    assert secret.matched_step(key, code, T0) is None


@pytest.mark.parametrize("junk", ["", "12345a", "１２３４５６", " "])
def test_a_code_that_is_not_ascii_digits_is_refused(junk: str) -> None:
    assert secret.matched_step(secret.new_totp_secret(), junk, T0) is None


@pytest.mark.parametrize("suite", [INTL, GM], ids=["intl", "gm"])
def test_the_totp_secret_opens_only_for_its_account(suite: CipherSuite, tmp_path: Path) -> None:
    provider = KeyFileProvider.create(tmp_path / "kek", suite)
    protector = Protector(suite, provider, b"\x01" * suite.index_key_bytes)
    key = secret.new_totp_secret()
    sealed = secret.seal_totp_secret(protector, "acct-1", key)
    assert key.encode() not in sealed
    assert secret.open_totp_secret(protector, "acct-1", sealed) == key
    with pytest.raises(IntegrityError):
        secret.open_totp_secret(protector, "acct-2", sealed)
    other = Protector(suite, provider, b"\x02" * suite.index_key_bytes)
    with pytest.raises(IntegrityError):
        secret.open_totp_secret(other, "acct-1", sealed)


def test_passwords_compare_after_normalisation() -> None:
    stored = secret.hash_password(FAST, "ﬁne-grained-password")
    assert stored.startswith("$argon2id$")
    assert secret.verify_password(FAST, stored, "fine-grained-password")
    assert not secret.verify_password(FAST, stored, "fine-grained-passwor")
    assert not secret.verify_password(FAST, "not a hash", "fine-grained-password")


def test_tokens_are_random_and_stored_as_sha256() -> None:
    first, second = secret.new_token("sks_"), secret.new_token("sks_")
    assert first != second
    assert first.startswith("sks_")
    assert len(first) >= 4 + 43
    assert secret.token_hash(first) == hashlib.sha256(first.encode()).hexdigest()


def test_the_library_defaults_are_rfc_9106s_second_option() -> None:
    hasher = secret.DEFAULT_HASHER
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 64 * 1024, 4)
