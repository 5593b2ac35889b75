"""Key provider backed by a PKCS#11 token (an HSM; SoftHSM2 in the tests). The KEK never leaves the token.

Key-encryption keys (PKCS#11 v2.40 Current Mechanisms, AES):
  each KEK is an AES-256 key generated inside the token with CKM_AES_KEY_GEN: a token object, CKA_PRIVATE,
  CKA_SENSITIVE, not CKA_EXTRACTABLE (so never exportable, even wrapped), not CKA_MODIFIABLE, and allowed
  only to wrap and unwrap (CKA_WRAP, CKA_UNWRAP; no encrypt, decrypt, sign or derive). Its label is
  ``<prefix>:<kek id>`` and its CKA_ID the kek id; the current KEK is the one with the newest id.

Wrapping data keys: CKM_AES_KEY_WRAP (RFC 3394 / NIST SP 800-38F KW) inside the token. The data key is
  imported as a short-lived session object (CKO_SECRET_KEY, CKK_GENERIC_SECRET, extractable) and wrapped
  with C_WrapKey; unwrapping is C_UnwrapKey into a session object whose CKA_VALUE is read and which is
  destroyed at once. The stored blob is ``0x01 || KW output`` (0x01 names the mechanism). Why KW:
  - CKM_AES_KEY_WRAP_PAD (0x210A) is ambiguous across tokens: SoftHSM2 implements RFC 5649 under it, while
    PKCS#11 v3.1 names RFC 5649 CKM_AES_KEY_WRAP_KWP (0x210B) and deprecates 0x210A (PKCS#7 padding then
    KW elsewhere; opendnssec/softhsmv2#726). Our keys are 16 or 32 bytes, whole 64-bit blocks, so KW needs
    no padding and means the same on every token.
  - CKM_AES_GCM with C_Encrypt would need the KEK to allow CKA_ENCRYPT/CKA_DECRYPT, i.e. to act as a
    general decryption oracle, and leaves the IV to the caller; KW is the operation PKCS#11 defines for
    keys, and its integrity check (RFC 3394 §2.2.3) detects a wrong KEK or an altered blob.

Cipher suites: SoftHSM2 (and most HSMs outside China) have no SM4, so with the ``gm`` suite the KEK in
the token is still AES-256; only the data fields are SM4-GCM. A GM/T 0018 or SM4-capable token would
need its own mechanism here.

python-pkcs11 loads a module once per process, and SoftHSM2 reads ``SOFTHSM2_CONF`` when the module is
initialised: set it before the first :meth:`Pkcs11Provider.open`.
"""

from __future__ import annotations

import time
from types import TracebackType

from pkcs11 import Attribute, KeyType, Mechanism, MechanismFlag, ObjectClass
from pkcs11 import exceptions as p11e
from pkcs11.types import Key, Session, UnwrapMixin, WrapMixin

from sealkeeper.errors import KeyUnavailableError, VaultError
from sealkeeper.vault import _pkcs11_session as login
from sealkeeper.vault.providers import WrappedKey, check_data_key, is_kek_id, new_kek_id, sorted_kek_ids

WRAP_FORMAT = 0x01  # blob = 0x01 || CKM_AES_KEY_WRAP (RFC 3394) output
KEK_BITS = 256
RESCAN_SECONDS = 5.0  # how often the current KEK is looked up again (another process may have rotated)
_TEMP_KEY = {Attribute.TOKEN: False, Attribute.PRIVATE: True, Attribute.SENSITIVE: False, Attribute.EXTRACTABLE: True}


def create_kek(session: Session, label: str, kek_id: str) -> Key:
    """Generate a KEK inside the token (CKM_AES_KEY_GEN, 256 bits): stored, private, sensitive, never
    extractable, unmodifiable, wrap/unwrap only."""
    return session.generate_key(
        KeyType.AES,
        KEK_BITS,
        id=kek_id.encode("ascii"),
        label=label,
        store=True,
        capabilities=MechanismFlag.WRAP | MechanismFlag.UNWRAP,
        mechanism=Mechanism.AES_KEY_GEN,
        template={
            Attribute.PRIVATE: True,
            Attribute.SENSITIVE: True,
            Attribute.EXTRACTABLE: False,
            Attribute.MODIFIABLE: False,
        },
    )


class Pkcs11Provider:
    """KEKs in a PKCS#11 token. :meth:`open` it; a token without KEKs gets its first one from :meth:`rotate`."""

    def __init__(self, session: Session, module_path: str, token_label: str, prefix: str) -> None:
        self._session: Session | None = session
        self._module_path = module_path
        self._token_label = token_label
        self._prefix = prefix
        self._keks: dict[str, Key] = {}
        self._scanned = 0.0

    @classmethod
    def open(
        cls, module_path: str, token_label: str, pin: str, key_label_prefix: str = "sealkeeper-kek"
    ) -> Pkcs11Provider:
        """Log in to the token; :class:`KeyUnavailableError` (never with the PIN) if the module is missing,
        the token is not there, or the PIN is wrong or locked."""
        if not module_path or not token_label or not pin:
            raise VaultError("PKCS#11 needs a module path, a token label and a PIN")
        if not key_label_prefix or ":" in key_label_prefix:
            raise VaultError(f"key label prefix {key_label_prefix!r} must be non-empty and without ':'")
        provider = cls(login.acquire(module_path, token_label, pin), module_path, token_label, key_label_prefix)
        try:
            provider._scan()
        except VaultError:
            provider.close()
            raise
        return provider

    @property
    def name(self) -> str:
        return "pkcs11"

    def current_kek_id(self) -> str:
        if time.monotonic() - self._scanned > RESCAN_SECONDS:
            self._scan()
        if not self._keks:
            raise KeyUnavailableError(
                f"{self._where()}: no key-encryption key labelled {self._prefix}:* (run `sealkeeper init`)"
            )
        return sorted_kek_ids(list(self._keks))[-1]

    def kek_ids(self) -> list[str]:
        self._scan()
        return sorted_kek_ids(list(self._keks))

    def create_kek(self) -> str:
        """Generate a new KEK in the token; it becomes current. Used by init and :meth:`rotate`."""
        self._scan()
        kek_id = new_kek_id(list(self._keks))
        try:
            self._keks[kek_id] = create_kek(self._live(), f"{self._prefix}:{kek_id}", kek_id)
        except p11e.PKCS11Error as exc:
            raise VaultError(f"{self._where()}: cannot generate a key-encryption key: {login.reason(exc)}") from None
        return kek_id

    def rotate(self) -> str:
        return self.create_kek()

    def wrap(self, dek: bytes) -> WrappedKey:
        """Wrap a data key or index key (16 or 32 bytes) under the current KEK, inside the token."""
        check_data_key(dek)
        kek_id = self.current_kek_id()
        kek = self._keks[kek_id]
        if not isinstance(kek, WrapMixin):
            raise VaultError(f"{self._where()}: key-encryption key {kek_id} may not wrap (CKA_WRAP is false)")
        try:
            temp = self._live().create_object(
                {Attribute.CLASS: ObjectClass.SECRET_KEY, Attribute.KEY_TYPE: KeyType.GENERIC_SECRET}
                | _TEMP_KEY
                | {Attribute.VALUE: dek}
            )
            try:
                if not isinstance(temp, Key):
                    raise VaultError(f"{self._where()}: the token did not create a key object")
                blob = kek.wrap_key(temp, mechanism=Mechanism.AES_KEY_WRAP)
            finally:
                temp.destroy()
        except p11e.PKCS11Error as exc:
            raise VaultError(f"{self._where()}: cannot wrap a data key: {login.reason(exc)}") from None
        return WrappedKey(kek_id, bytes((WRAP_FORMAT,)) + blob)

    def unwrap(self, wrapped: WrappedKey) -> bytes:
        if not isinstance(wrapped, WrappedKey):
            raise VaultError("unwrap needs a WrappedKey")
        self._live()
        kek = self._keks.get(wrapped.kek_id)
        if kek is None:  # perhaps another process rotated
            self._scan()
            kek = self._keks.get(wrapped.kek_id)
        lost = f"data key wrapped under key-encryption key {wrapped.kek_id!r}"
        if kek is None:
            raise KeyUnavailableError(f"{lost}: {self._where()} does not hold it (retired, or another token)")
        if len(wrapped.blob) < 2 or wrapped.blob[0] != WRAP_FORMAT or not isinstance(kek, UnwrapMixin):
            raise KeyUnavailableError(f"{lost}: not a blob this provider can unwrap")
        try:
            temp = kek.unwrap_key(
                ObjectClass.SECRET_KEY,
                KeyType.GENERIC_SECRET,
                wrapped.blob[1:],
                mechanism=Mechanism.AES_KEY_WRAP,
                capabilities=MechanismFlag(0),
                template=dict(_TEMP_KEY),
            )
        except p11e.PKCS11Error:
            raise KeyUnavailableError(
                f"{lost} does not unwrap in {self._where()}: wrong or lost key, or the wrapped key was altered"
            ) from None
        try:
            value = temp[Attribute.VALUE]
        except p11e.PKCS11Error as exc:
            raise VaultError(f"{self._where()}: cannot read the unwrapped data key: {login.reason(exc)}") from None
        finally:
            temp.destroy()
        if not isinstance(value, bytes):
            raise VaultError(f"{self._where()}: the unwrapped data key has no value")
        return value

    def retire(self, kek_id: str) -> None:
        """Destroy an old KEK in the token. Refuses the current one and ids the token does not hold."""
        self._scan()
        if kek_id == self.current_kek_id():
            raise VaultError(f"refusing to retire the current key-encryption key {kek_id!r}: rotate first")
        kek = self._keks.get(kek_id)
        if kek is None:
            raise VaultError(f"{self._where()} holds no key-encryption key {kek_id!r}")
        try:
            kek.destroy()
        except p11e.PKCS11Error as exc:
            raise VaultError(
                f"{self._where()}: cannot destroy key-encryption key {kek_id}: {login.reason(exc)}"
            ) from None
        del self._keks[kek_id]

    def close(self) -> None:
        """Give the session back (the last provider on the token logs out)."""
        if self._session is not None:
            self._session = None
            self._keks.clear()
            login.release(self._module_path, self._token_label)

    def __enter__(self) -> Pkcs11Provider:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _where(self) -> str:
        return f"PKCS#11 token {self._token_label!r}"

    def _live(self) -> Session:
        if self._session is None:
            raise VaultError(f"key provider for {self._where()} is closed")
        return self._session

    def _scan(self) -> None:
        """Find this prefix's KEKs: AES secret keys stored on the token, labelled ``<prefix>:<kek id>``."""
        session = self._live()
        head = f"{self._prefix}:"
        found: dict[str, Key] = {}
        try:
            for obj in session.get_objects(
                {Attribute.CLASS: ObjectClass.SECRET_KEY, Attribute.KEY_TYPE: KeyType.AES, Attribute.TOKEN: True}
            ):
                label = obj[Attribute.LABEL]
                kek_id = label[len(head) :] if isinstance(label, str) and label.startswith(head) else ""
                if isinstance(obj, Key) and is_kek_id(kek_id):
                    found[kek_id] = obj
        except p11e.PKCS11Error as exc:
            raise KeyUnavailableError(f"{self._where()}: cannot list keys: {login.reason(exc)}") from None
        self._keks, self._scanned = found, time.monotonic()
