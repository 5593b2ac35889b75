"""Offence categories of the bundle format (shared/cases/README.md), with a bit each for the batch path."""

from __future__ import annotations

from collections.abc import Iterable

CATEGORIES: tuple[str, ...] = (
    "sexual",
    "sexual_against_minor",
    "violent",
    "assaultive",
    "terrorism",
    "national_security",
    "drug",
    "organized_crime",
    "corruption",
    "traffic",
    "drunk_driving",
    "negligent",
    "serious_schedule",
    "dbs_specified",
)

CATEGORY_BITS: dict[str, int] = {name: 1 << i for i, name in enumerate(CATEGORIES)}


def to_mask(categories: Iterable[str]) -> int:
    """The bit mask of a set of categories; KeyError for an unknown one."""
    mask = 0
    for name in categories:
        mask |= CATEGORY_BITS[name]
    return mask
