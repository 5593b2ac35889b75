"""A server process made ready before it listens: what requests build once is built, and out of the garbage
collector's way (``services.serving.prepare``)."""

from __future__ import annotations

import gc

from sealkeeper.access import certificate_rules
from sealkeeper.adapters.packfiles import available, load_pack
from sealkeeper.config import Settings
from sealkeeper.formats import bundle
from sealkeeper.services.serving import prepare


def test_prepare_builds_the_request_path_s_caches_and_freezes_them(home: Settings) -> None:
    load_pack.cache_clear()
    certificate_rules.cache_clear()
    bundle._fast_validators.cache_clear()
    try:
        prepare(home)
        assert gc.get_freeze_count() > 0  # moved out of the collector's sight
    finally:
        gc.unfreeze()  # this test process keeps collecting all it has
    assert load_pack.cache_info().currsize == len(available())
    assert certificate_rules.cache_info().currsize >= 1
    assert bundle._fast_validators.cache_info().currsize == 1
