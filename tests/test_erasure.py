"""Right to erasure from the command line, and erasure that reaches the backups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import run_kuffert
from tui.domain.courses import Attendance, Course, Enrolment, Mark, Session, attendance_id
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.store import backup
from tui.store.daily_backup import settle
from tui.store.store import Store

NAME = "Naja Lynge"


def _db(db: Path) -> None:
    store = Store.open(db)
    with store.transaction():
        store.programmes.add(Programme(id="prog", name="Initiativ 3"))
        store.people.add_many([
            Person(id="naja", name=NAME, role=Role.LEADER,
                   qualification=Qualification.PEDAGOGUE, email="naja@example.gl"),
            Person(id="ole", name="Ole Petersen", role=Role.EMPLOYEE,
                   qualification=Qualification.UNSKILLED)])
        for cid in ("c1", "c2"):
            store.courses.add(Course(id=cid, programme_id="prog", name=cid))
            store.sessions(cid).add(Session(id=f"{cid}d", course_id=cid,
                                            date=dt.date(2021, 8, 16)))
            for pid in ("naja", "ole"):
                store.enrolments(cid).add(Enrolment(id=f"{cid}{pid}", course_id=cid,
                                                    person_id=pid))
                store.attendance(cid).add(Attendance(
                    id=attendance_id(f"{cid}d", pid), course_id=cid, session_id=f"{cid}d",
                    person_id=pid, mark=Mark.PRESENT))
    # The day's backup, taken by the next process's first change: it holds Naja.
    Store.open(db).mark("c1", "c1d", "ole", Mark.PRESENT)
    settle()  # finished beside the work


def _holds_name(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob("*.json")
            if NAME.encode() in p.read_bytes() or b"naja@" in p.read_bytes()]


def test_erase_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    _db(db)
    refused = run_kuffert("erase", "naja", db=db)  # no terminal, no --yes
    assert refused.returncode == 1 and "--yes" in refused.stderr
    done = run_kuffert("erase", "naja", "--yes", db=db)
    assert done.returncode == 0, done.stderr
    assert "enrolments 2, attendance marks 2" in done.stdout
    assert "backups taken before now (1 in all) still hold them" in done.stdout
    store = Store.open(db)
    assert store.people.find("naja") is None
    assert {e.person_id for c in ("c1", "c2") for e in store.enrolments(c).all()} == {"ole"}
    # The erasure is recorded by id only.
    assert "naja" in store.erased_person_ids()
    assert _holds_name(tmp_path / "k.d") == [] and NAME.encode() not in db.read_bytes()
    # ...but the backups still hold the person until they rotate out.
    assert _holds_name(tmp_path / "k.backups")
    assert run_kuffert("check", db=db).returncode == 0


def test_restoring_an_older_backup_erases_the_person_again(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    _db(db)
    older = backup.list_backups(Store.open(db).db.layout)[0]
    assert run_kuffert("erase", NAME, "--yes", db=db).returncode == 0  # by unique name
    result = run_kuffert("restore", older.name, "--yes", db=db)
    assert result.returncode == 0, result.stderr
    assert "erased again" in result.stdout
    store = Store.open(db)
    assert store.people.find("naja") is None and store.people.find("ole") is not None
    assert [a.person_id for a in store.attendance("c2").all()] == ["ole"]
    assert _holds_name(tmp_path / "k.d") == []
    assert run_kuffert("check", db=db).returncode == 0


def test_purge_backups_removes_the_person_from_every_backup(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    _db(db)
    done = run_kuffert("erase", "naja", "--yes", "--purge-backups", db=db)
    assert done.returncode == 0, done.stderr
    assert "Backups the person was removed from: 1." in done.stdout
    assert _holds_name(tmp_path) == []
    # The purged backup is still whole and restorable.
    name = backup.list_backups(Store.open(db).db.layout)[0].name
    assert run_kuffert("restore", name, "--yes", db=db).returncode == 0
    assert run_kuffert("check", db=db).returncode == 0


def test_erase_says_what_is_wrong_in_words(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    _db(db)
    missing = run_kuffert("erase", "nobody", "--yes", db=db)
    assert missing.returncode == 1 and "no person" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_erasing_opens_only_the_course_files_that_name_the_person(
        tmp_path: Path, monkeypatch) -> None:
    import json
    import os

    db = tmp_path / "k.json"
    _db(db)
    store = Store.open(db)
    with store.transaction():
        for n in range(30):  # courses the person never took
            cid = f"other{n}"
            store.courses.add(Course(id=cid, programme_id="prog", name=cid))
            store.enrolments(cid).add(Enrolment(id=f"{cid}ole", course_id=cid,
                                                person_id="ole"))
        store.people.add(Person(id="gone", name="Erased Before", role=Role.EMPLOYEE,
                                qualification=Qualification.OTHER))
    store.erase_person("gone")  # so that the erasure log is there to be added to
    store = Store.open(db)
    with store.transaction():
        pass  # the day's backup, which reads everything, is not the erasure's cost
    settle()
    opened: list[str] = []
    real_open = os.open
    main_before = os.stat(store.db.layout.main)

    def recording_open(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording_open)
    store.erase_person("naja")
    monkeypatch.setattr(os, "open", real_open)
    courses_read = {Path(p).stem for p in opened
                    if Path(p).parent.name == "courses" and p.endswith(".json")}
    assert courses_read == {"c1", "c2"}
    # Of the people registry, only the file that holds the person (read, and written
    # through a temp file of its own), and the erasure log beside it.
    people_read = {Path(p) for p in opened
                   if Path(p).parent.name == "people" and p.endswith(".json")}
    assert people_read == {store.db.layout.person_file("naja"), store.db.layout.erasures}
    # Every data file it opened: those, the person's file of the index and the erasure
    # log; not the main file, which it leaves as it was.
    layout = store.db.layout
    assert {Path(p) for p in opened if p.endswith(".json")} == {
        layout.course("c1"), layout.course("c2"), layout.person_file("naja"),
        layout.index_file("naja"), layout.erasures}
    assert os.stat(layout.main).st_ino == main_before.st_ino
    assert json.loads(layout.erasures.read_text())["erasures"].keys() == {"gone", "naja"}
    assert sorted(store.courses_naming("ole")) == sorted(
        ["c1", "c2", *(f"other{n}" for n in range(30))])
    assert run_kuffert("check", db=db).returncode == 0


def test_a_courses_people_are_read_from_their_own_files(tmp_path: Path, monkeypatch) -> None:
    import os

    db = tmp_path / "k.json"
    store = Store.open(db)
    with store.transaction():
        store.programmes.add(Programme(id="prog", name="P"))
        store.people.add_many([Person(id=f"p{n}", name=f"Person {n}", role=Role.EMPLOYEE,
                                      qualification=Qualification.OTHER)
                               for n in range(600)])
        store.courses.add(Course(id="c", programme_id="prog", name="C"))
        store.enrolments("c").add_many([Enrolment(course_id="c", person_id=f"p{n}")
                                        for n in (3, 30, 300)])
    store = Store.open(db)
    opened: list[str] = []
    real_open = os.open

    def recording_open(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording_open)
    people = store.course_people("c")
    monkeypatch.setattr(os, "open", real_open)
    assert sorted(people) == ["p3", "p30", "p300"]
    people_read = {Path(p) for p in opened
                   if Path(p).parent.name == "people" and p.endswith(".json")}
    assert people_read == {store.db.layout.person_file(pid) for pid in ("p3", "p30", "p300")}
    assert len(store.db.layout.people_files()) > 100  # the registry has many more
