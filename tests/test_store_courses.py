"""What the course screens ask of the store in one go, on a real database file: deleting
a day with its attendance, taking a participant out of a course with what hangs on the
enrolment, and copying a course with its days. Each is one commit: a process killed at
any step leaves all of it or none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.crash import copy_database, count_steps, kill_points, run_in_child
from tui.domain.courses import (
    Attendance,
    Course,
    Enrolment,
    Mark,
    PostponeReason,
    Session,
    SessionStatus,
    attendance_id,
)
from tui.domain.journals import (
    GoalRating,
    Journal,
    JournalEntry,
    Phase,
    TransferNote,
    TransferStage,
)
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.store.errors import StaleRecord
from tui.store.store import EnrolmentRemoval, SessionRemoval, Store

MONDAY = dt.date(2021, 8, 16)


def make(db: Path) -> Store:
    """Two courses; in c1 three days (the first postponed to the third), two people
    marked on each day, a journal entry about day 2, ratings and transfer notes."""
    store = Store.open(db)
    with store.transaction():
        store.programmes.add(Programme(id="prog", name="Initiativ 3"))
        store.people.add_many([
            Person(id=pid, name=name, role=Role.EMPLOYEE,
                   qualification=Qualification.PEDAGOGUE)
            for pid, name in (("aka", "Aka Lynge"), ("ole", "Ole Petersen"))])
        for cid in ("c1", "c2"):
            store.courses.add(Course(id=cid, programme_id="prog", name=cid))
            days = [Session(id=f"{cid}-d{n}", course_id=cid,
                            date=MONDAY + dt.timedelta(weeks=3 * n)) for n in (1, 2, 3)]
            days[0].status, days[0].postpone_reason = SessionStatus.POSTPONED, \
                PostponeReason.WEATHER
            days[0].replaced_by = days[2].id
            store.sessions(cid).add_many(days)
            for pid in ("aka", "ole"):
                store.enrolments(cid).add(Enrolment(id=f"{cid}-{pid}", course_id=cid,
                                                    person_id=pid))
                for day in days[1:]:
                    store.attendance(cid).add(Attendance(
                        id=attendance_id(day.id, pid), course_id=cid, session_id=day.id,
                        person_id=pid, mark=Mark.PRESENT))
                store.ratings(cid).add(GoalRating(course_id=cid, person_id=pid,
                                                  goal_key="g1", before=2))
                store.transfer_notes(cid).add(TransferNote(
                    course_id=cid, person_id=pid, stage=TransferStage.BEFORE,
                    answers={"own_practice": "Morgensamling"}))
            store.journals(cid).add(Journal(id=f"{cid}-j", course_id=cid, person_id="aka"))
            store.journal_entries(cid).add(JournalEntry(
                id=f"{cid}-e", course_id=cid, journal_id=f"{cid}-j", phase=Phase.WONDER,
                session_id=f"{cid}-d2", date=days[1].date, text="Hvorfor græder Malik?"))
    return store


def test_deleting_a_day_takes_its_marks_and_leaves_the_rest(tmp_path: Path) -> None:
    store = make(tmp_path / "k.json")
    assert store.session_dependants("c1", "c1-d2") == SessionRemoval(attendance=2,
                                                                      journal_entries=1)
    version = store.sessions("c1").get("c1-d2").version
    assert store.delete_session("c1", "c1-d2", expected_version=version) == SessionRemoval(
        attendance=2, journal_entries=1)
    fresh = Store.open(store.path)
    assert {s.id for s in fresh.sessions("c1").all()} == {"c1-d1", "c1-d3"}
    # Two people on day 3 are left of the four marks; the other course is untouched.
    assert sorted(a.session_id for a in fresh.attendance("c1").all()) == ["c1-d3", "c1-d3"]
    assert len(fresh.attendance("c2").all()) == 4
    # The entry keeps its words and date, not the link to a day that is gone.
    entry = fresh.journal_entries("c1").get("c1-e")
    assert (entry.session_id, entry.text, entry.date) == (
        None, "Hvorfor græder Malik?", MONDAY + dt.timedelta(weeks=6))
    assert fresh.journal_entries("c2").get("c2-e").session_id == "c2-d2"
    # The list's summary in the main file follows: two active days are one now.
    assert fresh.course_summaries.get("c1").session_count == 1


def test_deleting_the_new_date_of_a_postponed_day_leaves_it_waiting_again(
        tmp_path: Path) -> None:
    store = make(tmp_path / "k.json")
    store.delete_session("c1", "c1-d3")
    fresh = Store.open(store.path)
    old = fresh.sessions("c1").get("c1-d1")
    assert old.status is SessionStatus.POSTPONED and old.replaced_by is None
    assert [w.session_id for w in fresh.course_summaries.get("c1").waiting] == ["c1-d1"]


def test_a_day_changed_by_someone_else_is_not_deleted(tmp_path: Path) -> None:
    store = make(tmp_path / "k.json")
    seen = store.sessions("c1").get("c1-d2")
    other = Store.open(store.path)
    other.sessions("c1").save(other.sessions("c1").get("c1-d2"))  # someone else saved it
    with pytest.raises(StaleRecord):
        store.delete_session("c1", "c1-d2", expected_version=seen.version)
    fresh = Store.open(store.path)
    assert fresh.sessions("c1").find("c1-d2") is not None
    assert len(fresh.attendance("c1").all()) == 4


def test_removing_a_participant_takes_what_hangs_on_the_enrolment(tmp_path: Path) -> None:
    store = make(tmp_path / "k.json")
    assert store.enrolment_dependants("c1", "aka") == EnrolmentRemoval(
        attendance=2, ratings=1, transfer_notes=1)
    assert store.remove_enrolment("c1", "c1-aka") == EnrolmentRemoval(
        attendance=2, ratings=1, transfer_notes=1)
    fresh = Store.open(store.path)
    assert [e.person_id for e in fresh.enrolments("c1").all()] == ["ole"]
    for repo in (fresh.attendance("c1"), fresh.ratings("c1"), fresh.transfer_notes("c1")):
        assert {r.person_id for r in repo.all()} == {"ole"}
    # What Aka wrote stays: only erasing the person removes it. So does her other course.
    assert fresh.journals("c1").get("c1-j").person_id == "aka"
    assert len(fresh.journal_entries("c1").all()) == 1
    assert {e.person_id for e in fresh.enrolments("c2").all()} == {"aka", "ole"}
    assert len(fresh.attendance("c2").all()) == 4
    assert fresh.people.find("aka") is not None


def test_a_person_enrolled_twice_keeps_their_marks_when_one_enrolment_goes(
        tmp_path: Path) -> None:
    store = make(tmp_path / "k.json")
    store.enrolments("c1").add(Enrolment(id="c1-aka-again", course_id="c1", person_id="aka"))
    assert store.remove_enrolment("c1", "c1-aka-again") == EnrolmentRemoval()
    assert len(Store.open(store.path).attendance("c1").all()) == 4


def test_an_enrolment_changed_by_someone_else_is_not_removed(tmp_path: Path) -> None:
    store = make(tmp_path / "k.json")
    seen = store.enrolments("c1").get("c1-aka")
    store.enrolments("c1").save(seen)
    with pytest.raises(StaleRecord):
        store.remove_enrolment("c1", "c1-aka", expected_version=seen.version)
    assert Store.open(store.path).enrolments("c1").find("c1-aka") is not None


def test_a_copy_has_the_taught_days_moved_and_nobody_in_it(tmp_path: Path) -> None:
    store = make(tmp_path / "k.json")
    copy = store.copy_course("c1", name="c1 2022", offset=dt.timedelta(weeks=52))
    fresh = Store.open(store.path)
    assert fresh.courses.get(copy.id).name == "c1 2022"
    # Day 1 was postponed (it lives on as day 3): days 2 and 3, a year on, both planned.
    days = sorted(fresh.sessions(copy.id).all(), key=lambda s: s.date)
    assert [s.date for s in days] == [MONDAY + dt.timedelta(weeks=52 + 6),
                                      MONDAY + dt.timedelta(weeks=52 + 9)]
    assert {s.status for s in days} == {SessionStatus.PLANNED}
    assert fresh.enrolments(copy.id).all() == []
    assert fresh.course_summaries.get(copy.id).session_count == 2


def _state(db: Path) -> tuple[bool, int, int]:
    store = Store.open(db)
    return (store.sessions("c1").find("c1-d2") is not None,
            sum(a.session_id == "c1-d2" for a in store.attendance("c1").all()),
            store.course_summaries.get("c1").session_count)


def test_a_day_is_deleted_whole_or_not_at_all_wherever_the_process_dies(
        tmp_path: Path) -> None:
    template = tmp_path / "template"
    make(template / "k.json")
    assert _state(template / "k.json") == (True, 2, 2)

    def delete(db: Path) -> None:
        Store.open(db).delete_session("c1", "c1-d2")

    steps = count_steps(lambda: delete(copy_database(template, tmp_path / "count") / "k.json"))
    assert steps >= 2  # the course file and the main file's summary
    for point in kill_points(steps):
        folder = copy_database(template, tmp_path / str(point))
        run_in_child(lambda f=folder: delete(f / "k.json"), point)
        # Whole (no day, no marks, one day in the summary) or not at all.
        assert _state(folder / "k.json") in ((True, 2, 2), (False, 0, 1)), point
