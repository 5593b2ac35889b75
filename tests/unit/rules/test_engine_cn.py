"""The CN pack through the single-record engine: the interpretive choices of
shared/cases/INTERPRETATION.md (points 1–3, 7–20), each named, with boundary dates on both sides."""

from __future__ import annotations

import pytest
from cn_builders import bundle, conviction, day, offense

from sealkeeper.adapters.packfiles import load_pack
from sealkeeper.model.decision import Status
from sealkeeper.rules.engine import evaluate_bundle
from sealkeeper.rules.explain import reasons
from sealkeeper.rules.pack import Pack


@pytest.fixture(scope="module")
def cn() -> Pack:
    return load_pack("CN")


def juvenile_theft(offense_day: str, birth: str = "2006-05-10", months: int = 12, as_of: str = "2025-01-01") -> object:
    return bundle(birth, as_of, offense("e1", offense_day), conviction("e2", "2025-01-01", ["e1"], months=months))


@pytest.mark.parametrize(
    ("offense_day", "status", "rule"),
    [
        ("2024-05-09", Status.SEALED, "cn.juvenile"),  # day before the 18th birthday
        ("2024-05-10", Status.SEALED, "cn.juvenile"),  # on the birthday: still under 18 (point 8)
        ("2024-05-11", Status.NOT_SEALED, "cn.adult"),  # the day after: an adult
    ],
)
def test_point_8_offence_on_the_18th_birthday_counts_as_juvenile(
    cn: Pack, offense_day: str, status: Status, rule: str
) -> None:
    decision = evaluate_bundle(cn, juvenile_theft(offense_day))  # type: ignore[arg-type]
    assert decision.status is status
    assert decision.rules[-1] == rule


@pytest.mark.parametrize(("months", "status"), [(59, Status.SEALED), (60, Status.SEALED), (61, Status.NOT_SEALED)])
def test_point_9_five_years_included(cn: Pack, months: int, status: Status) -> None:
    decision = evaluate_bundle(cn, juvenile_theft("2023-08-01", months=months))  # type: ignore[arg-type]
    assert decision.status is status


@pytest.mark.parametrize(
    "sentence",
    [
        {"kind": "criminal_detention", "months": 6},
        {"kind": "public_surveillance", "months": 24},
        {"kind": "fine", "amount": 2000},
        {"kind": "exempt"},
        {"kind": "fixed_term", "months": 36, "suspended": True, "probation_months": 48},
        {"kind": "fixed_term", "months": 24, "amount": 5000},  # 并处罚金 does not change the result
    ],
)
def test_point_10_lighter_sentences_fall_under_the_threshold(cn: Pack, sentence: dict[str, object]) -> None:
    b = bundle(
        "2006-05-10", "2025-01-01", offense("e1", "2023-08-01"), conviction("e2", "2024-01-02", ["e1"], **sentence)
    )
    decision = evaluate_bundle(cn, b)
    assert (decision.status, decision.date) == (Status.SEALED, day("2024-01-02"))


@pytest.mark.parametrize("kind", ["life", "death"])
def test_point_10_life_and_death_exceed_any_threshold(cn: Pack, kind: str) -> None:
    b = bundle(
        "2006-05-10", "2025-01-01", offense("e1", "2023-08-01"), conviction("e2", "2024-01-02", ["e1"], kind=kind)
    )
    assert evaluate_bundle(cn, b).status is Status.NOT_SEALED


def test_point_11_sealed_the_day_the_judgment_takes_effect(cn: Pack) -> None:
    b = bundle(
        "2006-05-10", "2024-01-02", offense("e1", "2023-08-01"), conviction("e2", "2024-01-02", ["e1"], months=6)
    )
    decision = evaluate_bundle(cn, b)
    assert (decision.status, decision.date) == (Status.SEALED, day("2024-01-02"))


@pytest.mark.parametrize("kind", ["statutory", "discretionary", "evidentiary", "conditional"])
def test_point_12_juvenile_non_prosecution_sealed_on_the_decision(cn: Pack, kind: str) -> None:
    np = {"id": "e2", "type": "non_prosecution", "date": "2024-06-10", "offense_ids": ["e1"], "kind": kind}
    decision = evaluate_bundle(cn, bundle("2007-09-09", "2024-09-01", offense("e1", "2024-03-01"), np))
    assert (decision.status, decision.date) == (Status.SEALED, day("2024-06-10"))
    assert decision.rules == ("cn.no_record", "cn.no_record.juvenile_non_prosecution")


@pytest.mark.parametrize("kind", ["non_prosecution", "case_withdrawn", "dismissal", "acquittal"])
def test_adult_non_conviction_means_no_criminal_record(cn: Pack, kind: str) -> None:
    event: dict[str, object] = {"id": "e2", "type": kind, "date": "2024-06-10", "offense_ids": ["e1"]}
    if kind == "non_prosecution":
        event["kind"] = "discretionary"
    decision = evaluate_bundle(cn, bundle("1980-01-01", "2024-09-01", offense("e1", "2024-03-01"), event))
    assert (decision.status, decision.rules) == (Status.SEALED, ("cn.no_record",))
    assert "MPS 2021" in reasons(cn, decision)[0].citation


def straddling(flag: bool | None) -> object:
    conv = conviction("e3", "2024-09-01", ["e1", "e2"], months=24)
    if flag is not None:
        conv["flags"] = {"main_conduct_before_18": flag}
    return bundle("2006-05-10", "2025-01-01", offense("e1", "2024-03-01"), offense("e2", "2024-06-01"), conv)


def test_point_13_straddling_main_conduct_before_18_seals_the_whole_case(cn: Pack) -> None:
    decision = evaluate_bundle(cn, straddling(True))  # type: ignore[arg-type]
    assert (decision.status, decision.date) == (Status.SEALED, day("2024-09-01"))


def test_point_13_straddling_main_conduct_after_18_is_not_sealed(cn: Pack) -> None:
    decision = evaluate_bundle(cn, straddling(False))  # type: ignore[arg-type]
    assert (decision.status, decision.rules[-1]) == (Status.NOT_SEALED, "cn.juvenile.main_conduct_adult")


def test_point_13_straddling_without_the_flag_asks_a_person(cn: Pack) -> None:
    decision = evaluate_bundle(cn, straddling(None))  # type: ignore[arg-type]
    assert decision.status is Status.NEEDS_REVIEW
    assert decision.questions == ("cn.juvenile.main_conduct_adult",)
    assert "main criminal conduct committed before 18" in reasons(cn, decision)[-1].text


def combined(months: int, extra_offense_day: str, combined_day: str = "2024-08-01") -> object:
    return bundle(
        "2006-11-11",
        "2025-06-01",
        offense("e1", extra_offense_day, "刑法第263条", "抢劫罪"),
        offense("e2", "2023-05-01"),
        conviction("e3", "2023-09-01", ["e2"], months=24),
        conviction("e4", combined_day, ["e1", "e2"], months=months),
        target="e3",
    )


@pytest.mark.parametrize(("months", "status"), [(60, Status.SEALED), (61, Status.UNSEALED)])
def test_point_14_combination_lifts_the_seal_above_five_years(cn: Pack, months: int, status: Status) -> None:
    decision = evaluate_bundle(cn, combined(months, "2023-01-15"))  # type: ignore[arg-type]
    assert decision.status is status
    if status is Status.UNSEALED:
        assert decision.date == day("2024-08-01")  # the day the combining judgment took effect


def test_point_15_16_a_crime_added_as_an_adult_does_not_lift_the_seal(cn: Pack) -> None:
    decision = evaluate_bundle(cn, combined(72, "2024-11-12", "2025-03-01"))  # type: ignore[arg-type]
    assert decision.status is Status.SEALED


def test_point_16_a_new_adult_case_does_not_lift_the_juvenile_seal(cn: Pack) -> None:
    b = bundle(
        "2006-11-11",
        "2026-01-01",
        offense("e1", "2023-05-01"),
        conviction("e2", "2023-09-01", ["e1"], months=24),
        offense("e3", "2025-05-01"),
        conviction("e4", "2025-09-01", ["e3"], months=36),
        target="e2",
    )
    assert evaluate_bundle(cn, b).status is Status.SEALED


@pytest.mark.parametrize(("months", "status"), [(59, Status.SEALED), (60, Status.UNSEALED)])
def test_point_14_retrial_lifts_the_seal_at_five_years(cn: Pack, months: int, status: Status) -> None:
    retrial = {
        "id": "e3",
        "type": "retrial",
        "date": "2024-06-01",
        "conviction_id": "e2",
        "sentence": {"kind": "fixed_term", "months": months},
    }
    b = bundle(
        "2006-05-10",
        "2025-01-01",
        offense("e1", "2023-08-01"),
        conviction("e2", "2024-01-02", ["e1"], months=24),
        retrial,
    )
    decision = evaluate_bundle(cn, b)
    assert decision.status is status
    assert decision.date == (day("2024-01-02") if status is Status.SEALED else day("2024-06-01"))


@pytest.mark.parametrize("statute", ["刑法第103条", "刑法第120条之一"])
def test_point_17_no_offence_type_exclusions_for_juveniles(cn: Pack, statute: str) -> None:
    b = bundle(
        "2006-05-10",
        "2025-01-01",
        offense("e1", "2023-08-01", statute, "x罪"),
        conviction("e2", "2024-01-02", ["e1"], months=36),
    )
    assert evaluate_bundle(cn, b).status is Status.SEALED


def drunk_driver(profile: str | None, cn: Pack, **sentence: object) -> object:
    sentence = sentence or {"kind": "criminal_detention", "months": 2}
    b = bundle(
        "1990-07-07",
        "2026-01-01",
        offense("e1", "2024-01-20", "刑法第133条之一", "危险驾驶罪"),
        conviction("e2", "2024-05-10", ["e1"], **sentence),
    )
    return evaluate_bundle(cn.with_profile(profile), b)


def test_point_18_no_adult_sealing_is_law(cn: Pack) -> None:
    decision = drunk_driver(None, cn)
    assert (decision.status, decision.rules) == (Status.NOT_SEALED, ("cn.adult",))  # type: ignore[attr-defined]


def test_point_18_the_adult_profile_is_configuration_not_law(cn: Pack) -> None:
    decision = drunk_driver("adult_p1", cn)
    assert (decision.status, decision.date) == (Status.SEALED, day("2024-05-10"))  # type: ignore[attr-defined]
    assert decision.pack.version.endswith("+adult_p1")  # type: ignore[attr-defined]
    waiting = drunk_driver("adult_p1_waiting3", cn)
    assert (waiting.status, waiting.date) == (Status.ELIGIBLE_ON, day("2027-05-10"))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("profile", "months", "status"),
    [("adult_p1", 12, Status.SEALED), ("adult_p1", 13, Status.NOT_SEALED), ("adult_p3", 12, Status.NOT_SEALED)],
)
def test_adult_profile_thresholds(cn: Pack, profile: str, months: int, status: Status) -> None:
    decision = drunk_driver(profile, cn, kind="fixed_term", months=months)
    assert decision.status is status  # type: ignore[attr-defined]


def test_adult_profile_excludes_drugs_and_recidivists(cn: Pack) -> None:
    p1 = cn.with_profile("adult_p1")
    drugs = bundle(
        "1990-01-01",
        "2026-01-01",
        offense("e1", "2024-01-01", "刑法第347条", "贩卖毒品罪"),
        conviction("e2", "2024-05-01", ["e1"], months=8),
    )
    assert evaluate_bundle(p1, drugs).rules[-1] == "cn.adult.excluded_category"
    again = bundle(
        "1990-01-01",
        "2026-01-01",
        offense("e1", "2020-01-01"),
        conviction("e2", "2020-05-01", ["e1"], months=6),
        offense("e3", "2024-01-01"),
        conviction("e4", "2024-05-01", ["e3"], months=6),
        target="e4",
    )
    assert evaluate_bundle(p1, again).rules[-1] == "cn.adult.recidivist"
    first = bundle(
        "1990-01-01",
        "2026-01-01",
        offense("e1", "2020-01-01"),
        conviction("e2", "2020-05-01", ["e1"], months=6),
        offense("e3", "2024-01-01"),
        conviction("e4", "2024-05-01", ["e3"], months=6),
        target="e2",
    )
    decision = evaluate_bundle(p1, first)
    assert (decision.status, decision.date) == (Status.UNSEALED, day("2024-05-01"))  # revoked by the new crime


@pytest.mark.parametrize(
    ("as_of", "status", "date"),
    [
        ("2025-12-31", Status.NOT_SEALED, None),  # Art. 136 not yet in force (point 1: the law on as_of)
        ("2026-01-01", Status.SEALED, "2026-01-01"),  # earlier decisions covered from commencement (points 3, 19)
    ],
)
def test_points_1_3_19_admin_penalty_around_commencement(
    cn: Pack, as_of: str, status: Status, date: str | None
) -> None:
    penalty = {
        "id": "e1",
        "type": "admin_penalty",
        "date": "2025-03-10",
        "offense": {"name": "殴打他人", "statute": "治安管理处罚法"},
        "penalty": {"kind": "detention", "days": 5},
    }
    decision = evaluate_bundle(cn, bundle("2003-02-02", as_of, penalty))
    assert (decision.status, decision.date) == (status, day(date) if date else None)


def test_point_20_road_traffic_penalty_is_outside_art_136(cn: Pack) -> None:
    penalty = {
        "id": "e1",
        "type": "admin_penalty",
        "date": "2026-03-10",
        "offense": {"name": "饮酒驾驶", "statute": "道路交通安全法第91条"},
        "penalty": {"kind": "fine", "amount": 1000},
    }
    decision = evaluate_bundle(cn, bundle("2003-02-02", "2026-04-01", penalty))
    assert (decision.status, decision.rules) == (Status.NOT_SEALED, ("cn.admin.other_law",))


def test_before_2013_no_juvenile_sealing_was_in_force(cn: Pack) -> None:
    b = bundle(
        "1994-05-10", "2012-12-31", offense("e1", "2011-08-01"), conviction("e2", "2012-01-02", ["e1"], months=6)
    )
    assert evaluate_bundle(cn, b).rules[-1] == "cn.juvenile.not_in_force"


@pytest.mark.parametrize("statute", ["刑法第999条", "刑法第199条", "刑法第二百六十四条之九", "刑法第X条"])
def test_an_unknown_statute_asks_a_person_naming_the_problem(cn: Pack, statute: str) -> None:
    b = bundle(
        "2006-05-10",
        "2025-01-01",
        offense("e1", "2023-08-01", statute),
        conviction("e2", "2024-01-02", ["e1"], months=6),
    )
    decision = evaluate_bundle(cn, b)
    assert (decision.status, decision.questions) == (Status.NEEDS_REVIEW, ("cn.data.unknown_statute",))


def test_a_fixed_term_without_months_asks_for_the_term(cn: Pack) -> None:
    b = bundle("2006-05-10", "2025-01-01", offense("e1", "2023-08-01"), conviction("e2", "2024-01-02", ["e1"]))
    decision = evaluate_bundle(cn, b)
    assert (decision.status, decision.questions) == (Status.NEEDS_REVIEW, ("cn.juvenile.over_threshold",))
    assert "What term" in reasons(cn, decision)[-1].text


def test_decision_carries_pack_and_a_stable_input_hash(cn: Pack) -> None:
    first = evaluate_bundle(cn, juvenile_theft("2023-08-01"))  # type: ignore[arg-type]
    second = evaluate_bundle(cn, juvenile_theft("2023-08-01"))  # type: ignore[arg-type]
    other = evaluate_bundle(cn, juvenile_theft("2023-08-02"))  # type: ignore[arg-type]
    assert (first.pack.id, first.pack.version) == ("CN", cn.version)
    assert first.input_hash == second.input_hash != other.input_hash
    assert len(first.input_hash) == 64
