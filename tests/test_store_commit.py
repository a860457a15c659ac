"""A change that writes several files is one commit: after a kill at any step it is
wholly there or wholly absent, for readers at once and after the next open."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_kuffert
from tests.crash import copy_database, count_steps, kill_points, run_in_child
from tui.domain.courses import Attendance, Course, Enrolment, Mark, Session, attendance_id
from tui.domain.journals import Journal, JournalEntry, Phase
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.store import backup
from tui.store.check import check
from tui.store.codec import META_FIELDS
from tui.store.daily_backup import settle
from tui.store.database import Database
from tui.store.files import TEMP_SUFFIX
from tui.store.restoring import restore
from tui.store.store import Store

ERASED = "naja"
TIMES = {*META_FIELDS, "at", "by"}


def _person(pid: str, name: str) -> Person:
    return Person(id=pid, name=name, role=Role.EMPLOYEE,
                  qualification=Qualification.PEDAGOGICAL_ASSISTANT)


def _build(db: Path) -> None:
    store = Store.open(db)
    with store.transaction():
        store.programmes.add(Programme(id="prog", name="Initiativ 3"))
        store.people.add_many([_person(ERASED, "Naja Lynge"), _person("aviaja", "Aviaja K.")])
        for n, cid in enumerate(("c1", "c2", "c3")):
            store.courses.add(Course(id=cid, programme_id="prog", name=f"Hold {n + 1}"))
            store.sessions(cid).add(Session(id=f"{cid}d1", course_id=cid,
                                            date=dt.date(2021, 8, 16 + n)))
            for pid in (ERASED, "aviaja"):
                if cid == "c3" and pid == ERASED:
                    continue
                store.enrolments(cid).add(Enrolment(id=f"{cid}{pid}", course_id=cid,
                                                    person_id=pid))
                store.attendance(cid).add(Attendance(
                    id=attendance_id(f"{cid}d1", pid), course_id=cid, session_id=f"{cid}d1",
                    person_id=pid, mark=Mark.PRESENT))
        store.journals("c1").add(Journal(id="j1", course_id="c1", person_id=ERASED))
        store.journal_entries("c1").add(JournalEntry(
            id="e1", course_id="c1", journal_id="j1", phase=Phase.WONDER,
            date=dt.date(2021, 8, 16), text="Hvorfor leger børnene kun ude om formiddagen?"))


def state(db: Path) -> dict:
    """Everything a reader sees, without opening (and so without recovering) first."""
    store = Store(Database(db, backups=False))
    seen: dict = {"course files": sorted(store.db.course_ids_on_disk())}
    files = {"main": store.db.main}
    # Every file of the people registry, as a reader finds it (a change may be creating
    # some of them); and everyone in them, wherever they are.
    files.update({f"people/{f.storage.path.name}": f for f in store.db.people_files()
                  if f.storage.read() is not None})
    seen["people"] = {"people": {pid for name, f in files.items() if name.startswith("people/")
                                 for pid in (f.storage.read() or {}).get("people", {})}}
    # The index of each person's courses, and the erasure log, as files of their own.
    files.update({f"index/{f.storage.path.name}": f for f in store.db.index_files()
                  if f.storage.read() is not None})
    files["erasures"] = store.db.erasures
    for cid in seen["course files"]:
        files[cid] = store.db.course_file(cid)
    for name, f in files.items():
        tables = f.storage.read() or {}
        # Times differ from run to run; what was changed does not.
        seen[name] = {t: {i: {k: v for k, v in doc.items() if k not in TIMES}
                          for i, doc in docs.items()}
                      for t, docs in tables.items() if t != "_meta"}
    return seen


def temp_files(db: Path) -> list[str]:
    return [p.name for p in db.parent.rglob(f"*{TEMP_SUFFIX}")
            if ".backups" not in str(p)]


def _erase(db: Path) -> Callable[[], object]:
    return lambda: Store.open(db).erase_person(ERASED)


def _create(db: Path) -> Callable[[], object]:
    def create() -> None:
        store = Store.open(db)
        with store.transaction():
            store.courses.add(Course(id="c4", programme_id="prog", name="Hold 4"))
            store.sessions("c4").add_many([
                Session(id=f"c4d{n}", course_id="c4", date=dt.date(2021, 9, n + 1))
                for n in range(3)])
            store.enrolments("c4").add(Enrolment(id="c4a", course_id="c4",
                                                 person_id="aviaja"))
    return create


def _delete(db: Path) -> Callable[[], object]:
    return lambda: Store.open(db).delete_course("c2")


def _restore(db: Path) -> Callable[[], object]:
    def do() -> None:
        store = Store.open(db)
        restore(store, backup.list_backups(store.db.layout)[0])
    return do


def _after_backup(db: Path) -> None:
    """Changes made after the day's backup, for the restore to take away again."""
    store = Store.open(db)
    _create(db)()
    store.mark("c1", "c1d1", "aviaja", Mark.ABSENT)
    store.people.add(_person("ole", "Ole Petersen"))


def _import(db: Path) -> Callable[[], object]:
    """New people land in many of the registry's files at once: one commit."""
    return lambda: Store.open(db).people.add_many(
        [_person(f"new{n}", f"Ny {n}") for n in range(12)])


OPERATIONS = {"erasure": (_erase, None), "creation": (_create, None),
              "deletion": (_delete, None), "restore": (_restore, _after_backup),
              "import": (_import, None)}


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    made = {}
    for name, (_op, prepare) in OPERATIONS.items():
        folder = tmp_path_factory.mktemp(f"template-{name}")
        _build(folder / "k.json")
        if prepare is not None:
            prepare(folder / "k.json")
        # The day's backup is taken (and finished) now, so that a kill point falls on
        # the operation's own steps.
        with Store.open(folder / "k.json").transaction():
            pass
        settle()
        made[name] = folder
    return made


@pytest.mark.parametrize("name", OPERATIONS)
def test_a_kill_at_every_step_leaves_the_change_whole_or_absent(
        name: str, templates: dict[str, Path], tmp_path: Path) -> None:
    operation = OPERATIONS[name][0]
    before = state(templates[name] / "k.json")
    done = copy_database(templates[name], tmp_path / "done") / "k.json"
    steps = count_steps(operation(done))
    after = state(done)
    assert after != before
    assert steps >= 6, steps  # several files: temp files, a commit record, renames

    outcomes = {"before": 0, "after": 0}
    for n, point in enumerate(kill_points(steps)):
        db = copy_database(templates[name], tmp_path / f"k{n}") / "k.json"
        status = run_in_child(operation(db), point)
        assert os.WIFSIGNALED(status), (point, status)
        seen = state(db)  # a reader at the moment of the crash
        assert seen in (before, after), (
            f"half a change seen after a kill {point}: "
            f"{[k for k in after if seen.get(k) != after.get(k)]} differ from after, "
            f"{[k for k in before if seen.get(k) != before.get(k)]} from before")
        store = Store.open(db)  # the next command: finishes or sweeps up
        assert state(db) == seen, point
        assert temp_files(db) == [], point
        assert not store.db.layout.commit.exists(), point
        assert [f.message for f in check(store) if f.error] == [], point
        outcomes["after" if seen == after else "before"] += 1
        if n % 7 == 0:
            result = run_kuffert("check", db=db)
            assert result.returncode == 0, (point, result.stderr)
        # And it keeps working.
        store.people.add(_person(f"walkin{n}", "Ny Deltager"))
    assert outcomes["before"] and outcomes["after"], outcomes


def test_a_reader_during_the_renames_reads_the_committed_files(tmp_path: Path) -> None:
    """Stop a multi-file change right after its commit record is durable: a reader then
    sees the whole change, although not every file has been renamed yet."""
    base = tmp_path / "base"
    _build(base / "k.json")
    before = state(base / "k.json")
    steps = count_steps(_erase(copy_database(base, tmp_path / "probe") / "k.json"))
    seen_pending = 0
    for n, point in enumerate(kill_points(steps)):
        db = copy_database(base, tmp_path / f"k{n}") / "k.json"
        assert os.WIFSIGNALED(run_in_child(_erase(db), point))
        if not (db.parent / "k.commit").exists():
            continue
        seen_pending += 1
        seen = state(db)
        assert seen != before
        assert ERASED not in seen["people"]["people"]
        assert all(doc["person_id"] != ERASED
                   for cid in seen["course files"]
                   for doc in seen[cid].get("attendance", {}).values())
    assert seen_pending >= 3, "no kill point fell between the commit record and its end"


def test_an_erasure_commits_its_courses_its_files_of_the_registry_and_index_and_the_log(
        templates: dict[str, Path], tmp_path: Path) -> None:
    """What the kill points above cut into: an erasure writes the course files that name
    the person, their file of the registry, their file of the index and the erasure log,
    as one commit; the main file and the third course (which never named them) are left
    alone."""
    from tui.store.layout import Layout

    layout = Layout(templates["erasure"] / "k.json")
    before = state(layout.main)
    db = copy_database(templates["erasure"], tmp_path / "done") / "k.json"
    main = os.stat(db)
    status = run_in_child(_erase(db))
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) != 255, status
    after = state(db)
    changed = {name for name in {*before, *after} if before.get(name) != after.get(name)}
    people_file = f"people/{layout.person_file(ERASED).name}"
    index_file = f"index/{layout.index_file(ERASED).name}"
    assert changed == {"c1", "c2", "people", people_file, index_file, "erasures"}
    assert ERASED not in str(after[index_file]) and after["erasures"]["erasures"].keys() == {
        ERASED}
    assert os.stat(db).st_ino == main.st_ino
