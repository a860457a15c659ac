"""Schema versions: migrations run on open, with a backup first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.domain.programmes import Programme
from tui.store import database
from tui.store.errors import SchemaTooNew
from tui.store.store import Store


def test_a_new_database_records_its_schema(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "k.json")
    store.programmes.add(Programme(name="Initiativ 3"))
    meta = json.loads((tmp_path / "k.json").read_text())["_meta"]["schema"]
    assert meta["version"] == database.SCHEMA_VERSION
    assert "@" in meta["created_by"]


def test_an_older_database_is_migrated_on_open_after_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "k.json"
    Store.open(db).programmes.add(Programme(id="p1", name="Initiativ 3"))

    def rename_owner(db_: database.Database) -> None:
        table = db_.main.table("programmes")
        for doc in table.all():
            table.update({"owner": doc["owner"] or "Afdeling for Børns Udvikling"},
                         doc_ids=[doc.doc_id])

    known = database.SCHEMA_VERSION
    monkeypatch.setattr(database, "SCHEMA_VERSION", known + 1)
    monkeypatch.setitem(database.MIGRATIONS, known, rename_owner)
    store = Store.open(db)
    assert store.db.schema_version() == known + 1
    assert store.programmes.get("p1").owner == "Afdeling for Børns Udvikling"
    backups = list((tmp_path / "k.backups").glob(f"*before-migration-{known}*/k.json"))
    assert backups and (json.loads(backups[0].read_text())["_meta"]["schema"]["version"]
                        == known)
    monkeypatch.setattr(database, "SCHEMA_VERSION", known)
    with pytest.raises(SchemaTooNew):
        Store.open(db)


def test_records_carry_id_times_author_and_a_growing_version(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "k.json")
    first = store.programmes.add(Programme(name="1000-dagesprogrammet"))
    assert len(first.id) == 16 and first.version == 1 and "@" in first.updated_by
    first.target_participants = 65
    second = store.programmes.save(first)
    assert second.version == 2 and second.created_at == first.created_at
    assert store.programmes.get(first.id).target_participants == 65


def test_re_marking_keeps_the_days_cover_hours(tmp_path: Path) -> None:
    import dataclasses
    import datetime as dt

    from tui.domain.courses import Course, Mark, Session

    store = Store.open(tmp_path / "k.json")
    store.courses.add(Course(id="c", programme_id="p", name="Hold"))
    store.sessions("c").add(Session(id="s", course_id="c", date=dt.date(2021, 8, 16)))
    saved, previous = store.mark("c", "s", "p1", Mark.PRESENT)
    assert previous is None
    store.attendance("c").save(dataclasses.replace(saved, substitute_hours=7.4))
    again, previous = store.mark("c", "s", "p1", Mark.ABSENT)
    assert previous is not None and previous.mark is Mark.PRESENT
    assert again.mark is Mark.ABSENT and again.substitute_hours == 7.4


def test_a_courses_people_are_found_without_the_rest_of_the_registry(demo_store: Store) -> None:
    people = demo_store.course_people("c-horsens-dagpleje")
    assert len(people) == 12
    assert all(p.id.startswith("p-hd-dp-") for p in people.values())
    assert demo_store.people.find_many(["p-hd-dp-01", "nobody"]).keys() == {"p-hd-dp-01"}


def _as_schema_3(db: Path) -> None:
    """Turn a database back into schema 3: the index of who is in which course, each
    course with its people, and the erasures in the main file."""
    import shutil

    from tui.store import person_index
    from tui.store.layout import Layout

    layout = Layout(db)
    data = json.loads(db.read_text())
    data["course_people"] = {
        path.stem: {"people": person_index.people_named(json.loads(path.read_text()))}
        for path in layout.course_files()}
    if layout.erasures.exists():
        data["erasures"] = json.loads(layout.erasures.read_text())["erasures"]
        layout.erasures.unlink()
    shutil.rmtree(layout.index, ignore_errors=True)
    data["_meta"]["schema"]["version"] = 3
    db.write_text(json.dumps(data))


def test_schema_3_keeps_the_index_and_the_erasures_out_of_the_main_file(
        tmp_path: Path) -> None:
    from tests.conftest import run_kuffert
    from tui.store import person_index
    from tui.store.demo import load_demo

    db = tmp_path / "k.json"
    store = Store.open(db)
    load_demo(store)
    erased = store.enrolments("c-horsens-dagpleje").all()[0].person_id
    store.erase_person(erased)
    expected = person_index.everyone(store.db)
    assert expected and erased not in expected
    _as_schema_3(db)
    old_size = db.stat().st_size
    store = Store.open(db)
    assert store.db.schema_version() == database.SCHEMA_VERSION
    main = json.loads(db.read_text())
    assert "course_people" not in main and "erasures" not in main
    assert db.stat().st_size < old_size
    assert person_index.everyone(store.db) == expected
    assert store.erased_person_ids() == {erased}
    someone = store.enrolments("c-horsens-dagpleje").all()[0].person_id
    assert store.courses_naming(someone) == expected[someone] == ["c-horsens-dagpleje"]
    (kept,) = (tmp_path / "k.backups").glob("*before-migration-3*")
    assert erased in json.loads((kept / "k.json").read_text())["erasures"]
    assert run_kuffert("check", db=db).returncode == 0


def test_schema_1_gains_the_index_of_who_is_in_which_course(tmp_path: Path) -> None:
    from tests.conftest import run_kuffert
    from tui.store import person_index
    from tui.store.demo import load_demo

    db = tmp_path / "k.json"
    store = Store.open(db)
    load_demo(store)
    expected = person_index.everyone(store.db)
    _as_schema_3(db)
    data = json.loads(db.read_text())
    del data["course_people"]
    data["_meta"]["schema"]["version"] = 1
    db.write_text(json.dumps(data))
    store = Store.open(db)
    assert store.db.schema_version() == database.SCHEMA_VERSION
    assert person_index.everyone(store.db) == expected
    assert list((tmp_path / "k.backups").glob("*before-migration-1*/k.json"))
    assert run_kuffert("check", db=db).returncode == 0


def _as_schema_2(db: Path) -> dict:
    """Turn a database back into schema 2: one people file, no report figures."""
    import shutil

    from tui.store.layout import Layout

    _as_schema_3(db)
    layout = Layout(db)
    people: dict = {}
    for path in layout.people_files():
        people.update(json.loads(path.read_text())["people"])
    shutil.rmtree(layout.people)
    layout.legacy_people.write_text(json.dumps({"people": people}))
    for path in layout.course_files():
        tables = json.loads(path.read_text())
        tables.pop("figures", None)
        path.write_text(json.dumps(tables))
    data = json.loads(db.read_text())
    data["_meta"]["schema"]["version"] = 2
    db.write_text(json.dumps(data))
    return people


def test_schema_2_gets_its_people_in_files_by_id_and_its_report_figures(
        tmp_path: Path) -> None:
    from tests.conftest import run_kuffert
    from tests.test_report_figures import assert_kept_and_same
    from tui.store.demo import load_demo

    db = tmp_path / "k.json"
    load_demo(Store.open(db))
    people = _as_schema_2(db)
    store = Store.open(db)
    assert store.db.schema_version() == database.SCHEMA_VERSION
    layout = store.db.layout
    assert not layout.legacy_people.exists()
    assert {p.id for p in store.people.all()} == set(people)
    for pid in people:
        assert pid in json.loads(layout.person_file(pid).read_text())["people"]
    assert len(layout.people_files()) > 1
    # The backup before the migration holds the old layout, whole.
    (kept,) = (tmp_path / "k.backups").glob("*before-migration-2*")
    assert set(json.loads((kept / "k.d" / "people.json").read_text())["people"]) == set(people)
    assert_kept_and_same(store)
    assert run_kuffert("check", db=db).returncode == 0


def test_restoring_a_schema_2_backup_erases_again_who_was_erased_since(
        tmp_path: Path) -> None:
    import shutil

    from tests.conftest import run_kuffert
    from tui.store.demo import load_demo

    db = tmp_path / "k.json"
    load_demo(Store.open(db))
    old = tmp_path / "old"
    shutil.copytree(tmp_path, old)
    _as_schema_2(old / "k.json")
    store = Store.open(db)
    person = store.enrolments("c-horsens-dagpleje").all()[0].person_id
    store.erase_person(person)
    from tui.domain.people import Person, Qualification, Role

    store.people.add(Person(id="late", name="Kom senere", role=Role.EMPLOYEE,
                            qualification=Qualification.OTHER))
    # The schema-2 copy, as a backup of the days before the erasure and the newcomer.
    backups = store.db.layout.backups
    shutil.copytree(old, backups / "2020-01-01T000000",
                    ignore=shutil.ignore_patterns("*.backups", "*.lock", "old"))
    done = run_kuffert("restore", "2020-01-01T000000", "--yes", db=db)
    assert done.returncode == 0, done.stderr
    store = Store.open(db)
    assert store.db.schema_version() == database.SCHEMA_VERSION
    assert store.people.find(person) is None
    assert person in store.erased_person_ids()  # and the erasure is still recorded
    assert store.people.find("late") is None  # the state of the backup, whole
    assert store.people.count() > 10
    assert not store.db.layout.legacy_people.exists()
    assert run_kuffert("check", db=db).returncode == 0
    purged = run_kuffert("erase", store.people.all()[0].id, "--yes", "--purge-backups",
                         db=db)
    assert purged.returncode == 0, purged.stderr


def test_erasing_purges_a_backup_of_schema_3_from_its_course_files_too(
        tmp_path: Path) -> None:
    """A backup taken before the upgrade keeps its index in its main file: purging an
    erased person from it finds their courses there."""
    import shutil

    from tests.conftest import run_kuffert
    from tui.store.demo import load_demo

    db = tmp_path / "k.json"
    store = Store.open(db)
    load_demo(store)
    person = store.enrolments("c-horsens-dagpleje").all()[0].person_id
    name = store.people.get(person).name.encode()
    old = tmp_path / "backup-source"
    shutil.copytree(tmp_path, old, ignore=shutil.ignore_patterns("*.backups", "*.lock"))
    _as_schema_3(old / "k.json")
    backup = store.db.layout.backups / "2020-01-01T000000"
    shutil.copytree(old, backup, ignore=shutil.ignore_patterns("backup-source"))
    shutil.rmtree(old)
    held = backup / "k.d" / "courses" / "c-horsens-dagpleje.json"
    assert person.encode() in held.read_bytes()
    assert any(name in p.read_bytes() for p in backup.rglob("*.json"))
    done = run_kuffert("erase", person, "--yes", "--purge-backups", db=db)
    assert done.returncode == 0, done.stderr
    assert person.encode() not in held.read_bytes()
    # Their id stays where it names no one (the erasure log, the old index).
    assert not any(name in p.read_bytes() for p in backup.rglob("*.json"))
    restored = run_kuffert("restore", "2020-01-01T000000", "--yes", db=db)
    assert restored.returncode == 0, restored.stderr
    store = Store.open(db)
    assert store.people.find(person) is None and person in store.erased_person_ids()
    assert run_kuffert("check", db=db).returncode == 0
