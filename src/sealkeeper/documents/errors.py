"""Errors of the documents package. Messages name the document kind, the field and the file; never a name, an
ID number or a key."""

from __future__ import annotations

from enum import Enum, unique

from sealkeeper.errors import SealkeeperError


@unique
class DocumentRefusal(Enum):
    """Why a decision letter or a verification code is refused, in English with the values named; the member's
    name in lower case is the code the web pages translate (``SealkeeperError.of``)."""

    NOT_DECIDED = "{procedure} {case_id}: no decision letter: not decided (state {state})"
    UPHELD = "{procedure} {case_id}: no decision letter: the contested decision was upheld"
    REQUEST_REFUSED = "{procedure} {case_id}: no decision letter: the request was refused (state {state})"
    NEITHER_SEALED_NOR_UNSEALED = (
        "{procedure} {case_id}: no decision letter: neither sealed nor unsealed (state {state})"
    )
    NOT_UNSEALED_YET = "{procedure} {case_id}: no decision letter: the record is not unsealed yet"
    NO_DECISION_APPLIED = "{procedure} {case_id}: no decision letter: no decision applied"
    NO_LETTER_FOR_PROCEDURE = "{procedure} {case_id}: no decision letter for this procedure"
    NOT_A_SEALING_CASE = "case {case_id}: not an automatic sealing case"
    CODE_LENGTH = "a verification code has {symbols} symbols; this one has {count}"
    CODE_SYMBOL = "a verification code has no symbol {stray}"
    CODE_CHECK = "the verification code's check symbol does not match: a symbol was mistyped"


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
