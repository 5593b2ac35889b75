"""Cipher suites: known-answer tests from the standards, then properties of the blob format.

Known answers come from the documents, not from the code: NIST SP 800-38D as exercised by McGrew and
Viega's GCM test vectors, GB/T 32907-2016 (SM4) Appendix A, RFC 8998 Appendix A.1 (SM4-GCM) and
GB/T 32905-2016 (SM3) Appendix A.1.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.errors import IntegrityError, VaultError
from sealkeeper.vault.suites import (
    GM,
    INTL,
    NONCE_BYTES,
    TAG_BYTES,
    CipherSuite,
    aes_gcm_open,
    aes_gcm_seal,
    sm4_gcm_open,
    sm4_gcm_seal,
    suite_by_name,
)

h = bytes.fromhex
SUITES = [INTL, GM]


def key_for(suite: CipherSuite, fill: int = 7) -> bytes:
    return bytes([fill]) * suite.data_key_bytes


# McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Test Case 16: AES-256, 96-bit IV, with AAD.
GCM_TC16 = {
    "key": h("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"),
    "iv": h("cafebabefacedbaddecaf888"),
    "aad": h("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
    "pt": h(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
    ),
    "ct": h(
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
    ),
    "tag": h("76fc6ece0f4e1768cddf8853bb2d551b"),
}

# RFC 8998 Appendix A.1: SM4-GCM.
SM4_GCM_A1 = {
    "key": h("0123456789abcdeffedcba9876543210"),
    "iv": h("00001234567800000000abcd"),
    "aad": h("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
    "pt": h(
        "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
        "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa"
    ),
    "ct": h(
        "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
        "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
    ),
    "tag": h("83de3541e4c2b58177e065a9bf7b62ec"),
}


@pytest.mark.parametrize(
    ("vector", "seal", "open_"),
    [(GCM_TC16, aes_gcm_seal, aes_gcm_open), (SM4_GCM_A1, sm4_gcm_seal, sm4_gcm_open)],
    ids=["aes-256-gcm-tc16", "sm4-gcm-rfc8998"],
)
def test_gcm_known_answers(vector: dict[str, bytes], seal: object, open_: object) -> None:
    assert callable(seal)
    assert callable(open_)
    assert seal(vector["key"], vector["iv"], vector["pt"], vector["aad"]) == vector["ct"] + vector["tag"]
    assert open_(vector["key"], vector["iv"], vector["ct"] + vector["tag"], vector["aad"]) == vector["pt"]


def test_sm4_block_cipher_known_answer_gbt32907_appendix_a() -> None:
    # GB/T 32907-2016 Appendix A, example 1: the key encrypts its own bytes as the plaintext block.
    key = h("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - one block, a known-answer test
    assert encryptor.update(key) + encryptor.finalize() == h("681edf34d206965e86b3e94f536e4246")


def test_sm3_known_answer_gbt32905_appendix_a() -> None:
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize() == h("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")


def test_blind_index_is_rfc2104_hmac_with_the_suites_hash() -> None:
    key = bytes(range(32))
    assert INTL.blind_index(key, "110101199003074258") == hmac.new(key, b"110101199003074258", "sha256").digest()
    if "sm3" in hashlib.algorithms_available:  # an independent HMAC-SM3 where OpenSSL offers one
        assert GM.blind_index(key, "110101199003074258") == hmac.new(key, b"110101199003074258", "sm3").digest()


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_blob_layout(suite: CipherSuite) -> None:
    blob = suite.encrypt(key_for(suite), b"hello", b"where")
    assert blob[0] == suite.format_byte
    assert len(blob) == 1 + NONCE_BYTES + len(b"hello") + TAG_BYTES
    assert suite.encrypt(key_for(suite), b"hello", b"where") != blob  # a fresh nonce every time


@settings(max_examples=150, deadline=None)
@given(suite=st.sampled_from(SUITES), plaintext=st.binary(max_size=300), aad=st.binary(min_size=1, max_size=80))
def test_round_trip(suite: CipherSuite, plaintext: bytes, aad: bytes) -> None:
    key = key_for(suite)
    assert suite.decrypt(key, suite.encrypt(key, plaintext, aad), aad) == plaintext


@settings(max_examples=150, deadline=None)
@given(suite=st.sampled_from(SUITES), plaintext=st.binary(max_size=64), data=st.data())
def test_any_flipped_bit_fails(suite: CipherSuite, plaintext: bytes, data: st.DataObject) -> None:
    key = key_for(suite)
    blob = bytearray(suite.encrypt(key, plaintext, b"aad"))
    bit = data.draw(st.integers(0, len(blob) * 8 - 1), label="bit")
    blob[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(IntegrityError, match="ciphertext failed authentication"):
        suite.decrypt(key, bytes(blob), b"aad")


@settings(max_examples=100, deadline=None)
@given(suite=st.sampled_from(SUITES), aad=st.binary(min_size=1, max_size=40), other=st.binary(min_size=1, max_size=40))
def test_other_associated_data_fails(suite: CipherSuite, aad: bytes, other: bytes) -> None:
    if aad == other:
        return
    blob = suite.encrypt(key_for(suite), b"text", aad)
    with pytest.raises(IntegrityError):
        suite.decrypt(key_for(suite), blob, other)


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_other_key_and_other_suite_fail(suite: CipherSuite) -> None:
    blob = suite.encrypt(key_for(suite), b"text", b"aad")
    with pytest.raises(IntegrityError):
        suite.decrypt(key_for(suite, fill=8), blob, b"aad")
    other = GM if suite is INTL else INTL
    with pytest.raises(IntegrityError, match="not a"):
        other.decrypt(key_for(other), blob, b"aad")
    with pytest.raises(IntegrityError, match="too short"):
        suite.decrypt(key_for(suite), blob[:20], b"aad")


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_blind_index_equals_cryptographys_hmac(suite: CipherSuite) -> None:
    """The suite computes HMAC with the standard library where its OpenSSL has the hash: the same tags."""
    key = bytes(range(32))
    for value in ("110101199003074258", "digest\x00" + "{}" * 300, "中文"):
        mac = crypto_hmac.HMAC(key, hashes.SM3() if suite is GM else hashes.SHA256())
        mac.update(value.encode("utf-8"))
        assert suite.blind_index(key, value) == mac.finalize()


@settings(max_examples=100, deadline=None)
@given(
    suite=st.sampled_from(SUITES), items=st.lists(st.tuples(st.binary(max_size=64), st.binary(min_size=1)), max_size=5)
)
def test_encrypt_many_gives_blobs_that_open_one_by_one(suite: CipherSuite, items: list[tuple[bytes, bytes]]) -> None:
    key = key_for(suite)
    blobs = suite.encrypt_many(key, items)
    assert len(blobs) == len(items)
    assert len({blob[1 : 1 + NONCE_BYTES] for blob in blobs}) == len(blobs)  # a fresh nonce each
    for (plaintext, aad), blob in zip(items, blobs, strict=True):
        assert blob[0] == suite.format_byte
        assert suite.decrypt(key, blob, aad) == plaintext
        with pytest.raises(IntegrityError):
            suite.decrypt(key, blob, aad + b"!")


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_encrypt_many_refuses_what_encrypt_refuses(suite: CipherSuite) -> None:
    with pytest.raises(VaultError, match="key"):
        suite.encrypt_many(b"\x01" * (suite.data_key_bytes + 1), [(b"x", b"aad")])
    with pytest.raises(VaultError, match="associated data"):
        suite.encrypt_many(key_for(suite), [(b"x", b"aad"), (b"y", b"")])


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_refusals(suite: CipherSuite) -> None:
    good = key_for(suite)
    for bad_key in (b"", b"\x01" * (suite.data_key_bytes - 1), b"\x01" * (suite.data_key_bytes + 1)):
        with pytest.raises(VaultError, match="key"):
            suite.encrypt(bad_key, b"x", b"aad")
        with pytest.raises(VaultError, match="key"):
            suite.decrypt(bad_key, b"x" * 40, b"aad")
    with pytest.raises(VaultError, match="associated data"):
        suite.encrypt(good, b"x", b"")
    with pytest.raises(VaultError, match="associated data"):
        suite.decrypt(good, suite.encrypt(good, b"x", b"a"), b"")
    with pytest.raises(VaultError, match="blind-index key"):
        suite.blind_index(b"\x01" * 16, "value")
    with pytest.raises(VaultError, match="empty value"):
        suite.blind_index(b"\x01" * 32, "")


@settings(max_examples=100, deadline=None)
@given(suite=st.sampled_from(SUITES), value=st.text(min_size=1, max_size=40), other=st.text(min_size=1, max_size=40))
def test_blind_index_deterministic_per_key_and_distinct_across_keys(suite: CipherSuite, value: str, other: str) -> None:
    key_a, key_b = b"\x01" * 32, b"\x02" * 32
    tag = suite.blind_index(key_a, value)
    assert len(tag) == 32
    assert suite.blind_index(key_a, value) == tag
    assert suite.blind_index(key_b, value) != tag
    assert (suite.blind_index(key_a, other) == tag) == (other == value)


def test_the_suites_hash_differently() -> None:
    assert INTL.blind_index(b"\x01" * 32, "x") != GM.blind_index(b"\x01" * 32, "x")
    assert INTL.check_value(b"\x01" * 32) != GM.check_value(b"\x01" * 32)


def test_suite_by_name() -> None:
    assert suite_by_name("intl") is INTL
    assert suite_by_name("gm") is GM
    assert (INTL.data_key_bytes, GM.data_key_bytes) == (32, 16)
    for name in ("", "INTL", "aes", "sm4"):
        with pytest.raises(VaultError, match="unknown cipher suite"):
            suite_by_name(name)
