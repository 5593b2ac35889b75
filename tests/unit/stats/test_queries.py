"""The release specs: fixed public cells, per-person contribution bound, sensitivity."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sealkeeper.stats import queries
from sealkeeper.stats.errors import StatsError
from sealkeeper.stats.queries import CONVICTED, PROFILES, CoverageRow, RecordRow

rows = st.lists(
    st.builds(
        RecordRow,
        person=st.sampled_from([f"p{i}" for i in range(6)]),
        region=st.sampled_from(queries.REGIONS),
        category=st.sampled_from(queries.CATEGORIES),
        outcome=st.sampled_from(list(queries.OUTCOMES)),
        year=st.one_of(st.none(), st.integers(min_value=1995, max_value=2026)),
    ),
    max_size=60,
)


@given(rows)
def test_cells_are_fixed_whatever_the_data_and_no_person_adds_more_than_the_bound(data: list[RecordRow]) -> None:
    for name in ("sealed-by-year", "records-by-outcome", "outcomes-by-category", "outcomes-by-region"):
        spec = queries.spec(name)
        keys, counts = queries.counts(spec, data, 2026)
        assert keys == spec.keys(2026)  # the same cells for any data: the set of cells reveals nothing
        assert all(c >= 0 for c in counts)
        for person in {r.person for r in data}:  # removing one person changes the vector by <= sensitivity
            _, without = queries.counts(spec, [r for r in data if r.person != person], 2026)
            assert sum(abs(a - b) for a, b in zip(counts, without, strict=True)) <= spec.sensitivity(2026)


def test_counts_by_outcome_and_category_follow_the_rows() -> None:
    data = [
        RecordRow("a", "CN", "property", "sealed", 2020),
        RecordRow("b", "CN", "property", "not_sealed", None),
        RecordRow("b", "CN", "public_safety", "eligible_on", 2027),
    ]
    keys, counts = queries.counts(queries.spec("outcomes-by-category"), data, 2026)
    got = dict(zip(keys, counts, strict=True))
    assert got["property|sealed"] == 1
    assert got["property|refused"] == 1
    assert got["public_safety|eligible"] == 1
    assert sum(counts) == 3
    keys, counts = queries.counts(queries.spec("sealed-by-year"), data, 2026)
    assert dict(zip(keys, counts, strict=True))["2020"] == 1
    assert sum(counts) == 1  # only sealed records, by the year they were sealed


def test_a_person_with_many_records_counts_at_most_the_bound() -> None:
    data = [RecordRow("same", "CN", "property", "sealed", 2020) for _ in range(10)]
    _, counts = queries.counts(queries.spec("records-by-outcome"), data, 2026)
    assert sum(counts) == queries.spec("records-by-outcome").bound


def test_policy_coverage_counts_each_profile_and_the_convicted() -> None:
    data = [CoverageRow("a", frozenset({"adult_p1", "adult_p2"})), CoverageRow("b", frozenset())]
    spec = queries.spec("policy-coverage")
    keys, counts = queries.counts(spec, data, 2026)
    got = dict(zip(keys, counts, strict=True))
    assert got == {"adult_p1": 1, "adult_p2": 1, "adult_p3": 0, "adult_p1_waiting3": 0, CONVICTED: 2}
    assert spec.sensitivity(2026) == len(PROFILES) + 1


def test_the_issue_names_are_there() -> None:
    assert {"sealed-by-year", "outcomes-by-category", "policy-coverage"} <= set(queries.QUERIES)


@given(rows)
def test_counting_in_one_pass_agrees_with_bounding_then_counting(data: list[RecordRow]) -> None:
    for spec in queries.QUERIES.values():
        if spec.dataset != queries.RECORDS or spec.name == "policy-coverage":
            continue
        keys, counts = queries.counts(spec, data, 2026)
        expected = dict.fromkeys(keys, 0)
        for row in queries.bounded(data, spec.bound):
            for cell in spec.cells_of(row):
                if cell in expected:
                    expected[cell] += 1
        assert counts == list(expected.values())


@given(rows)
def test_counting_with_polars_agrees_with_counting_row_by_row(data: list[RecordRow]) -> None:
    frame = pl.DataFrame(
        {column: [getattr(r, column) for r in data] for column in queries.RECORD_COLUMNS},
        schema={"person": pl.String, "region": pl.String, "category": pl.String, "outcome": pl.String,
                "year": pl.Int64},
    )  # fmt: skip
    ordered = frame.sort("person", maintain_order=True)  # as the store hands the rows over
    for spec in queries.QUERIES.values():
        if spec.dataset == queries.RECORDS and spec.name != "policy-coverage":
            assert queries.frame_counts(spec, frame, 2026) == queries.counts(spec, data, 2026), spec.name
            assert queries.frame_counts(spec, ordered, 2026) == queries.counts(spec, data, 2026), spec.name


def test_counting_with_polars_refuses_other_columns() -> None:
    with pytest.raises(StatsError, match="the record columns are person, region"):
        queries.frame_counts(queries.spec("records-by-outcome"), pl.DataFrame({"person": ["p"]}), 2026)
