"""SM2 signatures (GB/T 32918.2-2016) with SM3 (GB/T 32905-2016), through the system's OpenSSL 3 libcrypto.

Neither ``cryptography`` nor any well-kept Python package exposes SM2 signatures (``gmssl`` is pure Python, not
constant-time, and leaves the nonce to the caller), while OpenSSL 3 implements them in its default provider.
This module binds the few EVP calls it needs with ctypes: key generation (``EVP_PKEY_CTX_new_from_name("SM2")``),
PKCS#8 PEM in and out, and ``EVP_DigestSign``/``EVP_DigestVerify`` with SM3 and the distinguishing ID set
explicitly to the default of GB/T 35276-2017 / GM/T 0009-2012, ``1234567812345678`` (so the signature is over
SM3(Z_A ‖ message), Z_A binding the ID, the curve and the public key). The nonce, the arithmetic and its
side-channel defences (constant-time scalar multiplication and inversion of OpenSSL's generic prime-curve code)
are OpenSSL's; nothing here touches a secret beyond passing the key handle.

Encodings: a public key is the uncompressed point ``0x04 ‖ X ‖ Y`` (65 bytes); a signature is the DER
``SEQUENCE { r, s }`` OpenSSL and ``openssl pkeyutl`` produce (at most 72 bytes). Every error is a VaultError
without key material; a signature that does not verify is ``False``, never an exception.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from sealkeeper.errors import VaultError

DISTINGUISHING_ID = b"1234567812345678"  # GB/T 35276-2017 §7 / GM/T 0009-2012 §10: the default user ID
POINT_BYTES = 65
MAX_SIGNATURE_BYTES = 72
#: SubjectPublicKeyInfo of an SM2 key up to its point: id-ecPublicKey with the curve sm2p256v1 (1.2.156.10197.1.301)
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")
_BIO_CTRL_INFO = 3  # BIO_get_mem_data is BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
_P = ctypes.c_void_p
_SIZE = ctypes.c_size_t
_SIGNATURES = {  # name: (result type, argument types), every pointer as c_void_p so none is truncated
    "OpenSSL_version_num": (ctypes.c_ulong, []),
    "ERR_clear_error": (None, []),
    "BIO_new_mem_buf": (_P, [ctypes.c_char_p, ctypes.c_int]),
    "BIO_s_mem": (_P, []),
    "BIO_new": (_P, [_P]),
    "BIO_ctrl": (ctypes.c_long, [_P, ctypes.c_int, ctypes.c_long, _P]),
    "BIO_free": (ctypes.c_int, [_P]),
    "PEM_read_bio_PrivateKey": (_P, [_P, _P, _P, _P]),
    "PEM_write_bio_PrivateKey": (ctypes.c_int, [_P, _P, _P, _P, ctypes.c_int, _P, _P]),
    "EVP_PKEY_CTX_new_from_name": (_P, [_P, ctypes.c_char_p, _P]),
    "EVP_PKEY_keygen_init": (ctypes.c_int, [_P]),
    "EVP_PKEY_generate": (ctypes.c_int, [_P, ctypes.POINTER(_P)]),
    "EVP_PKEY_CTX_free": (None, [_P]),
    "EVP_PKEY_CTX_set1_id": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_int]),
    "EVP_PKEY_is_a": (ctypes.c_int, [_P, ctypes.c_char_p]),
    "EVP_PKEY_free": (None, [_P]),
    "i2d_PUBKEY": (ctypes.c_int, [_P, ctypes.POINTER(_P)]),
    "d2i_PUBKEY": (_P, [_P, ctypes.POINTER(_P), ctypes.c_long]),
    "EVP_MD_CTX_new": (_P, []),
    "EVP_MD_CTX_free": (None, [_P]),
    "EVP_DigestSignInit_ex": (ctypes.c_int, [_P, ctypes.POINTER(_P), ctypes.c_char_p, _P, _P, _P, _P]),
    "EVP_DigestSign": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.POINTER(ctypes.c_size_t), ctypes.c_char_p, _SIZE]),
    "EVP_DigestVerifyInit_ex": (ctypes.c_int, [_P, ctypes.POINTER(_P), ctypes.c_char_p, _P, _P, _P, _P]),
    "EVP_DigestVerify": (ctypes.c_int, [_P, ctypes.c_char_p, _SIZE, ctypes.c_char_p, _SIZE]),
}


@cache
def _lib() -> ctypes.CDLL:
    """The system's libcrypto, OpenSSL 3.0 or later, with the signatures above declared."""
    name = ctypes.util.find_library("crypto")
    if name is None:
        raise VaultError("SM2 signatures (the gm suite) need the system's OpenSSL 3 library (libcrypto.so.3)")
    try:
        lib = ctypes.CDLL(name)
        for function, (restype, argtypes) in _SIGNATURES.items():
            getattr(lib, function).restype = restype
            getattr(lib, function).argtypes = argtypes
    except (OSError, AttributeError):
        raise VaultError(f"{name} is not an OpenSSL 3 libcrypto with SM2 (needed by the gm suite)") from None
    if lib.OpenSSL_version_num() < 0x30000000:
        raise VaultError(f"{name} is older than OpenSSL 3.0; SM2 signatures need 3.0 or later")
    return lib


def _failed(what: str) -> VaultError:
    _lib().ERR_clear_error()  # leave no OpenSSL error behind for the next caller
    return VaultError(f"SM2: {what} failed in OpenSSL")


@contextmanager
def _owned(pointer: int | None, free: str, what: str) -> Iterator[int]:
    """An OpenSSL object freed on exit; a NULL result is the error ``what``."""
    if not pointer:
        raise _failed(what)
    try:
        yield pointer
    finally:
        getattr(_lib(), free)(pointer)


def _sm2(pkey: int) -> int:
    if _lib().EVP_PKEY_is_a(pkey, b"SM2") != 1:
        raise VaultError("SM2: the key is not an SM2 key (curve sm2p256v1)")
    return pkey


def generate_private_pem() -> bytes:
    """A new SM2 private key as PKCS#8 PEM (what ``openssl genpkey -algorithm SM2`` writes)."""
    lib = _lib()
    with _owned(lib.EVP_PKEY_CTX_new_from_name(None, b"SM2", None), "EVP_PKEY_CTX_free", "key context") as ctx:
        pkey = _P()
        if lib.EVP_PKEY_keygen_init(ctx) != 1 or lib.EVP_PKEY_generate(ctx, ctypes.byref(pkey)) != 1:
            raise _failed("key generation")
    with (
        _owned(pkey.value, "EVP_PKEY_free", "key generation") as key,
        _owned(lib.BIO_new(lib.BIO_s_mem()), "BIO_free", "memory buffer") as bio,
    ):
        if lib.PEM_write_bio_PrivateKey(bio, key, None, None, 0, None, None) != 1:
            raise _failed("writing the key")
        data = _P()
        length = lib.BIO_ctrl(bio, _BIO_CTRL_INFO, 0, ctypes.byref(data))
        if length <= 0 or not data.value:
            raise _failed("writing the key")
        return ctypes.string_at(data.value, length)


@contextmanager
def _private(pem: bytes) -> Iterator[int]:
    lib = _lib()
    with _owned(lib.BIO_new_mem_buf(pem, len(pem)), "BIO_free", "memory buffer") as bio:
        pkey = lib.PEM_read_bio_PrivateKey(bio, None, None, None)
    with _owned(pkey, "EVP_PKEY_free", "reading the SM2 private key (PKCS#8 PEM)") as key:
        yield _sm2(key)


@contextmanager
def _public(point: bytes) -> Iterator[int]:
    if len(point) != POINT_BYTES or point[0] != 0x04:
        raise VaultError("SM2: a public key is an uncompressed point of 65 bytes (0x04 ‖ X ‖ Y)")
    der = ctypes.create_string_buffer(_SPKI_PREFIX + point, len(_SPKI_PREFIX) + POINT_BYTES)
    cursor = _P(ctypes.addressof(der))
    pkey = _lib().d2i_PUBKEY(None, ctypes.byref(cursor), len(_SPKI_PREFIX) + POINT_BYTES)  # checks the point
    with _owned(pkey, "EVP_PKEY_free", "reading the SM2 public key (not a point on the curve?)") as key:
        yield _sm2(key)


def check_point(point: bytes) -> None:
    """Raise VaultError unless ``point`` is an SM2 public key (an uncompressed point on the curve)."""
    with _public(point):
        pass


def public_point(pem: bytes) -> bytes:
    """The public key of a PKCS#8 PEM private key, as the uncompressed point."""
    lib = _lib()
    with _private(pem) as key:
        length = lib.i2d_PUBKEY(key, None)
        if length != len(_SPKI_PREFIX) + POINT_BYTES:
            raise _failed("encoding the public key")
        buffer = ctypes.create_string_buffer(length)
        cursor = _P(ctypes.addressof(buffer))
        if lib.i2d_PUBKEY(key, ctypes.byref(cursor)) != length or not buffer.raw.startswith(_SPKI_PREFIX):
            raise _failed("encoding the public key")
        return buffer.raw[len(_SPKI_PREFIX) :]


def sign(pem: bytes, message: bytes) -> bytes:
    """The DER SM2 signature of ``message`` (SM3, default distinguishing ID) under the PEM private key."""
    lib = _lib()
    with _private(pem) as key, _owned(lib.EVP_MD_CTX_new(), "EVP_MD_CTX_free", "digest context") as md:
        pctx = _P()
        if lib.EVP_DigestSignInit_ex(md, ctypes.byref(pctx), b"SM3", None, None, key, None) != 1:
            raise _failed("starting the signature")
        if lib.EVP_PKEY_CTX_set1_id(pctx, DISTINGUISHING_ID, len(DISTINGUISHING_ID)) != 1:
            raise _failed("setting the distinguishing ID")
        size = ctypes.c_size_t(MAX_SIGNATURE_BYTES)
        out = ctypes.create_string_buffer(MAX_SIGNATURE_BYTES)
        if lib.EVP_DigestSign(md, out, ctypes.byref(size), message, len(message)) != 1:
            raise _failed("signing")
        return out.raw[: size.value]


def verify(point: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is a valid SM2 signature (SM3, default ID) of ``message`` by ``point``."""
    if not 0 < len(signature) <= MAX_SIGNATURE_BYTES:
        return False
    lib = _lib()
    with _public(point) as key, _owned(lib.EVP_MD_CTX_new(), "EVP_MD_CTX_free", "digest context") as md:
        pctx = _P()
        if lib.EVP_DigestVerifyInit_ex(md, ctypes.byref(pctx), b"SM3", None, None, key, None) != 1:
            raise _failed("starting the verification")
        if lib.EVP_PKEY_CTX_set1_id(pctx, DISTINGUISHING_ID, len(DISTINGUISHING_ID)) != 1:
            raise _failed("setting the distinguishing ID")
        good: bool = lib.EVP_DigestVerify(md, signature, len(signature), message, len(message)) == 1
    if not good:
        lib.ERR_clear_error()
    return good
