"""Readying a server process for its first requests (``sealkeeper serve``, each of its worker processes)."""

from __future__ import annotations

import contextlib
import gc

from sealkeeper.access import CertificateError, certificate_rules
from sealkeeper.access.policy import load_policy
from sealkeeper.adapters.packfiles import load_all
from sealkeeper.config import Settings
from sealkeeper.formats.bundle import compile_validators
from sealkeeper.rules.engine import resolver_for
from sealkeeper.services.store_access import open_store

__all__ = ["prepare"]


def prepare(settings: Settings) -> None:
    """Make a server process ready for its first requests, before it listens.

    First it builds what requests build once and then cache: the store's engine, the packs with their
    statute resolvers, the certificate rules, the access policy, the bundle validators. Without this, the
    first burst of concurrent requests built each of them in every request thread at once. A profile of the
    certificate benchmark's first seconds showed 2.4 s of schema compiling.

    Then it moves what it built out of the garbage collector's sight (``gc.freeze``). Every full collection
    walked all of it: a pause of 100 to 180 ms in each 5 s under load, which set the p99 of even
    ``/healthz`` (``bench/bench_certificates.py``). Tests that make an application skip this: their
    requests come one at a time."""
    open_store(settings)
    for pack_id, pack in load_all().items():
        resolver_for(pack)
        with contextlib.suppress(CertificateError):  # a pack without certificate rules: refused at request
            certificate_rules(pack_id)
    load_policy()
    compile_validators()
    gc.collect()
    gc.freeze()
