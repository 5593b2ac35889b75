"""parse_bundle: record bundles (format version 1) into value objects, every failure a BundleFormatError."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sealkeeper.errors import BundleFormatError
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.record import (
    Bundle,
    Event,
    EventType,
    Offense,
    Penalty,
    Person,
    Sentence,
    SentenceKind,
    Target,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SHARED_EXAMPLES = Path("/work/shared/cases/examples.json")

Json = Any
D = dt.date


def readme_bundle() -> dict[str, Json]:
    """The example of shared/cases/README.md (without `expected`)."""
    return {
        "id": "CN-01",
        "jurisdiction": "CN",
        "as_of": "2025-01-01",
        "person": {"birth_date": "2006-05-10"},
        "events": [
            {
                "id": "e1",
                "type": "offense",
                "date": "2023-08-01",
                "offense": {"name": "盗窃罪", "statute": "刑法第264条"},
            },
            {
                "id": "e2",
                "type": "conviction",
                "date": "2023-12-15",
                "offense_ids": ["e1"],
                "sentence": {"kind": "fixed_term", "months": 12, "suspended": True, "probation_months": 18},
            },
        ],
    }


def rich_bundle() -> dict[str, Json]:
    """Every optional part once: target, notes, flags, class/categories, follow-ups, penalties."""
    return {
        "id": "CN-90",
        "jurisdiction": "CN",
        "as_of": "2026-06-30",
        "person": {"birth_date": "2005-02-28"},
        "note": "for people only",
        "target": {"event_id": "c1", "channel": "register", "note": "ignored"},
        "events": [
            {
                "id": "o1",
                "type": "offense",
                "date": "2023-02-27",
                "offense": {
                    "name": "故意伤害罪",
                    "statute": "刑法第234条",
                    "class": "felony",
                    "categories": ["violent", "assaultive"],
                },
                "note": "the day before the 18th birthday",
            },
            {"id": "o2", "type": "offense", "date": "2023-03-01", "offense": {"name": "x", "statute": "y"}},
            {
                "id": "c1",
                "type": "conviction",
                "date": "2023-09-01",
                "offense_ids": ["o1", "o2"],
                "sentence": {"kind": "criminal_detention", "months": 4.5, "days": 3},
                "flags": {"main_conduct_before_18": True},
            },
            {"id": "r1", "type": "retrial", "date": "2024-01-10", "conviction_id": "c1", "sentence": {"kind": "fine"}},
            {"id": "p1", "type": "probation_completed", "date": "2024-02-01", "conviction_id": "c1"},
            {"id": "f1", "type": "fine_paid", "date": "2024-02-02", "conviction_id": "c1"},
            {"id": "o3", "type": "offense", "date": "2024-05-01", "offense": {"name": "z", "statute": "刑法第264条"}},
            {"id": "n1", "type": "non_prosecution", "date": "2024-06-01", "offense_ids": ["o3"], "kind": "conditional"},
            {
                "id": "a1",
                "type": "admin_penalty",
                "date": "2025-01-05",
                "offense": {"name": "殴打他人", "statute": "治安管理处罚法第51条"},
                "penalty": {"kind": "detention", "days": 5},
            },
        ],
    }


def cn_fixture_bundles() -> list[dict[str, Json]]:
    loaded: list[dict[str, Json]] = json.loads((FIXTURES / "cn_examples.json").read_text("utf-8"))
    return loaded


def error_of(obj: object) -> BundleFormatError:
    with pytest.raises(BundleFormatError) as info:
        parse_bundle(obj)
    return info.value


def mutated(change: Callable[[dict[str, Json]], object], base: Callable[[], dict[str, Json]] = readme_bundle) -> Json:
    obj = base()
    change(obj)
    return obj


# --------------------------------------------------------------------------- valid bundles


def test_readme_example_becomes_value_objects() -> None:
    bundle = parse_bundle(readme_bundle())
    assert bundle == Bundle(
        id="CN-01",
        jurisdiction="CN",
        as_of=D(2025, 1, 1),
        person=Person(D(2006, 5, 10)),
        events=(
            Event(id="e1", type=EventType.OFFENSE, date=D(2023, 8, 1), offense=Offense("盗窃罪", "刑法第264条")),
            Event(
                id="e2",
                type=EventType.CONVICTION,
                date=D(2023, 12, 15),
                offense_ids=("e1",),
                sentence=Sentence(SentenceKind.FIXED_TERM, months=12, suspended=True, probation_months=18),
            ),
        ),
        target=None,
    )
    assert bundle.records() == (bundle.event("e2"),)


def test_every_optional_part_is_carried_over() -> None:
    bundle = parse_bundle(rich_bundle())
    assert bundle.target == Target("c1", "register")
    assert bundle.person == Person(D(2005, 2, 28))
    o1 = bundle.event("o1")
    assert o1.offense == Offense(
        "故意伤害罪", "刑法第234条", grade="felony", categories=frozenset({"violent", "assaultive"})
    )
    assert bundle.event("o2").offense == Offense("x", "y", grade=None, categories=None)
    c1 = bundle.event("c1")
    assert c1.offense_ids == ("o1", "o2")
    assert c1.sentence == Sentence(SentenceKind.CRIMINAL_DETENTION, months=4.5, days=3)
    assert dict(c1.flags) == {"main_conduct_before_18": True}
    assert bundle.event("r1") == Event(
        "r1", EventType.RETRIAL, D(2024, 1, 10), conviction_id="c1", sentence=Sentence(SentenceKind.FINE)
    )
    assert bundle.event("p1").conviction_id == "c1"
    assert bundle.event("f1").type is EventType.FINE_PAID
    assert bundle.event("n1").kind == "conditional"
    assert bundle.event("a1").penalty == Penalty("detention", 5, None)
    assert [e.id for e in bundle.events] == ["o1", "o2", "c1", "r1", "p1", "f1", "o3", "n1", "a1"]
    assert [e.id for e in bundle.records()] == ["c1", "n1", "a1"]


def test_events_in_any_order() -> None:
    obj = readme_bundle()
    obj["events"].reverse()
    assert [e.id for e in parse_bundle(obj).events] == ["e2", "e1"]


def test_expected_and_interpretive_are_optional_and_ignored() -> None:
    plain = parse_bundle(readme_bundle())
    worked = readme_bundle()
    worked["expected"] = {"status": "sealed", "date": "2023-12-15", "citation": "CPL Art. 286", "reason": "r"}
    worked["interpretive"] = True
    worked["interpretive_choice"] = "INTERPRETATION 11"
    assert parse_bundle(worked) == plain
    worked["interpretive"] = False
    del worked["interpretive_choice"]
    assert parse_bundle(worked) == plain


@pytest.mark.parametrize("obj", cn_fixture_bundles(), ids=lambda b: b["id"])
def test_cn_worked_cases_parse(obj: dict[str, Json]) -> None:
    bundle = parse_bundle(obj)
    assert bundle.id == obj["id"]
    assert len(bundle.events) == len(obj["events"])
    assert bundle.records()


def test_every_shared_example_parses() -> None:
    if not SHARED_EXAMPLES.is_file():
        pytest.skip("/work/shared/cases is not available")
    for obj in json.loads(SHARED_EXAMPLES.read_text("utf-8")):
        assert parse_bundle(obj).id == obj["id"]


# --------------------------------------------------------------------------- errors naming the field


def test_unknown_event_type_names_the_type_field() -> None:
    err = error_of(mutated(lambda b: b["events"][1].update(type="pardon")))
    assert (err.bundle_id, err.field) == ("CN-01", "events[1].type")
    assert "pardon" not in err.message, "a value in the wrong column may be personal data: never echoed"
    assert "conviction" in err.message, "the known types are listed"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.update(as_of="2023-02-30"), "as_of"),
        (lambda b: b["person"].update(birth_date="2023-02-30"), "person.birth_date"),
    ],
    ids=["as_of", "birth_date"],
)
def test_impossible_top_level_date_names_the_field(change: Callable[[dict[str, Json]], None], field: str) -> None:
    err = error_of(mutated(change))
    assert (err.bundle_id, err.field) == ("CN-01", field)
    assert "calendar date" in err.message
    assert "2023-02-30" not in err.message


@pytest.mark.parametrize("index", [0, 1])
def test_impossible_event_date_is_a_format_error_about_that_event(index: int) -> None:
    err = error_of(mutated(lambda b: b["events"][index].update(date="2023-02-30")))
    assert err.bundle_id == "CN-01"
    assert err.field.startswith(f"events[{index}]")


@pytest.mark.parametrize("index", [0, 1])
def test_impossible_event_date_names_the_date_field(index: int) -> None:
    err = error_of(mutated(lambda b: b["events"][index].update(date="2023-02-30")))
    assert err.field == f"events[{index}].date"
    assert "calendar date" in err.message
    assert "2023-02-30" not in err.message


@pytest.mark.parametrize("junk", ["2023-1-5", "05.01.2023", "2023-01-05T00:00"])
def test_malformed_event_date_is_a_format_error_about_that_event(junk: str) -> None:
    err = error_of(mutated(lambda b: b["events"][1].update(date=junk)))
    assert err.bundle_id == "CN-01"
    assert err.field.startswith("events[1]")


@pytest.mark.parametrize("junk", ["2023-1-5", "05.01.2023", "2023-01-05T00:00"])
def test_malformed_event_date_names_the_date_field(junk: str) -> None:
    err = error_of(mutated(lambda b: b["events"][1].update(date=junk)))
    assert err.field == "events[1].date"


def test_conviction_without_offense_ids_is_a_format_error() -> None:
    err = error_of(mutated(lambda b: b["events"][1].pop("offense_ids")))
    assert err.bundle_id == "CN-01"
    assert err.field.startswith("events[1]")


def test_conviction_without_offense_ids_names_offense_ids() -> None:
    err = error_of(mutated(lambda b: b["events"][1].pop("offense_ids")))
    assert err.field in ("events[1]", "events[1].offense_ids")
    assert "offense_ids" in err.message


def test_conviction_with_empty_offense_ids_is_a_format_error() -> None:
    err = error_of(mutated(lambda b: b["events"][1].update(offense_ids=[])))
    assert err.bundle_id == "CN-01"
    assert err.field.startswith("events[1]")


def test_conviction_with_empty_offense_ids_names_offense_ids() -> None:
    err = error_of(mutated(lambda b: b["events"][1].update(offense_ids=[])))
    assert err.field == "events[1].offense_ids"


@pytest.mark.parametrize(
    ("offense_ids", "field"),
    [
        (["e9"], "events[1].offense_ids[0]"),
        (["e1", "e9"], "events[1].offense_ids[1]"),
        (["e2"], "events[1].offense_ids[0]"),  # names the conviction itself, not an offense
    ],
)
def test_offense_ids_must_name_offense_events(offense_ids: list[str], field: str) -> None:
    err = error_of(mutated(lambda b: b["events"][1].update(offense_ids=offense_ids)))
    assert (err.bundle_id, err.field) == ("CN-01", field)


def test_offense_ids_naming_a_follow_up_event() -> None:
    def change(b: dict[str, Json]) -> None:
        b["events"].append({"id": "s1", "type": "sentence_completed", "date": "2024-01-01", "conviction_id": "e2"})
        b["events"].append(
            {"id": "x1", "type": "acquittal", "date": "2024-02-01", "offense_ids": ["e1", "s1"]},
        )

    err = error_of(mutated(change))
    assert err.field == "events[3].offense_ids[1]"


def test_offense_dated_after_its_conviction() -> None:
    err = error_of(mutated(lambda b: b["events"][0].update(date="2024-01-01")))
    assert err.field == "events[1].offense_ids[0]"


def test_duplicate_event_ids() -> None:
    err = error_of(mutated(lambda b: b["events"][1].update(id="e1")))
    assert (err.bundle_id, err.field) == ("CN-01", "events[1].id")
    assert "e1" in err.message


def test_event_after_as_of() -> None:
    err = error_of(mutated(lambda b: b["events"][1].update(date="2025-01-02")))
    assert (err.bundle_id, err.field) == ("CN-01", "events[1].date")


def test_event_on_as_of_is_allowed() -> None:
    assert parse_bundle(mutated(lambda b: b["events"][1].update(date="2025-01-01"))).as_of == D(2025, 1, 1)


def test_event_before_birth() -> None:
    err = error_of(mutated(lambda b: b["events"][0].update(date="2006-05-09")))
    assert (err.bundle_id, err.field) == ("CN-01", "events[0].date")


def test_event_on_birth_date_is_allowed() -> None:
    assert parse_bundle(mutated(lambda b: b["events"][0].update(date="2006-05-10")))


@pytest.mark.parametrize(("ref", "why"), [("e9", "missing"), ("e1", "an offense, not a conviction")])
def test_conviction_id_naming_nothing(ref: str, why: str) -> None:
    follow = {"id": "e3", "type": "probation_completed", "date": "2024-06-01", "conviction_id": ref}
    err = error_of(mutated(lambda b: b["events"].append(follow)))
    assert (err.bundle_id, err.field) == ("CN-01", "events[2].conviction_id"), why


def test_target_event_id_naming_nothing() -> None:
    err = error_of(mutated(lambda b: b.update(target={"event_id": "e9"})))
    assert (err.bundle_id, err.field) == ("CN-01", "target.event_id")


def test_target_may_name_any_event() -> None:
    assert parse_bundle(mutated(lambda b: b.update(target={"event_id": "e1"}))).target == Target("e1", None)


def test_bundle_without_record_events() -> None:
    err = error_of(mutated(lambda b: b["events"].pop()))
    assert (err.bundle_id, err.field) == ("CN-01", "events")


def test_empty_events() -> None:
    err = error_of(mutated(lambda b: b.update(events=[])))
    assert (err.bundle_id, err.field) == ("CN-01", "events")


@pytest.mark.parametrize("obj", [[readme_bundle()], "CN-01", 42, None, True])
def test_not_an_object(obj: object) -> None:
    err = error_of(obj)
    assert err.bundle_id is None
    assert err.field == "(bundle)"


def test_missing_id() -> None:
    err = error_of(mutated(lambda b: b.pop("id")))
    assert err.bundle_id is None
    assert "id" in err.message
    assert "bundle (no id)" in str(err)


@pytest.mark.parametrize(("bad_id", "named"), [("", None), (7, None), ("cn-1", "cn-1")])
def test_malformed_id(bad_id: object, named: str | None) -> None:
    err = error_of(mutated(lambda b: b.update(id=bad_id)))
    assert err.bundle_id == named
    assert err.field == "id"


def test_id_with_trailing_newline_is_rejected() -> None:
    # Python's re '$' also matches before a final newline; JSON Schema (ECMA-262) patterns do not.
    err = error_of(mutated(lambda b: b.update(id="CN-01\n")))
    assert err.field == "id"


def test_extra_unknown_property() -> None:
    err = error_of(mutated(lambda b: b.update(colour="red")))
    assert (err.bundle_id, err.field) == ("CN-01", "(bundle)")
    assert "colour" in err.message


def test_extra_unknown_property_on_person() -> None:
    err = error_of(mutated(lambda b: b["person"].update(name="Li")))
    assert (err.bundle_id, err.field) == ("CN-01", "person")


def test_interpretive_true_needs_a_choice() -> None:
    err = error_of(mutated(lambda b: b.update(interpretive=True)))
    assert err.bundle_id == "CN-01"
    assert "interpretive_choice" in err.message


def test_unknown_jurisdiction() -> None:
    err = error_of(mutated(lambda b: b.update(jurisdiction="FR")))
    assert (err.bundle_id, err.field) == ("CN-01", "jurisdiction")


def test_message_names_bundle_and_field() -> None:
    err = error_of(mutated(lambda b: b.update(target={"event_id": "e9"})))
    assert str(err).startswith("bundle CN-01: target.event_id: ")


@pytest.mark.parametrize("kind", [[], {}, ["conviction"]], ids=["empty-list", "empty-object", "list"])
def test_unhashable_event_type_is_a_format_error(kind: object) -> None:
    err = error_of(mutated(lambda b: b["events"][1].update(type=kind)))
    assert err.field == "events[1].type"


# --------------------------------------------------------------------------- properties


def _parse_or_format_error(obj: object) -> None:
    result: Bundle | BundleFormatError
    try:
        result = parse_bundle(obj)
    except BundleFormatError as exc:
        result = exc
    if isinstance(result, BundleFormatError):
        assert isinstance(result.field, str)
        assert result.field
        assert result.bundle_id is None or isinstance(result.bundle_id, str)
    else:
        assert isinstance(result, Bundle)


BUNDLE_KEYS = [
    "id", "jurisdiction", "as_of", "person", "birth_date", "events", "type", "date", "offense", "offense_ids",
    "sentence", "kind", "conviction_id", "penalty", "target", "event_id", "channel", "flags", "expected",
    "name", "statute", "months",
]  # fmt: skip

json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["CN", "CN-01", "e1", "conviction", "offense", "2023-02-30", "2024-01-01", "fixed_term"])
)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(BUNDLE_KEYS) | st.text(max_size=6), children, max_size=5)
    ),
    max_leaves=25,
)

JUNK_DATES = ["2023-02-30", "2023-13-01", "2023-1-5", "20230105", "2023/01/05", "", "yesterday", "0000-01-01",
              "2023-01-05T00:00:00", "２０２３-01-05", "2023-01-05\n", " 2023-01-05"]  # fmt: skip


def _copier(obj: dict[str, Json]) -> Callable[[], dict[str, Json]]:
    return lambda: copy.deepcopy(obj)


BASES: list[Callable[[], dict[str, Json]]] = [readme_bundle, rich_bundle, *map(_copier, cn_fixture_bundles())]


def _paths(obj: Json, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    children: list[tuple[Any, Json]] = []
    if isinstance(obj, dict):
        children = list(obj.items())
    elif isinstance(obj, list):
        children = list(enumerate(obj))
    for key, value in children:
        out.append((*prefix, key))
        out.extend(_paths(value, (*prefix, key)))
    return out


def _parent(obj: Json, path: tuple[Any, ...]) -> Json:
    for key in path[:-1]:
        obj = obj[key]
    return obj


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_json_is_a_bundle_or_a_format_error(obj: Json) -> None:
    _parse_or_format_error(obj)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_valid_bundle_is_a_bundle_or_a_format_error(data: st.DataObject) -> None:
    obj = data.draw(st.sampled_from(BASES), label="base")()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        paths = _paths(obj)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths), label="path")
        parent = _parent(obj, path)
        how = data.draw(st.sampled_from(["drop", "retype", "junk_date"]), label="how")
        if how == "drop":
            del parent[path[-1]]
        elif how == "retype":
            parent[path[-1]] = data.draw(json_values, label="value")
        else:
            parent[path[-1]] = data.draw(st.sampled_from(JUNK_DATES) | st.text(max_size=12), label="date")
    _parse_or_format_error(obj)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_junk_in_any_date_field_is_a_format_error(data: st.DataObject) -> None:
    obj = data.draw(st.sampled_from(BASES), label="base")()
    date_paths = [p for p in _paths(obj) if p[-1] in ("as_of", "birth_date", "date") and p[0] != "expected"]
    path = data.draw(st.sampled_from(date_paths), label="path")
    junk = data.draw(st.sampled_from(JUNK_DATES), label="junk")
    _parent(obj, path)[path[-1]] = junk
    err = error_of(obj)
    assert err.bundle_id == obj["id"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize(
    ("index", "part", "name"), [(2, "sentence", "months"), (2, "sentence", "days"), (8, "penalty", "days")]
)
def test_non_finite_numbers_are_refused_naming_the_field(constant: str, index: int, part: str, name: str) -> None:
    """Python's json reads NaN and Infinity (not JSON) as floats; they pass the schema's minimum."""
    obj = rich_bundle()
    obj["events"][index][part][name] = "@"
    decoded = json.loads(json.dumps(obj).replace('"@"', constant))
    err = error_of(decoded)
    assert (err.bundle_id, err.field) == ("CN-90", f"events[{index}].{part}.{name}")
    assert err.message == (
        "must be at least 0" if constant.startswith("-") else f"{float(constant)} is not a finite number"
    )
