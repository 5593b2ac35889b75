"""Import into a real store (SQLite and PostgreSQL): protection, idempotency, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import person_bundle, write_jsonl

from sealkeeper.config import Settings
from sealkeeper.errors import ImportRejectedError
from sealkeeper.services.importing import import_file
from sealkeeper.services.records import find_subject, person_view, status
from sealkeeper.services.store_access import open_store
from sealkeeper.store.tables import bundles, decisions, identities, subjects

AS_OF = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 11, 27)


def _counts(settings: Settings) -> dict[str, int]:
    counts = status(settings)
    return {k: counts[k] for k in ("subjects", "bundles", "decisions", "imports")}


def test_import_encrypts_identity_and_finds_people_by_id_number(home: Settings, tmp_path: Path) -> None:
    people = [person_bundle(n, name=f"测试人{n}") for n in range(1, 6)]
    report = import_file(home, write_jsonl(tmp_path / "in.jsonl", people), AS_OF, TODAY)
    assert (report.bundles, report.written, report.new_people) == (5, 5, 5)
    assert sum(report.statuses.values()) == 5
    token = find_subject(home, people[2]["person"]["id_number"])
    assert token is not None
    view = person_view(home, token)
    assert view["identity"] == {k: people[2]["person"][k] for k in ("name", "id_number", "address")}
    assert [d["record"] for d in view["decisions"]] == ["e2"]
    with open_store(home).connect() as conn:
        raw = conn.execute(sa.select(identities.c.name, identities.c.id_number)).all()
        facts = conn.execute(sa.select(bundles.c.facts)).scalars().all()
    assert all("测试人".encode() not in bytes(name) for name, _ in raw)
    assert all(people[0]["person"]["id_number"].encode() not in bytes(number) for _, number in raw)
    assert all("测试人" not in f and "id_number" not in f for f in facts)


def test_reimporting_the_same_file_changes_nothing(home: Settings, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [person_bundle(n) for n in range(1, 4)])
    import_file(home, path, AS_OF, TODAY)
    before = _counts(home)
    again = import_file(home, path, AS_OF, TODAY)
    assert again.already_imported
    assert again.written == 0
    assert again.unchanged == 3
    assert _counts(home) == before


def test_a_changed_bundle_is_a_new_version_with_new_decisions(home: Settings, tmp_path: Path) -> None:
    first = person_bundle(1)
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [first, person_bundle(2)]), AS_OF, TODAY)
    changed = json.loads(json.dumps(first))
    changed["events"][1]["sentence"] = {"kind": "fixed_term", "months": 60}
    report = import_file(home, write_jsonl(tmp_path / "b.jsonl", [changed, person_bundle(2)]), AS_OF, TODAY)
    assert (report.written, report.unchanged, report.new_people) == (1, 1, 0)
    with open_store(home).connect() as conn:
        version = conn.execute(sa.select(bundles.c.version).where(bundles.c.id == "IT-0001")).scalar_one()
        rows = conn.execute(sa.select(decisions).where(decisions.c.bundle_id == "IT-0001")).all()
    assert version == 2
    assert len(rows) == 1


def test_the_same_id_number_in_two_bundles_is_one_person(home: Settings, tmp_path: Path) -> None:
    a, b = person_bundle(7), person_bundle(7)
    b["id"] = "IT-0099"
    report = import_file(home, write_jsonl(tmp_path / "in.jsonl", [a, b]), AS_OF, TODAY)
    assert report.new_people == 1
    token = find_subject(home, a["person"]["id_number"])
    assert token is not None
    assert [x["id"] for x in person_view(home, token)["bundles"]] == ["IT-0001".replace("1", "7"), "IT-0099"]


def test_a_bad_row_refuses_the_whole_file_and_names_line_and_field(home: Settings, tmp_path: Path) -> None:
    good = [person_bundle(n) for n in range(1, 4)]
    bad = person_bundle(4)
    bad["person"]["id_number"] = bad["person"]["id_number"][:17] + (
        "0" if bad["person"]["id_number"][17] != "0" else "1"
    )
    path = write_jsonl(tmp_path / "in.jsonl", [*good[:2], bad, good[2]])
    with pytest.raises(ImportRejectedError) as caught:
        import_file(home, path, AS_OF, TODAY)
    message = str(caught.value)
    assert f"{path}:3: person.id_number: check character does not match" in message
    assert bad["person"]["id_number"] not in message
    assert _counts(home) == {"subjects": 0, "bundles": 0, "decisions": 0, "imports": 0}


def test_a_bundle_dated_after_the_import_day_is_refused(home: Settings, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [person_bundle(1)])
    with pytest.raises(ImportRejectedError, match=r"in.jsonl:1: as_of"):
        import_file(home, path, dt.date(2026, 1, 1), TODAY)


def test_csv_and_json_imports_store_the_same_facts(home: Settings, tmp_path: Path) -> None:
    bundle = person_bundle(3, note="案情：夜间入室")
    header = (
        "id,jurisdiction,as_of,person.birth_date,person.name,person.id_number,person.address,"
        "event.id,event.type,event.date,event.offense.name,event.offense.statute,event.offense_ids,"
        "event.sentence.kind,event.sentence.months,event.note"
    )
    p = bundle["person"]
    head = f"{bundle['id']},CN,2026-06-30,{p['birth_date']},{p['name']},{p['id_number']},{p['address']}"
    rows = [
        f"{head},e1,offense,2020-01-10,盗窃罪,刑法第264条,,,,",
        f"{head},e2,conviction,2020-05-01,,,e1,criminal_detention,3,案情：夜间入室",
    ]
    csv_path = tmp_path / "in.csv"
    csv_path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    import_file(home, csv_path, AS_OF, TODAY)
    again = import_file(home, write_jsonl(tmp_path / "same.jsonl", [bundle]), AS_OF, TODAY)
    assert again.already_imported, "the CSV rows and the JSON bundle are the same source record"
    with open_store(home).connect() as conn:
        facts = json.loads(conn.execute(sa.select(bundles.c.facts)).scalar_one())
        narrative = conn.execute(sa.select(bundles.c.narrative)).scalar_one()
    assert "note" not in json.dumps(facts)
    assert narrative is not None
    assert "夜间入室".encode() not in bytes(narrative)


def test_subjects_hold_no_identity_in_plaintext(home: Settings, tmp_path: Path) -> None:
    import_file(home, write_jsonl(tmp_path / "in.jsonl", [person_bundle(5)]), AS_OF, TODAY)
    with open_store(home).connect() as conn:
        row = conn.execute(sa.select(subjects)).one()
    assert row.token.startswith("s")
    assert len(row.token) == 25
    assert len(bytes(row.id_index)) == 32


def test_a_file_imported_again_after_another_changed_its_bundles_is_rewritten(home: Settings, tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [person_bundle(1)])
    changed = person_bundle(1)
    changed["events"][1]["sentence"] = {"kind": "fixed_term", "months": 60}
    import_file(home, first, AS_OF, TODAY)
    import_file(home, write_jsonl(tmp_path / "b.jsonl", [changed]), AS_OF, TODAY)
    again = import_file(home, first, AS_OF, TODAY)
    assert again.written == 1
    assert _counts(home)["imports"] == 2


def test_worked_case_annotations_do_not_make_a_record_look_changed(home: Settings, tmp_path: Path) -> None:
    plain = person_bundle(1)
    expected = {"status": "needs_review", "date": None, "citation": "x", "reason": "worked case"}
    annotated = {**person_bundle(1), "expected": expected, "interpretive": False}
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [annotated]), AS_OF, TODAY)
    assert import_file(home, write_jsonl(tmp_path / "b.jsonl", [plain]), AS_OF, TODAY).already_imported


def test_a_changed_id_number_moves_the_blind_index_with_it(home: Settings, tmp_path: Path) -> None:
    first = person_bundle(1)
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [first]), AS_OF, TODAY)
    corrected = person_bundle(1)
    corrected["person"]["id_number"] = person_bundle(2)["person"]["id_number"]
    import_file(home, write_jsonl(tmp_path / "b.jsonl", [corrected]), AS_OF, TODAY)
    token = find_subject(home, corrected["person"]["id_number"])
    assert token is not None
    assert find_subject(home, first["person"]["id_number"]) is None
    assert person_view(home, token)["identity"]["id_number"] == corrected["person"]["id_number"]


def test_init_finishes_a_home_whose_first_init_stopped_after_migrating(tmp_path: Path, database_url: str) -> None:
    from conftest import make_settings  # noqa: PLC0415

    from sealkeeper.services.records import init_home  # noqa: PLC0415
    from sealkeeper.store.database import make_engine, migrate  # noqa: PLC0415

    settings = make_settings(tmp_path / "home", database_url)
    (tmp_path / "home").mkdir()
    engine = make_engine(database_url)
    migrate(engine)  # as if init had failed right after the migration
    engine.dispose()
    init_home(settings)
    assert status(settings)["subjects"] == 0


def test_a_later_case_without_an_address_keeps_the_known_one(home: Settings, tmp_path: Path) -> None:
    first = person_bundle(1)
    later = person_bundle(1)
    later["id"] = "IT-0500"
    del later["person"]["address"]
    import_file(home, write_jsonl(tmp_path / "a.jsonl", [first]), AS_OF, TODAY)
    import_file(home, write_jsonl(tmp_path / "b.jsonl", [later]), AS_OF, TODAY)
    token = find_subject(home, first["person"]["id_number"])
    assert token is not None
    assert person_view(home, token)["identity"] == {k: first["person"][k] for k in ("name", "id_number", "address")}
    with open_store(home).connect() as conn:
        version = conn.execute(sa.select(identities.c.version).where(identities.c.token == token)).scalar_one()
    assert version == 1, "nothing about the person changed: no new identity version"


def test_a_channel_the_pack_lacks_is_a_problem_with_its_line(home: Settings, tmp_path: Path) -> None:
    bad = {**person_bundle(2), "target": {"channel": "dbs"}}  # a UK-EW channel on a CN bundle
    path = write_jsonl(tmp_path / "in.jsonl", [person_bundle(1), bad])
    with pytest.raises(ImportRejectedError, match=r"in.jsonl:2: target.channel: pack CN has no channel 'dbs'"):
        import_file(home, path, AS_OF, TODAY)
