"""The index of each person's courses follows every write of a course's file: erasing a
person trusts it to name every course file that names them."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from tests.conftest import run_kuffert
from tui.domain.courses import Course, Enrolment, Mark, Session
from tui.domain.journals import Journal
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.store import person_index
from tui.store.store import Store


def _store(db: Path) -> Store:
    store = Store.open(db)
    with store.transaction():
        store.programmes.add(Programme(id="prog", name="Initiativ 3"))
        store.people.add_many([
            Person(id=pid, name=pid.title(), role=Role.EMPLOYEE,
                   qualification=Qualification.UNSKILLED) for pid in ("aka", "bo")])
        for cid in ("c1", "c2"):
            store.courses.add(Course(id=cid, programme_id="prog", name=cid))
            store.sessions(cid).add(Session(id=f"{cid}d", course_id=cid,
                                            date=dt.date(2021, 8, 16)))
    return store


def test_the_index_follows_whom_each_course_names(tmp_path: Path) -> None:
    store = _store(tmp_path / "k.json")

    def index() -> dict[str, list[str]]:
        return person_index.everyone(store.db)

    assert index() == {}
    store.enrolments("c1").add(Enrolment(id="e-aka", course_id="c1", person_id="aka"))
    store.enrolments("c1").add(Enrolment(id="e-bo", course_id="c1", person_id="bo"))
    store.journals("c1").add(Journal(id="j", course_id="c1", member_ids=["bo"]))
    assert index() == {"aka": ["c1"], "bo": ["c1"]}
    # Bo leaves the course, but the group journal still names him.
    store.remove_enrolment("c1", "e-bo")
    assert index() == {"aka": ["c1"], "bo": ["c1"]}
    store.delete_journal("c1", "j")
    assert index() == {"aka": ["c1"]}
    store.enrolments("c2").add(Enrolment(id="e2-aka", course_id="c2", person_id="aka"))
    assert store.courses_naming("aka") == ["c1", "c2"]
    # A mark of someone the course names already leaves the index alone.
    index_file = store.db.layout.index_file("aka")
    before = os.stat(index_file)
    store.mark("c1", "c1d", "aka", Mark.PRESENT)
    assert os.stat(index_file).st_ino == before.st_ino
    store.delete_course("c2")
    assert index() == {"aka": ["c1"]}
    assert store.courses_naming("bo") == []
    assert run_kuffert("check", db=store.path).returncode == 0


def test_a_mark_of_someone_new_to_the_course_puts_them_in_the_index(tmp_path: Path) -> None:
    store = _store(tmp_path / "k.json")
    store.mark("c2", "c2d", "bo", Mark.ABSENT)  # a walk-in, marked before enrolled
    assert store.courses_naming("bo") == ["c2"]
    # Their mark taken away again (no record names them any more): out of the index.
    store.attendance("c2").delete_where(lambda d: d.get("person_id") == "bo")
    assert store.courses_naming("bo") == []
    assert run_kuffert("check", db=store.path).returncode == 0
