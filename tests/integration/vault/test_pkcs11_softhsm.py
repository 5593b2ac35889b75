"""The PKCS#11 provider against a real SoftHSM2 token made for this test session.

SoftHSM2 reads SOFTHSM2_CONF when the module is initialised and python-pkcs11 loads a module once per
process, so one session-scoped fixture writes the configuration, makes two tokens with softhsm2-util,
points SOFTHSM2_CONF at them and (re)loads the module; each test uses its own key-label prefix.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pkcs11
import pytest
from pkcs11 import Attribute, KeyType, Mechanism, MechanismFlag, ObjectClass
from pkcs11 import exceptions as p11e
from pkcs11.types import Key, Session, WrapMixin

from sealkeeper.errors import KeyUnavailableError, VaultError
from sealkeeper.vault.envelope import new_data_key, open_field, seal_field
from sealkeeper.vault.pkcs11 import Pkcs11Provider
from sealkeeper.vault.providers import KeyProvider, WrappedKey
from sealkeeper.vault.suites import GM

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
SOFTHSM2_UTIL = shutil.which("softhsm2-util")
TOKEN, OTHER_TOKEN = "sealkeeper-test", "sealkeeper-other"
USER_PIN, SO_PIN = "4711-user", "4711-so"

pytestmark = pytest.mark.skipif(
    not Path(MODULE).is_file() or SOFTHSM2_UTIL is None,
    reason=f"softhsm2 not installed ({MODULE} or softhsm2-util missing; Debian package softhsm2)",
)


@pytest.fixture(scope="session")
def module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert SOFTHSM2_UTIL is not None
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    for label in (TOKEN, OTHER_TOKEN):
        init = [SOFTHSM2_UTIL, "--init-token", "--free", "--label", label, "--pin", USER_PIN, "--so-pin", SO_PIN]
        subprocess.run(init, env=env, check=True, capture_output=True)  # noqa: S603 - fixed arguments
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOFTHSM2_CONF", str(conf))
        pkcs11.unload(MODULE)  # a module loaded earlier in this process read another configuration
        yield MODULE
        pkcs11.unload(MODULE)


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def provider(module: str, prefix: str) -> Iterator[Pkcs11Provider]:
    with Pkcs11Provider.open(module, TOKEN, USER_PIN, key_label_prefix=prefix) as opened:
        yield opened


def raw_session(module: str) -> Session:
    """A plain session on the test token; it shares the provider's login (PKCS#11 logins are per process)."""
    return pkcs11.lib(module).get_token(token_label=TOKEN).open(rw=True)


def test_token_without_kek_until_init(provider: Pkcs11Provider) -> None:
    assert isinstance(provider, KeyProvider)
    assert provider.name == "pkcs11"
    assert provider.kek_ids() == []
    with pytest.raises(KeyUnavailableError, match="run `sealkeeper init`"):
        provider.wrap(os.urandom(32))
    first = provider.rotate()
    assert provider.kek_ids() == [first] == [provider.current_kek_id()]


@pytest.mark.parametrize("size", [16, 32])
def test_wrap_unwrap_round_trip(provider: Pkcs11Provider, size: int) -> None:
    kek_id = provider.rotate()
    dek = os.urandom(size)
    wrapped = provider.wrap(dek)
    assert wrapped.kek_id == kek_id
    assert wrapped.blob[0] == 0x01
    assert len(wrapped.blob) == 1 + size + 8  # RFC 3394: one 64-bit integrity block more
    assert dek not in wrapped.blob
    assert provider.unwrap(wrapped) == dek
    with pytest.raises(VaultError, match="data key"):
        provider.wrap(b"")


def test_the_token_does_rfc3394_key_wrap(module: str, provider: Pkcs11Provider) -> None:
    # RFC 3394 §4.6: 256-bit key data wrapped with a 256-bit KEK; test-only keys imported in clear.
    with raw_session(module) as session:
        kek = session.create_object(
            {
                Attribute.CLASS: ObjectClass.SECRET_KEY,
                Attribute.KEY_TYPE: KeyType.AES,
                Attribute.VALUE: bytes(range(32)),
                Attribute.TOKEN: False,
                Attribute.WRAP: True,
            }
        )
        data = session.create_object(
            {
                Attribute.CLASS: ObjectClass.SECRET_KEY,
                Attribute.KEY_TYPE: KeyType.GENERIC_SECRET,
                Attribute.VALUE: bytes.fromhex("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f"),
                Attribute.TOKEN: False,
                Attribute.EXTRACTABLE: True,
            }
        )
        assert isinstance(kek, WrapMixin)
        assert isinstance(data, Key)
        assert kek.wrap_key(data, mechanism=Mechanism.AES_KEY_WRAP) == bytes.fromhex(
            "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21"
        )


def test_kek_never_leaves_the_token(module: str, provider: Pkcs11Provider, prefix: str) -> None:
    kek_id = provider.rotate()
    with raw_session(module) as session:
        kek = session.get_key(object_class=ObjectClass.SECRET_KEY, label=f"{prefix}:{kek_id}")
        expected = {
            Attribute.TOKEN: True,
            Attribute.PRIVATE: True,
            Attribute.SENSITIVE: True,
            Attribute.ALWAYS_SENSITIVE: True,
            Attribute.EXTRACTABLE: False,
            Attribute.NEVER_EXTRACTABLE: True,
            Attribute.LOCAL: True,  # generated in the token, never imported
            Attribute.MODIFIABLE: False,
            Attribute.WRAP: True,
            Attribute.UNWRAP: True,
            Attribute.ENCRYPT: False,
            Attribute.DECRYPT: False,
            Attribute.SIGN: False,
            Attribute.DERIVE: False,
        }
        got = kek.get_attributes(list(expected))
        assert {a: bool(v) for a, v in got.items()} == expected
        assert kek.key_type == KeyType.AES
        assert kek[Attribute.VALUE_LEN] == 32
        with pytest.raises(p11e.AttributeSensitive):
            _ = kek[Attribute.VALUE]
        exporter = session.generate_key(KeyType.AES, 256, capabilities=MechanismFlag.WRAP | MechanismFlag.UNWRAP)
        assert isinstance(exporter, WrapMixin)
        with pytest.raises((p11e.KeyUnextractable, p11e.KeyNotWrappable)):
            exporter.wrap_key(kek, mechanism=Mechanism.AES_KEY_WRAP)


def test_rotate_then_retire(module: str, provider: Pkcs11Provider, prefix: str) -> None:
    old_id = provider.rotate()
    dek = os.urandom(32)
    old = provider.wrap(dek)
    new_id = provider.rotate()
    assert provider.kek_ids() == [old_id, new_id]
    assert provider.current_kek_id() == new_id
    assert provider.wrap(dek).kek_id == new_id
    assert provider.unwrap(old) == dek
    with pytest.raises(VaultError, match="refusing to retire the current"):
        provider.retire(new_id)
    provider.retire(old_id)
    assert provider.kek_ids() == [new_id]
    with pytest.raises(KeyUnavailableError, match="retired, or another token"):
        provider.unwrap(old)
    with raw_session(module) as session, pytest.raises(p11e.NoSuchKey):
        session.get_key(label=f"{prefix}:{old_id}")
    with pytest.raises(VaultError, match="holds no key-encryption key"):
        provider.retire(old_id)


def test_wrong_or_altered_key(module: str, provider: Pkcs11Provider, prefix: str) -> None:
    provider.rotate()
    wrapped = provider.wrap(os.urandom(32))
    altered = bytearray(wrapped.blob)
    altered[5] ^= 0x01
    with pytest.raises(KeyUnavailableError, match="wrong or lost key"):
        provider.unwrap(WrappedKey(wrapped.kek_id, bytes(altered)))
    with Pkcs11Provider.open(module, OTHER_TOKEN, USER_PIN, key_label_prefix=prefix) as other:
        other_id = other.rotate()
        with pytest.raises(KeyUnavailableError, match="another token"):
            other.unwrap(wrapped)
        with pytest.raises(KeyUnavailableError, match="does not unwrap"):  # RFC 3394's integrity check
            other.unwrap(WrappedKey(other_id, wrapped.blob))


def test_wrong_pin_is_refused_without_the_pin(module: str, prefix: str) -> None:
    wrong = "WRONG-pin-8841"
    with pytest.raises(KeyUnavailableError, match="login failed: wrong PIN") as caught:
        Pkcs11Provider.open(module, TOKEN, wrong, key_label_prefix=prefix)
    assert wrong not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    with Pkcs11Provider.open(module, TOKEN, USER_PIN, key_label_prefix=prefix):  # logged in: the shared path
        with pytest.raises(KeyUnavailableError, match="wrong PIN") as again:
            Pkcs11Provider.open(module, TOKEN, wrong, key_label_prefix=prefix)
        assert wrong not in str(again.value)


def test_missing_token_or_module(module: str) -> None:
    with pytest.raises(KeyUnavailableError, match="no PKCS#11 token labelled 'absent'"):
        Pkcs11Provider.open(module, "absent", USER_PIN)
    with pytest.raises(KeyUnavailableError, match=re.escape("module /nonexistent/libpkcs11.so not found")):
        Pkcs11Provider.open("/nonexistent/libpkcs11.so", TOKEN, USER_PIN)
    with pytest.raises(VaultError, match="PIN"):
        Pkcs11Provider.open(module, TOKEN, "")


def test_two_providers_share_the_login(module: str, provider: Pkcs11Provider, prefix: str) -> None:
    provider.rotate()
    dek = os.urandom(16)
    with Pkcs11Provider.open(module, TOKEN, USER_PIN, key_label_prefix=prefix) as admin:
        new_id = admin.rotate()
        wrapped = admin.wrap(dek)
    assert provider.unwrap(wrapped) == dek  # the other provider's KEK is found, and closing it kept the login
    assert new_id in provider.kek_ids()
    assert provider.current_kek_id() == new_id


def test_gm_fields_under_an_aes_kek_in_the_token(provider: Pkcs11Provider) -> None:
    provider.rotate()
    dek = new_data_key(GM)
    blob = seal_field(GM, dek, "r-1", "name", 1, "张三")
    wrapped = provider.wrap(dek)
    assert open_field(GM, provider.unwrap(wrapped), "r-1", "name", 1, blob) == "张三"


def test_closed_provider_refuses(module: str, prefix: str) -> None:
    opened = Pkcs11Provider.open(module, TOKEN, USER_PIN, key_label_prefix=prefix)
    opened.rotate()
    wrapped = opened.wrap(os.urandom(32))
    opened.close()
    opened.close()  # idempotent
    with pytest.raises(VaultError, match="closed"):
        opened.unwrap(wrapped)
