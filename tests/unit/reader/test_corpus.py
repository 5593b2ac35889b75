"""The synthetic corpus: deterministic for a seed, non-IID across agencies, documents consistent with their labels."""

from __future__ import annotations

from collections import Counter

from sealkeeper.reader.corpus import CHARGES, make_corpus, make_documents
from sealkeeper.reader.extract import age_on


def test_same_seed_same_corpus_and_other_seed_other_corpus() -> None:
    first = make_corpus(seed=7, agencies=3, per_agency=60)
    again = make_corpus(seed=7, agencies=3, per_agency=60)
    other = make_corpus(seed=8, agencies=3, per_agency=60)
    assert first == again
    assert [d.text for d in first[0].train] != [d.text for d in other[0].train]


def test_an_agency_depends_only_on_the_seed_and_its_index() -> None:
    three = make_corpus(seed=3, agencies=3, per_agency=40)
    five = make_corpus(seed=3, agencies=5, per_agency=40)
    assert five[:3] == three
    assert [a.name for a in five] == [f"agency-{i}" for i in range(1, 6)]


def test_split_sizes_follow_the_test_share() -> None:
    (agency,) = make_corpus(seed=1, agencies=1, per_agency=100, test_share=0.25)
    assert (len(agency.train), len(agency.test)) == (75, 25)


def test_agencies_have_different_charge_mixes() -> None:
    corpus = make_corpus(seed=11, agencies=4, per_agency=400)
    shares = []
    for agency in corpus:
        counts = Counter(d.charge for d in agency.train + agency.test)
        shares.append([counts[c] / 400 for c in CHARGES])
    # total variation distance between every two agencies' charge mixes
    distances = [sum(abs(a - b) for a, b in zip(x, y, strict=True)) / 2 for i, x in enumerate(shares)
                 for y in shares[i + 1 :]]  # fmt: skip
    assert min(distances) > 0.2
    top = {max(range(len(CHARGES)), key=s.__getitem__) for s in shares}
    assert len(top) > 1  # not every agency's most frequent charge is the same


def test_the_corpus_covers_every_charge_kind_juveniles_and_both_document_types() -> None:
    docs = [d for a in make_corpus(seed=2, agencies=5, per_agency=300) for d in a.train + a.test]
    assert {d.charge for d in docs} == set(CHARGES)
    kinds = {d.sentence.kind for d in docs}
    assert kinds == {"detention", "fixed_term", "surveillance", "fine_only", "exempt", "non_prosecution"}
    assert any(d.sentence.suspended for d in docs)
    assert any(d.juvenile for d in docs)
    assert any("不起诉决定书" in d.text for d in docs)
    assert any("刑事判决书" in d.text for d in docs)
    assert any("二〇" in d.text for d in docs)  # Chinese digits in years
    assert any("年" in d.text and any(ch.isdigit() for ch in d.text) for d in docs)


def test_labels_are_consistent_with_the_documents() -> None:
    for doc in make_documents(seed=5, agency=0, count=200):
        assert doc.offence_date < doc.judgment_date
        assert doc.juvenile == (age_on(doc.birth_date, doc.offence_date) < 18)
        assert doc.article.removeprefix("刑法") in doc.text
        s = doc.sentence
        if s.kind == "detention":
            assert s.months is not None
            assert 1 <= s.months <= 6
        if s.suspended:
            assert s.probation_months is not None
            assert s.months is not None
            assert s.probation_months >= s.months
        if s.kind in ("exempt", "non_prosecution"):
            assert (s.months, s.fine_yuan, s.suspended) == (None, None, False)
        assert ("不起诉决定书" in doc.text) == (s.kind == "non_prosecution")
