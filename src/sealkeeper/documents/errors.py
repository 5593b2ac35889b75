"""Errors of the documents package. Messages name the document kind, the field and the file; never a name, an
ID number or a key."""

from __future__ import annotations

from sealkeeper.errors import SealkeeperError


class DocumentError(SealkeeperError):
    """A document cannot be made, signed, read back or rendered as asked."""


class PayloadError(DocumentError):
    """A signed payload is not a document of this format (names the field)."""


class SignatureError(DocumentError):
    """A signature does not verify under the given public key, or a key is malformed."""


class CodeError(DocumentError):
    """A typed verification code is malformed or its check character does not match."""


class FontMissingError(DocumentError):
    """The CJK font the PDFs embed is not installed (names the Debian package)."""


class SigningKeyError(DocumentError):
    """The document signing key file is missing, unreadable, too open or not an Ed25519 key."""
