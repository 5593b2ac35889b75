"""Refusals on the pages, in the page's language.

An error's stable code (``SealkeeperError.code``) picks its English text here, which is the catalogue's
message id (``"the applicant has until {due}"`` → ``"申请人可在 {due} 之前…"``); its values are filled in,
each translated when the catalogue knows it (a role, a state, a command, an action). An error without a code
is said with a translated lead and its English message. The command line and the API keep the English message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fastapi import Request

from sealkeeper.access import CERTIFICATE_BLOCKED, AccessRefusal
from sealkeeper.documents import DocumentRefusal
from sealkeeper.errors import SealkeeperError
from sealkeeper.procedures.errors import Refusal
from sealkeeper.reader.review import ReviewRefusal
from sealkeeper.services.audit import VERIFIED
from sealkeeper.services.reader_review import ProposalRefusal
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.stats.errors import BUDGET_EXCEEDED, StatsRefusal
from sealkeeper.web.i18n import language, translations
from sealkeeper.web.session import LANG_COOKIE

#: code -> English text (the catalogue's message id), for every refusal a page can show.
TEXTS: dict[str, str] = {
    **{why.name.lower(): why.value for why in Refusal},
    **{why.name.lower(): why.value for why in ServiceRefusal},
    **{why.name.lower(): why.value for why in StatsRefusal},
    **{why.name.lower(): why.value for why in ReviewRefusal},  # the reader's proposal, reviewed fact by fact
    **{why.name.lower(): why.value for why in ProposalRefusal},
    **{why.name.lower(): why.value for why in AccessRefusal},  # a judicial access grant
    **{why.name.lower(): why.value for why in DocumentRefusal},  # a decision letter, a verification code
    "certificate_blocked": CERTIFICATE_BLOCKED,
    "not_allowed": "account {account} may not {action} ({rules})",
    "self_approval": "account {account} may not approve its own request",
    "ledger_verified": VERIFIED,
    "ledger_broken": "the ledger does not verify: {problem}",
    "budget_exceeded": BUDGET_EXCEEDED,
    "csrf": "the form expired; reload the page",
    "no_verdict": "verdict: approve or deny, not {verdict}",
    "no_such_procedure": "procedure: not {procedure}",
}
UNCODED = "Not possible: {detail}"

#: The form fields a refusal is about (besides those its English text names before a colon).
FIELDS: dict[str, tuple[str, ...]] = {
    "no_materials": ("materials",),
    "interview_date": ("on",),
    "no_reference": ("reference",),
    "identifying_reference": ("reference",),
    "panel_size": ("members",),
    "panel_member_decided": ("members",),
    "corrected_fields": ("corrected",),
    "correction_without_fields": ("fields",),
    "verification_agency": ("source",),
    "application_incomplete": ("records", "materials"),
    "no_legal_basis": ("grounds",),
    "no_document": ("document",),
    "basis": ("basis",),
    "capacity_role": ("capacity",),
}

Gettext = Callable[[str], str]


def gettext_of(request: Request) -> Gettext:
    return translations(language(request.cookies.get(LANG_COOKIE))).gettext


def say(gettext: Gettext, code: str, params: Mapping[str, object], english: str = "") -> str:
    """The message of ``code`` with ``params`` in the catalogue's language (``english`` when it has no code)."""
    template = TEXTS.get(code)
    if template is None:  # an English page says the English message as it is
        lead = gettext(UNCODED)
        return english if lead == UNCODED else lead.format(detail=english)
    return gettext(template).format(**{name: _value(gettext, str(value)) for name, value in params.items()})


def _value(gettext: Gettext, value: str) -> str:
    """A value, each of its comma-separated words translated when the catalogue has it (never "": the header)."""
    return ", ".join(gettext(word) if word.strip() else word for word in value.split(", "))


def said(request: Request, exc: SealkeeperError) -> str:
    """The refusal ``exc`` in the page's language."""
    return say(gettext_of(request), exc.code, exc.params, str(exc))


def fields_of(exc: SealkeeperError) -> tuple[str, ...]:
    """The form fields the refusal is about: the invalid ones named, those of its code, or those its English
    text names before its colon (``"reasons: …"``, ``"outcome, reasons: …"``)."""
    if exc.code == "invalid_fields":
        return tuple(exc.params.get("fields", "").split(", "))
    if exc.code in FIELDS:
        return FIELDS[exc.code]
    if exc.code.endswith("_without_reasons"):
        return ("reasons",)
    head, colon, _ = str(exc).partition(":")
    names = tuple(name.strip() for name in head.split(","))
    return names if colon and all(name.isidentifier() for name in names) else ()
