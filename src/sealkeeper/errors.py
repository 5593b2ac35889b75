"""The one error hierarchy of sealkeeper.

Every error a user can see is a :class:`SealkeeperError`. Third-party errors (jsonschema, yaml, polars)
are caught at the boundary where they arise and re-raised as one of these, with the record and the
field named, never with personal data or a stack trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import Self


class SealkeeperError(Exception):
    """Base of every error sealkeeper raises on purpose.

    ``code`` is a stable id of the message (the web pages translate it; "" when it has none) and ``params`` the
    values its text names; the English message (``str(exc)``) stays what the command line and the API say.
    """

    code: str = ""
    params: Mapping[str, str] = MappingProxyType({})

    def coded(self, code: str, **params: object) -> Self:
        """This error with its message id and the values its text names."""
        self.code = code
        self.params = MappingProxyType({name: str(value) for name, value in params.items()})
        return self

    @classmethod
    def of(cls, why: Enum, **params: object) -> Self:
        """The error saying ``why`` (an enum of English templates such as ``"{field}: …"``), its code the
        member's name in lower case."""
        return cls(str(why.value).format(**params)).coded(why.name.lower(), **params)


class BundleFormatError(SealkeeperError):
    """A record bundle breaks format version 1. Names the bundle and the field."""

    def __init__(self, bundle_id: str | None, field: str, message: str) -> None:
        self.bundle_id = bundle_id
        self.field = field
        self.message = message
        where = f"bundle {bundle_id}" if bundle_id else "bundle (no id)"
        super().__init__(f"{where}: {field}: {message}")


class SourceError(SealkeeperError):
    """A file of bundles cannot be read at all (not JSON, not JSON Lines). Names file and line."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class PackError(SealkeeperError):
    """A rule pack is malformed: names the pack, the rule or parameter, and the problem."""

    def __init__(self, pack: str, where: str, message: str) -> None:
        self.pack = pack
        self.where = where
        super().__init__(f"rule pack {pack}: {where}: {message}")


class ExpressionError(SealkeeperError):
    """A rule condition in a pack cannot be parsed or refers to an unknown name."""


class ConfigError(SealkeeperError):
    """Settings are missing, malformed or placeholders."""


class VaultError(SealkeeperError):
    """Encryption or key management failed. Never carries key material or plaintext."""


class IntegrityError(VaultError):
    """A ciphertext does not belong where it was found (moved to another record, field or version, or altered)."""


class KeyUnavailableError(VaultError):
    """A key-encryption key is missing, unreadable or does not match the data (lost or wrong key)."""


class KeyDestroyedError(VaultError):
    """The person's data key was destroyed (deletion by crypto-shredding); their fields cannot be read any more."""


class StoreError(SealkeeperError):
    """The record store cannot be opened, migrated or written."""


class ImportRejectedError(SealkeeperError):
    """A whole import file was refused: nothing from it was written. Carries every problem with file, line, field."""

    def __init__(self, source: str, problems: list[tuple[int | None, str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = [
            f"{source}:{line if line is not None else '-'}: {field}: {message}" for line, field, message in problems
        ]
        head = f"{source}: import refused, nothing written ({len(problems)} problem(s))"
        super().__init__("\n".join([head, *lines]))
