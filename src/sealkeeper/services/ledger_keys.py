"""The ledger's keys in the home: the Ed25519 checkpoint signing key, with the ``gm`` suite also an SM2 one,
and the commitment salt (all 0600).

``<home>/keys/ledger-ed25519.pem`` signs checkpoints; its public half, in note format, is what outside
verifiers pin. With the ``gm`` suite ``<home>/keys/ledger-sm2.pem`` (PKCS#8, made by OpenSSL) adds an SM2
signature line to every checkpoint (``ledger.sm2_note``), under the same key name. ``<home>/keys/
ledger-commitment.key`` is the salt of the commitments to subject tokens and case numbers: it never goes
into an entry or the database. None is ever replaced once made. The log's origin (and key name) is derived
from the Ed25519 public key, so two deployments never share one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sealkeeper.config import Settings
from sealkeeper.errors import VaultError
from sealkeeper.ledger.errors import LedgerError, NoteError
from sealkeeper.ledger.note import Ed25519Signer, Ed25519Verifier, Signer, Verifier, parse_verifier_key
from sealkeeper.ledger.sm2_note import Sm2Signer, is_sm2_key, parse_sm2_verifier_key
from sealkeeper.privatefiles import write_private_file
from sealkeeper.vault import sm2

SIGNING_KEY = "ledger-ed25519.pem"
SM2_KEY = "ledger-sm2.pem"
SALT_FILE = "ledger-commitment.key"
SALT_BYTES = 32


def keys_dir(settings: Settings) -> Path:
    return settings.home / "keys"


def write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600, whole or not at all (:mod:`sealkeeper.privatefiles`); never overwrite,
    so a key once made is never replaced: when another process made it first, theirs is kept."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        write_private_file(path, data, replace=False)
    except FileExistsError:
        return
    except OSError as exc:
        raise LedgerError(f"cannot write ledger key {path}: {exc.strerror}") from None


def read_private(path: Path) -> bytes:
    if not path.exists():
        raise LedgerError(f"no ledger key at {path}: run `sealkeeper ledger init` (or `sealkeeper init`)")
    if path.stat().st_mode & 0o077:
        raise LedgerError(f"{path} is readable by others; chmod 600 it")
    return path.read_bytes()


def origin_for(public: bytes) -> str:
    """The log's origin line and key name: unique per signing key."""
    return "sealkeeper.local/ledger-" + hashlib.sha256(public).hexdigest()[:16]


def signer_from_pem(pem: bytes) -> Ed25519Signer:
    try:
        private = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise LedgerError("the ledger signing key cannot be read") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise LedgerError("the ledger signing key is not an Ed25519 key")
    return Ed25519Signer(origin_for(private.public_key().public_bytes_raw()), private)


def new_private_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def ensure_ledger_key(settings: Settings) -> str:
    """Make the ledger's signing key and commitment salt if they are missing (idempotent; call from init).

    Returns the verifier key in note format (``name+keyid+base64(0x01 ‖ public key)``)."""
    folder = keys_dir(settings)
    if not (folder / SIGNING_KEY).exists():
        write_new(folder / SIGNING_KEY, new_private_pem())
    if settings.suite == "gm" and not (folder / SM2_KEY).exists():
        write_new(folder / SM2_KEY, sm2.generate_private_pem())
    if not (folder / SALT_FILE).exists():
        write_new(folder / SALT_FILE, os.urandom(SALT_BYTES).hex().encode("ascii") + b"\n")
    return str(load_ledger_keys(settings).verifier)


@dataclass(frozen=True)
class LedgerKeys:
    signer: Ed25519Signer
    salt: bytes
    sm2: Sm2Signer | None = None  # the gm suite's second checkpoint signature

    @property
    def origin(self) -> str:
        return self.signer.name

    @property
    def verifier(self) -> Ed25519Verifier:
        return self.signer.verifier

    @property
    def signers(self) -> list[Signer]:
        return [self.signer] if self.sm2 is None else [self.signer, self.sm2]

    @property
    def verifiers(self) -> list[Verifier]:
        return [self.verifier] if self.sm2 is None else [self.verifier, self.sm2.verifier]


def sm2_signer(name: str, pem: bytes) -> Sm2Signer:
    """An SM2 note signer from a PKCS#8 PEM private key (the key is read by OpenSSL at each signature)."""
    try:
        public = sm2.public_point(pem)
    except VaultError:
        raise LedgerError("the ledger's SM2 signing key cannot be read") from None
    return Sm2Signer(name, public, lambda text: sm2.sign(pem, text), sm2.verify)


def parse_log_key(vkey: str) -> Verifier:
    """A log's verifier key in note format: Ed25519 (type 0x01) or SM2 (``ledger.sm2_note``)."""
    if not is_sm2_key(vkey):
        return parse_verifier_key(vkey)
    verifier = parse_sm2_verifier_key(vkey, sm2.verify)
    try:
        sm2.check_point(verifier.public)
    except VaultError:
        raise NoteError("verifier key: the SM2 public key is not a point on the curve") from None
    return verifier


def load_ledger_keys(settings: Settings) -> LedgerKeys:
    folder = keys_dir(settings)
    signer = signer_from_pem(read_private(folder / SIGNING_KEY))
    try:
        salt = bytes.fromhex(read_private(folder / SALT_FILE).decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise LedgerError(f"{folder / SALT_FILE} is not a hex salt") from None
    if len(salt) < 16:
        raise LedgerError(f"{folder / SALT_FILE} holds a salt shorter than 16 bytes")
    second = None
    if (folder / SM2_KEY).exists():
        second = sm2_signer(signer.name, read_private(folder / SM2_KEY))
    elif settings.suite == "gm":
        raise LedgerError(f"no SM2 ledger key at {folder / SM2_KEY} (gm suite): run `sealkeeper ledger init`")
    return LedgerKeys(signer, salt, second)
