"""The message ids the pages use that no extractor can see (procedure, state, command, field and choice names
rendered as ``_(value)``): the catalogue test checks each has a translation."""

from __future__ import annotations

from sealkeeper.adapters.case_codec import CASE_TYPES, state_type
from sealkeeper.services.procedure_service import commands_of
from sealkeeper.web.forms import fields_of


def dynamic_ids() -> set[str]:
    ids = {"authority", "applicant"}
    for name in CASE_TYPES:
        ids.add(name)
        ids |= {str(s.value) for s in state_type(name)}
        for command_name, command in commands_of(name).items():
            ids.add(command_name)
            for field in fields_of(command):
                ids.add(field.name)
                ids |= set(field.choices)
    return ids
