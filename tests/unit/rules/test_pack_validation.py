"""Rule pack validation: the shipped CN pack loads; each kind of mistake is a PackError naming its place."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import sealkeeper.rules
from sealkeeper.adapters.packfiles import available, load_pack
from sealkeeper.errors import PackError
from sealkeeper.formats.bundle import parse_bundle
from sealkeeper.model.record import RECORD_TYPES
from sealkeeper.rules.engine import evaluate_bundle
from sealkeeper.rules.pack import Pack, Parameter, build_pack

CN_DIR = Path(sealkeeper.rules.__file__).parent / "packs" / "CN"
D = dt.date
Data = dict[str, Any]


@pytest.fixture(scope="module")
def cn() -> Pack:
    return load_pack("CN")


@pytest.fixture(scope="module")
def raw_pack() -> Data:
    loaded: Data = yaml.safe_load((CN_DIR / "pack.yaml").read_text("utf-8"))
    return loaded


@pytest.fixture(scope="module")
def raw_articles() -> Data:
    loaded: Data = yaml.safe_load((CN_DIR / "articles.yaml").read_text("utf-8"))["articles"]
    return loaded


@pytest.fixture
def pack_data(raw_pack: Data) -> Data:
    return copy.deepcopy(raw_pack)


@pytest.fixture
def articles(raw_articles: Data) -> Data:
    return copy.deepcopy(raw_articles)


def rule_index(data: Data, rule_id: str) -> int:
    return next(i for i, r in enumerate(data["rules"]) if r["id"] == rule_id)


def top_rule(data: Data, rule_id: str) -> Data:
    rule: Data = data["rules"][rule_index(data, rule_id)]
    return rule


def pack_error(data: Data, articles: Data) -> PackError:
    with pytest.raises(PackError) as info:
        build_pack(data, articles)
    assert info.value.pack == "CN"
    return info.value


# --------------------------------------------------------------------------- the shipped pack


def test_cn_is_shipped_and_loads(cn: Pack) -> None:
    assert "CN" in available()
    assert cn.id == "CN"
    assert cn.jurisdiction == "CN"
    assert cn.version
    assert cn.ref.id == "CN"
    assert "criminal_law" in cn.extras


def test_cn_unchanged_data_builds(pack_data: Data, articles: Data) -> None:
    pack = build_pack(pack_data, articles)
    assert [r.id for r in pack.all_rules()] == [r.id for r in load_pack("CN").all_rules()]


def test_every_rule_cites_existing_articles(cn: Pack) -> None:
    for rule in cn.all_rules():
        for aid in rule.articles:
            assert aid in cn.articles, f"{rule.id} cites {aid}"
    for param in cn.parameters.values():
        for aid in param.articles:
            assert aid in cn.articles, f"parameter {param.name} cites {aid}"


def test_rule_ids_are_unique(cn: Pack) -> None:
    rule_ids = [r.id for r in cn.all_rules()]
    assert len(rule_ids) == len(set(rule_ids))


def test_rules_have_bilingual_text_and_apply_to_record_kinds(cn: Pack) -> None:
    kinds = {t.value for t in RECORD_TYPES}
    for rule in cn.all_rules():
        assert rule.text.zh.strip(), rule.id
        assert rule.text.en.strip(), rule.id
        assert rule.applies_to, rule.id
        assert rule.applies_to <= kinds, rule.id


def test_dated_outcomes_have_date_expressions(cn: Pack) -> None:
    for rule in cn.all_rules():
        assert (rule.date is not None) == (rule.outcome.value in ("sealed", "eligible_on", "unsealed")), rule.id


def test_profiles_override_known_parameters(cn: Pack) -> None:
    for name, overrides in cn.profiles.items():
        assert set(overrides) <= set(cn.parameters), name
        assert cn.with_profile(name).ref.version.endswith(f"+{name}")


def test_unknown_profile_is_a_pack_error(cn: Pack) -> None:
    with pytest.raises(PackError) as info:
        cn.with_profile("adult_p9")
    assert "adult_p9" in str(info.value)


def test_unknown_pack_is_a_pack_error() -> None:
    with pytest.raises(PackError) as info:
        load_pack("XX")
    assert info.value.pack == "XX"


# --------------------------------------------------------------------------- conditions


@pytest.mark.parametrize(
    "condition",
    [
        "no_such_fact",
        "first_offense_date <= add_years(date_of_birth, 18)",
        "param",  # the parameter namespace on its own is not a fact
        "known(retrial_date) and unknown_thing > 3",
    ],
)
def test_condition_with_unknown_fact(pack_data: Data, articles: Data, condition: str) -> None:
    top_rule(pack_data, "cn.juvenile")["when"] = condition
    err = pack_error(pack_data, articles)
    assert "cn.juvenile" in err.where
    assert err.where.endswith(".when")


@pytest.mark.parametrize(
    "condition",
    [
        "__import__('os')",
        "__import__('os').system('true')",
        "lambda: True",
        "(lambda x: x)(1)",
        "record_date.year > 2000",
        "birth_date.__class__",
        "param.juvenile_max_term_months.real > 1",
        "().__class__.__bases__",
        "categories[0]",
        "[x for x in categories]",
        "eval('1')",
        "open('/etc/passwd')",
        "add_years(birth_date, years=18) > record_date",
        "term_months ** 2 > 2",
        "term_months / 2 > 1",
        "b'bytes' == record_kind",
        "(x := 1)",
        "record_kind if True else record_kind",
        "{'a': 1}",
    ],
)
def test_condition_with_forbidden_syntax(pack_data: Data, articles: Data, condition: str) -> None:
    top_rule(pack_data, "cn.juvenile")["when"] = condition
    err = pack_error(pack_data, articles)
    assert "cn.juvenile" in err.where


@pytest.mark.parametrize("condition", ["", "   ", "a >", "and"])
def test_condition_that_does_not_parse(pack_data: Data, articles: Data, condition: str) -> None:
    top_rule(pack_data, "cn.juvenile")["when"] = condition
    err = pack_error(pack_data, articles)
    assert "cn.juvenile" in err.where or "rules/" in err.where


def test_forbidden_syntax_in_a_date_expression(pack_data: Data, articles: Data) -> None:
    top_rule(pack_data, "cn.juvenile")["date"] = "record_date.replace(year=2000)"
    err = pack_error(pack_data, articles)
    assert err.where.endswith("(cn.juvenile).date")


def test_forbidden_syntax_in_a_nested_exception(pack_data: Data, articles: Data) -> None:
    adult = top_rule(pack_data, "cn.adult")
    adult["exceptions"][0]["exceptions"][1]["when"] = "__import__('os')"
    err = pack_error(pack_data, articles)
    assert "cn.adult.recidivist" in err.where


def test_unknown_parameter(pack_data: Data, articles: Data) -> None:
    top_rule(pack_data, "cn.juvenile")["exceptions"][0]["when"] = "not param.juvenile_sealing_enforced"
    err = pack_error(pack_data, articles)
    assert "cn.juvenile.not_in_force" in err.where
    assert "param.juvenile_sealing_enforced" in str(err)


def test_unknown_parameter_in_a_date_expression(pack_data: Data, articles: Data) -> None:
    top_rule(pack_data, "cn.admin.psal")["date"] = "max(record_date, param.psal_commencement)"
    err = pack_error(pack_data, articles)
    assert "cn.admin.psal" in err.where
    assert "param.psal_commencement" in str(err)


@pytest.mark.parametrize(
    "condition",
    ["first_offense_date <= add_years(birth_date)", "known()", "overlaps(categories)"],
)
def test_function_with_wrong_arity(pack_data: Data, articles: Data, condition: str) -> None:
    top_rule(pack_data, "cn.juvenile")["when"] = condition
    pack_error(pack_data, articles)


@pytest.mark.parametrize("argument", ["'2026-02-30'", "'someday'", "record_kind"])
def test_date_function_with_bad_argument(pack_data: Data, articles: Data, argument: str) -> None:
    top_rule(pack_data, "cn.admin.psal")["date"] = f"max(record_date, date({argument}))"
    pack_error(pack_data, articles)


# --------------------------------------------------------------------------- rules


def test_sealed_rule_without_date(pack_data: Data, articles: Data) -> None:
    del top_rule(pack_data, "cn.juvenile")["date"]
    err = pack_error(pack_data, articles)
    assert "cn.juvenile" in err.where
    assert "date" in str(err)


def test_unsealed_exception_without_date(pack_data: Data, articles: Data) -> None:
    juvenile = top_rule(pack_data, "cn.juvenile")
    retrial = next(e for e in juvenile["exceptions"] if e["id"] == "cn.juvenile.unsealed.retrial")
    del retrial["date"]
    err = pack_error(pack_data, articles)
    assert "cn.juvenile.unsealed.retrial" in err.where


def test_not_sealed_rule_with_date(pack_data: Data, articles: Data) -> None:
    top_rule(pack_data, "cn.adult")["date"] = "record_date"
    err = pack_error(pack_data, articles)
    assert "cn.adult" in err.where
    assert "date" in str(err)


def test_needs_review_rule_with_date(pack_data: Data, articles: Data) -> None:
    top_rule(pack_data, "cn.data.unknown_statute")["date"] = "record_date"
    err = pack_error(pack_data, articles)
    assert "cn.data.unknown_statute" in err.where


def test_rule_citing_unknown_article(pack_data: Data, articles: Data) -> None:
    top_rule(pack_data, "cn.juvenile")["articles"].append("cpl_999")
    err = pack_error(pack_data, articles)
    assert "cn.juvenile" in err.where
    assert "cpl_999" in str(err)


def test_exception_citing_unknown_article(pack_data: Data, articles: Data) -> None:
    top_rule(pack_data, "cn.no_record")["exceptions"][0]["articles"] = ["cpl_999"]
    err = pack_error(pack_data, articles)
    assert "cn.no_record.juvenile_non_prosecution" in err.where


def test_rule_citing_an_article_missing_from_articles_yaml(pack_data: Data, articles: Data) -> None:
    del articles["cl_99"]
    err = pack_error(pack_data, articles)
    assert "cl_99" in str(err)


def test_parameter_citing_unknown_article(pack_data: Data, articles: Data) -> None:
    pack_data["parameters"]["juvenile_max_term_months"]["articles"].append("cpl_999")
    err = pack_error(pack_data, articles)
    assert err.where == "parameters.juvenile_max_term_months"


@pytest.mark.parametrize(
    ("change", "duplicated"),
    [
        (lambda d: d["rules"][rule_index(d, "cn.admin.other_law")].update(id="cn.admin.psal"), "cn.admin.psal"),
        (lambda d: d["rules"][rule_index(d, "cn.juvenile")]["exceptions"][0].update(id="cn.adult"), "cn.adult"),
        (lambda d: d["default"].update(id="cn.juvenile"), "cn.juvenile"),
    ],
    ids=["two-top-level", "exception-and-top-level", "default"],
)
def test_duplicate_rule_id(pack_data: Data, articles: Data, change: Callable[[Data], None], duplicated: str) -> None:
    change(pack_data)
    err = pack_error(pack_data, articles)
    assert err.where == duplicated
    assert "duplicate" in str(err)


def test_profile_overriding_unknown_parameter(pack_data: Data, articles: Data) -> None:
    pack_data["profiles"]["adult_p1"]["parameters"]["adult_max_months"] = 12
    err = pack_error(pack_data, articles)
    assert err.where == "profiles.adult_p1.adult_max_months"


@pytest.mark.parametrize("kinds", [["conviction", "pardon"], ["offense"], ["sentence_completed"]])
def test_applies_to_unknown_record_kind(pack_data: Data, articles: Data, kinds: list[str]) -> None:
    top_rule(pack_data, "cn.juvenile")["applies_to"] = kinds
    err = pack_error(pack_data, articles)
    assert "cn.juvenile" in err.where


def test_top_level_rule_without_applies_to(pack_data: Data, articles: Data) -> None:
    del top_rule(pack_data, "cn.juvenile")["applies_to"]
    err = pack_error(pack_data, articles)
    assert "cn.juvenile" in err.where


@pytest.mark.parametrize("start", ["2013-02-30", "2013-13-01", "0000-01-01"])
def test_parameter_value_date_that_is_not_a_date(pack_data: Data, articles: Data, start: str) -> None:
    pack_data["parameters"]["juvenile_max_term_months"]["values"] = {start: 60}
    err = pack_error(pack_data, articles)
    assert err.where == "parameters.juvenile_max_term_months"
    assert start in str(err)


@pytest.mark.parametrize("start", ["soon", "2013-1-1", "20130101"])
def test_parameter_value_key_that_is_not_iso(pack_data: Data, articles: Data, start: str) -> None:
    pack_data["parameters"]["juvenile_max_term_months"]["values"] = {start: 60}
    err = pack_error(pack_data, articles)
    assert "juvenile_max_term_months" in err.where


def test_parameter_value_key_as_a_yaml_date(pack_data: Data, articles: Data) -> None:
    values = yaml.safe_load("{2013-01-01: 60}")
    assert list(values) == [D(2013, 1, 1)]
    pack_data["parameters"]["juvenile_max_term_months"]["values"] = values
    pack = build_pack(pack_data, articles)
    assert pack.parameters["juvenile_max_term_months"].at(D(2013, 1, 1)) == 60


def test_date_parameter_with_a_value_that_is_not_a_date(pack_data: Data, articles: Data) -> None:
    pack_data["parameters"]["psal_136_commencement"]["values"] = {"2026-01-01": "someday"}
    rejected: PackError | None
    try:
        pack = build_pack(pack_data, articles, load_pack("CN").extras)
    except PackError as err:
        rejected = err
    else:
        rejected = None
    if rejected is not None:  # the fix: the pack does not load, naming the parameter
        assert "psal_136_commencement" in rejected.where
        return
    bundle = parse_bundle(
        {
            "id": "CN-90",
            "jurisdiction": "CN",
            "as_of": "2026-06-01",
            "person": {"birth_date": "1990-01-01"},
            "events": [
                {
                    "id": "a1",
                    "type": "admin_penalty",
                    "date": "2024-12-15",
                    "offense": {"name": "殴打他人", "statute": "治安管理处罚法（2025年修订）"},
                    "penalty": {"kind": "fine"},
                }
            ],
        }
    )
    evaluate_bundle(pack, bundle)  # must not crash: the pack should not have loaded


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["rules"][rule_index(d, "cn.juvenile")]["text"].pop("en"), "rules/2/text"),
        (lambda d: d["rules"][rule_index(d, "cn.juvenile")]["exceptions"][1]["text"].pop("en"), "rules/2/exceptions/1"),
        (lambda d: d["rules"][rule_index(d, "cn.data.unknown_statute")]["question"].pop("en"), "rules/0/question"),
        (lambda d: d["default"]["text"].pop("en"), "default/text"),
        (lambda d: d["pack"]["title"].pop("en"), "pack/title"),
        (lambda d: d["rules"][rule_index(d, "cn.juvenile")]["text"].update(en=""), "rules/2/text/en"),
    ],
    ids=["rule", "exception", "question", "default", "title", "empty"],
)
def test_missing_english_text(pack_data: Data, articles: Data, change: Callable[[Data], None], where: str) -> None:
    assert rule_index(pack_data, "cn.juvenile") == 2  # the paths below count rules from 0
    assert rule_index(pack_data, "cn.data.unknown_statute") == 0
    change(pack_data)
    err = pack_error(pack_data, articles)
    assert err.where.startswith(where)


def test_unknown_top_level_key(pack_data: Data, articles: Data) -> None:
    pack_data["rule"] = []
    err = pack_error(pack_data, articles)
    assert "rule" in str(err)


def test_unknown_outcome(pack_data: Data, articles: Data) -> None:
    top_rule(pack_data, "cn.juvenile")["outcome"] = "expunged"
    err = pack_error(pack_data, articles)
    assert err.where.startswith("rules/2")


# --------------------------------------------------------------------------- Parameter.at


def test_parameter_at_the_day_before_and_the_day_of_a_change(cn: Pack) -> None:
    psal = cn.parameters["psal_136_in_force"]
    assert psal.at(D(2025, 12, 31)) is False
    assert psal.at(D(2026, 1, 1)) is True
    assert psal.at(D(2030, 1, 1)) is True
    juvenile = cn.parameters["juvenile_sealing_in_force"]
    assert juvenile.at(D(2012, 12, 31)) is False
    assert juvenile.at(D(2013, 1, 1)) is True


def test_parameter_at_before_the_first_value_is_none(cn: Pack) -> None:
    assert cn.parameters["psal_136_in_force"].at(D(1979, 6, 30)) is None
    assert cn.parameters["psal_136_in_force"].at(D(1979, 7, 1)) is False
    assert cn.parameters["juvenile_max_term_months"].at(D(2012, 12, 31)) is None
    assert cn.parameters["juvenile_max_term_months"].at(D(2013, 1, 1)) == 60


def test_date_valued_parameter(cn: Pack) -> None:
    commencement = cn.parameters["psal_136_commencement"]
    assert commencement.at(D(2026, 1, 1)) == D(2026, 1, 1)
    assert commencement.at(D(2025, 12, 31)) is None


def test_parameter_at_with_several_changes() -> None:
    param = Parameter(
        name="p",
        description="d",
        values=((D(2000, 1, 1), 1), (D(2010, 1, 1), 2), (D(2020, 1, 1), 3)),
        articles=(),
    )
    assert [param.at(D(y, 1, 1)) for y in (1999, 2000, 2009, 2010, 2019, 2020, 2099)] == [None, 1, 1, 2, 2, 3, 3]
    assert param.at(D(2009, 12, 31)) == 1


def test_params_at_and_profile_override(cn: Pack) -> None:
    assert cn.params_at(D(2025, 12, 31))["psal_136_in_force"] is False
    assert cn.params_at(D(2026, 1, 1))["psal_136_in_force"] is True
    p1 = cn.with_profile("adult_p1").params_at(D(2026, 1, 1))
    assert p1["adult_profile_enabled"] is True
    assert cn.params_at(D(2026, 1, 1))["adult_profile_enabled"] is False


def test_parameter_values_are_sorted_whatever_the_yaml_order(pack_data: Data, articles: Data) -> None:
    pack_data["parameters"]["psal_136_in_force"]["values"] = {"2026-01-01": True, "1979-07-01": False}
    psal = build_pack(pack_data, articles).parameters["psal_136_in_force"]
    assert psal.at(D(2025, 12, 31)) is False
    assert psal.at(D(2026, 1, 1)) is True
