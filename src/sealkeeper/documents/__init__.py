"""Documents: the criminal-record certificate (无犯罪记录证明) and the decision letters (封存决定书, 不予封存决定书,
解除封存通知书), signed with Ed25519, with a verification code, rendered as PDF in Chinese (or English).

- ``model``: the documents as values (pure). ``make_certificate`` from ``access.certificate_view``'s lines,
  ``make_letter`` from a decision's reasons (``procedures.Reason`` or ``rules.explain.Reason``) and the
  articles cited. A document holds what is printed and nothing more: the person only as a display name.
- ``from_cases``: the letter a decided procedure case gives (application, objection, judicial unsealing,
  automatic sealing), dated and reasoned by the case.
- ``payload``: the canonical JSON that is signed and stored; ``document_from_payload`` reads it back.
- ``signing``: ``sign(document, private_key) -> SignedDocument``, ``verify(payload, signature, public_key)``,
  ``open_signed`` (verify, check a typed code, read back), ``verification_code(signed)``.
- ``code``: the verification code (Crockford base32 with a Luhn mod 32 check symbol) and ``normalize_code`` for
  looking a typed code up.
- ``pdf``: ``render_pdf(signed, lang) -> bytes`` with fpdf2 and Noto Serif CJK (``fonts``; Debian's
  fonts-noto-cjk). I/O: the font file.
- ``keyfile``: ``<home>/document-signing.key`` (0600). I/O.
"""

from sealkeeper.documents.code import normalize_code
from sealkeeper.documents.errors import (
    CodeError,
    DocumentError,
    DocumentRefusal,
    FontMissingError,
    PayloadError,
    SignatureError,
    SigningKeyError,
)
from sealkeeper.documents.fonts import FontFace, find_font
from sealkeeper.documents.from_cases import (
    letter_from_application,
    letter_from_objection,
    letter_from_record,
    letter_from_unsealing,
)
from sealkeeper.documents.keyfile import create_signing_key, ensure_signing_key, key_path, load_signing_key
from sealkeeper.documents.model import (
    Certificate,
    CertificateEntry,
    CitedArticle,
    Document,
    ExceptionNote,
    Ground,
    Kind,
    Letter,
    make_certificate,
    make_letter,
)
from sealkeeper.documents.payload import document_from_payload, payload_of
from sealkeeper.documents.pdf import render_pdf
from sealkeeper.documents.signing import (
    SignedDocument,
    key_id,
    open_signed,
    public_key,
    sign,
    verification_code,
    verify,
)

__all__ = [
    "Certificate",
    "CertificateEntry",
    "CitedArticle",
    "CodeError",
    "Document",
    "DocumentError",
    "DocumentRefusal",
    "ExceptionNote",
    "FontFace",
    "FontMissingError",
    "Ground",
    "Kind",
    "Letter",
    "PayloadError",
    "SignatureError",
    "SignedDocument",
    "SigningKeyError",
    "create_signing_key",
    "document_from_payload",
    "ensure_signing_key",
    "find_font",
    "key_id",
    "key_path",
    "letter_from_application",
    "letter_from_objection",
    "letter_from_record",
    "letter_from_unsealing",
    "load_signing_key",
    "make_certificate",
    "make_letter",
    "normalize_code",
    "open_signed",
    "payload_of",
    "public_key",
    "render_pdf",
    "sign",
    "verification_code",
    "verify",
]
