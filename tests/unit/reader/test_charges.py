"""The reader's charges map onto the facts the CN rule pack reads: each statute parses to an article the pack's
Criminal Law catalogue holds, under the same name, and the judgment form of the article is the same article."""

from __future__ import annotations

import pytest

from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.reader.charges import CHARGE_TABLE, Charge
from sealkeeper.rules.cn_statute import parse_criminal_law_citation


@pytest.mark.parametrize("charge", CHARGE_TABLE, ids=lambda c: c.code)
def test_each_charge_is_an_article_of_the_cn_catalogue_under_its_name(charge: Charge) -> None:
    catalogue = load_pack("CN").extras["criminal_law"]
    statute = parse_criminal_law_citation(charge.statute)
    written = parse_criminal_law_citation(charge.article)
    assert statute is not None
    assert written is not None
    assert statute.key == written.key
    entry = catalogue.lookup(statute)
    assert entry is not None
    assert entry.name_zh is not None
    assert charge.name_zh in entry.name_zh.split("；")
