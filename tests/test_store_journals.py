"""Deleting a journal in the store: its entries and goals go with it in one commit, on a
real database file; a kill at any step leaves the journal wholly there or wholly gone."""

from __future__ import annotations

import os
from pathlib import Path

from tests.crash import copy_database, count_steps, kill_points, run_in_child
from tui.domain.courses import Course, Enrolment
from tui.domain.journals import (
    GoalOutcome,
    GoalRating,
    Journal,
    JournalEntry,
    JournalGoal,
    Phase,
)
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.store.store import Store

COURSE = "c1"


def _db(db: Path) -> None:
    """Two journals in one course: Naja's with three entries and two goals, Ole's with
    one of each; and Naja's own rating of a learning goal, which is not the journal's."""
    store = Store.open(db)
    with store.transaction():
        store.programmes.add(Programme(id="prog", name="Initiativ 3"))
        store.people.add_many([
            Person(id=pid, name=name, role=Role.EMPLOYEE, qualification=Qualification.OTHER)
            for pid, name in (("naja", "Naja Lynge"), ("ole", "Ole Petersen"))])
        store.courses.add(Course(id=COURSE, programme_id="prog", name="Kursus"))
        for pid in ("naja", "ole"):
            store.enrolments(COURSE).add(Enrolment(id=f"e-{pid}", course_id=COURSE,
                                                   person_id=pid))
        store.journals(COURSE).add_many([
            Journal(id="j-naja", course_id=COURSE, person_id="naja", title="Frokost"),
            Journal(id="j-ole", course_id=COURSE, person_id="ole", title="Søvn")])
        store.journal_entries(COURSE).add_many([
            JournalEntry(id=f"je-naja-{n}", course_id=COURSE, journal_id="j-naja",
                         phase=phase, text=f"Naja {n}")
            for n, phase in enumerate((Phase.WONDER, Phase.KNOWLEDGE, Phase.ACTION), 1)]
            + [JournalEntry(id="je-ole-1", course_id=COURSE, journal_id="j-ole",
                            phase=Phase.WONDER, text="Ole 1")])
        store.journal_goals(COURSE).add_many([
            JournalGoal(id="g-naja-1", course_id=COURSE, journal_id="j-naja", text="Tale",
                        outcome=GoalOutcome.REACHED),
            JournalGoal(id="g-naja-2", course_id=COURSE, journal_id="j-naja", text="Lytte"),
            JournalGoal(id="g-ole-1", course_id=COURSE, journal_id="j-ole", text="Sove")])
        store.ratings(COURSE).add(GoalRating(id="r-naja", course_id=COURSE,
                                             person_id="naja", goal_key="g1", before=2))


def _left(db: Path) -> tuple[set[str], set[str], set[str], set[str]]:
    """What another process sees afterwards: journals, entries, goals, ratings by id."""
    store = Store.open(db)
    return ({j.id for j in store.journals(COURSE).all()},
            {e.id for e in store.journal_entries(COURSE).all()},
            {g.id for g in store.journal_goals(COURSE).all()},
            {r.id for r in store.ratings(COURSE).all()})


def test_a_journal_goes_with_its_entries_and_goals_and_nothing_else(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    _db(db)
    # Three entries and two goals were Naja's journal's.
    assert Store.open(db).delete_journal(COURSE, "j-naja") == (3, 2)
    assert _left(db) == ({"j-ole"}, {"je-ole-1"}, {"g-ole-1"}, {"r-naja"})
    # Deleted meanwhile by someone else: nothing more to do, and said so.
    assert Store.open(db).delete_journal(COURSE, "j-naja") is None
    assert _left(db) == ({"j-ole"}, {"je-ole-1"}, {"g-ole-1"}, {"r-naja"})


def test_a_kill_at_any_step_leaves_the_journal_whole_or_gone(tmp_path: Path) -> None:
    template = tmp_path / "template"
    _db(template / "k.json")
    with Store.open(template / "k.json").transaction():
        pass  # today's backup is taken now, so every copy below starts from one state
    before = _left(template / "k.json")
    after = ({"j-ole"}, {"je-ole-1"}, {"g-ole-1"}, {"r-naja"})

    def delete(db: Path):
        return lambda: Store.open(db).delete_journal(COURSE, "j-naja")

    done = copy_database(template, tmp_path / "done") / "k.json"
    steps = count_steps(delete(done))
    assert _left(done) == after
    seen = {"before": 0, "after": 0}
    for n, point in enumerate(kill_points(steps)):
        db = copy_database(template, tmp_path / f"k{n}") / "k.json"
        status = run_in_child(delete(db), point)
        assert os.WIFSIGNALED(status), (point, status)
        left = _left(db)
        assert left in (before, after), f"half a journal after a kill {point}: {left}"
        seen["after" if left == after else "before"] += 1
    assert seen["before"] and seen["after"], seen
