"""SM2 signatures through OpenSSL: cross-checked both ways against the `openssl` command line tool."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sealkeeper.errors import VaultError
from sealkeeper.vault import sm2

OPENSSL = shutil.which("openssl")
needs_cli = pytest.mark.skipif(OPENSSL is None, reason="the openssl command (scripts/test-services.sh installs it)")
PEM = sm2.generate_private_pem()
POINT = sm2.public_point(PEM)
DISTID = "distid:1234567812345678"


def openssl(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *map(str, args)], capture_output=True, check=False)  # noqa: S603


def test_keys_are_pkcs8_sm2_with_a_65_byte_point() -> None:
    assert PEM.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert len(POINT) == 65
    assert POINT[0] == 0x04
    assert sm2.generate_private_pem() != PEM


@settings(max_examples=30)
@given(st.binary(max_size=2_000))
def test_a_signature_verifies_and_any_other_message_does_not(message: bytes) -> None:
    signature = sm2.sign(PEM, message)
    assert sm2.verify(POINT, message, signature)
    assert not sm2.verify(POINT, message + b"\n", signature)
    assert not sm2.verify(sm2.public_point(sm2.generate_private_pem()), message, signature)


SIGNATURE = sm2.sign(PEM, b"checkpoint")  # once: its length varies with the random nonce


@given(st.data())
def test_any_bit_flip_in_the_signature_fails(data: st.DataObject) -> None:
    signature = bytearray(SIGNATURE)
    bit = data.draw(st.integers(0, 8 * len(signature) - 1))
    signature[bit // 8] ^= 1 << (bit % 8)
    assert not sm2.verify(POINT, b"checkpoint", bytes(signature))


def test_bad_keys_are_vault_errors_and_bad_signatures_are_false() -> None:
    with pytest.raises(VaultError, match="not a point on the curve"):
        sm2.verify(b"\x04" + bytes(64), b"m", b"0")
    with pytest.raises(VaultError, match="65 bytes"):
        sm2.check_point(POINT[1:])
    with pytest.raises(VaultError, match="private key"):
        sm2.sign(b"not a key", b"m")
    assert not sm2.verify(POINT, b"m", b"")
    assert not sm2.verify(POINT, b"m", bytes(73))


def test_a_non_sm2_key_is_refused() -> None:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415 - only here
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415 - only here

    p256 = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(VaultError, match="not an SM2 key"):
        sm2.sign(p256, b"m")


@needs_cli
def test_openssl_verifies_our_signature(tmp_path: Path) -> None:
    (tmp_path / "key.pem").write_bytes(PEM)
    (tmp_path / "msg").write_bytes(b"sealkeeper.local/ledger\n42\nroot\n")
    (tmp_path / "sig").write_bytes(sm2.sign(PEM, (tmp_path / "msg").read_bytes()))
    der = openssl("pkey", "-in", tmp_path / "key.pem", "-pubout", "-outform", "DER").stdout
    assert der.endswith(POINT)  # the same public key as OpenSSL's SubjectPublicKeyInfo
    assert openssl("pkey", "-in", tmp_path / "key.pem", "-pubout", "-out", tmp_path / "pub.pem").returncode == 0
    pub = tmp_path / "pub.pem"
    check: list[str | Path] = ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-digest", "sm3"]
    verified = openssl(*check, "-pkeyopt", DISTID, "-in", tmp_path / "msg", "-sigfile", tmp_path / "sig")
    assert verified.returncode == 0, verified.stderr
    other_id = openssl(*check, "-pkeyopt", "distid:other", "-in", tmp_path / "msg", "-sigfile", tmp_path / "sig")
    assert other_id.returncode != 0  # the distinguishing ID is part of what is signed


@needs_cli
def test_we_verify_openssls_signature(tmp_path: Path) -> None:
    assert openssl("genpkey", "-algorithm", "SM2", "-out", tmp_path / "key.pem").returncode == 0
    (tmp_path / "msg").write_bytes("签名 message".encode())
    signed = openssl(
        "pkeyutl", "-sign", "-inkey", tmp_path / "key.pem", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID,
        "-in", tmp_path / "msg", "-out", tmp_path / "sig",
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    point = sm2.public_point((tmp_path / "key.pem").read_bytes())
    signature = (tmp_path / "sig").read_bytes()
    assert sm2.verify(point, "签名 message".encode(), signature)
    assert not sm2.verify(point, "签名 messagE".encode(), signature)
