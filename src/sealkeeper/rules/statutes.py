"""Statute resolvers: what a pack knows of an offence's statute (law, article exists, categories)."""

from __future__ import annotations

from functools import cache

from sealkeeper.rules.cn_catalogue import Catalogue
from sealkeeper.rules.cn_statute import StatuteParseError, parse_criminal_law_citation
from sealkeeper.rules.facts import StatuteInfo, StatuteResolver

_OTHER = StatuteInfo(law="other", known=True, categories=None, culpability=None)
_PSAL_MARK = "治安管理处罚法"


def generic_resolver(statute: str) -> StatuteInfo:
    """For packs without a statute catalogue: nothing is derived from the statute."""
    return _OTHER


def cn_resolver(catalogue: Catalogue) -> StatuteResolver:
    """Resolve a citation against the PRC Criminal Law catalogue (categories follow from the article)."""

    @cache
    def resolve(statute: str) -> StatuteInfo:
        if _PSAL_MARK in statute:
            return StatuteInfo(law="psal", known=True, categories=frozenset(), culpability=None)
        try:
            ref = parse_criminal_law_citation(statute)
        except StatuteParseError:
            return StatuteInfo(law="criminal_law", known=False, categories=None, culpability=None)
        if ref is None:
            return _OTHER
        entry = catalogue.lookup(ref)
        if entry is None or entry.repealed or entry.part != "special":
            return StatuteInfo(law="criminal_law", known=False, categories=None, culpability=None)
        culpability = entry.culpability if entry.culpability in ("intentional", "negligent") else None
        return StatuteInfo(
            law="criminal_law", known=True, categories=catalogue.categories(ref), culpability=culpability
        )

    return resolve
