"""The message ids the pages use that no extractor can see (procedure, state, command, field and choice names
rendered as ``_(value)``): the catalogue test checks each has a translation."""

from __future__ import annotations

from sealkeeper.access import AccessRole, certificate_rules, load_policy
from sealkeeper.procedures.complaint import Ground
from sealkeeper.procedures.representation import Basis, Capacity
from sealkeeper.services.procedure_service import commands_of, procedures, state_names
from sealkeeper.stats.queries import QUERIES
from sealkeeper.web.forms import fields_of


def dynamic_ids() -> set[str]:
    ids = {"authority", "applicant", "allow", "deny", *(str(role) for role in AccessRole)}
    ids |= set(load_policy().judicial_purposes)  # the stated purpose of an access request
    ids |= set(certificate_rules("CN").purposes)  # the purposes a certificate is asked for
    ids |= {str(ground.value) for ground in Ground}  # the grounds of a complaint (the person's form)
    ids |= {str(c) for c in Capacity} | {str(b) for b in Basis}  # a representative's links (its page)
    ids |= {"referred_rejected", "referred_overdue"}  # why a complaint went to the higher authority
    ids |= {f"{step}.{finding}" for step in ("Answer", "Reconsider") for finding in ("upheld", "rejected")}
    ids |= {q.title for q in QUERIES.values()} | {q.dataset for q in QUERIES.values()}  # the statistics page
    for name in procedures():
        ids.add(name)
        ids |= set(state_names(name))
        for command_name, command in commands_of(name).items():
            ids.add(command_name)
            for field in fields_of(command):
                ids.add(field.name)
                ids |= set(field.choices)
    return ids
