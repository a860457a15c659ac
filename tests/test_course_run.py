"""A course entered afterwards, end to end by keys: enrolled, marked, and reported.

The figures a funder is sent (days held, people trained, substitute cover) are worked
out by hand below and checked in the report the real command prints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.conftest import run_kuffert
from tests.test_courses_screen import form_opened, open_course, rows, run, until
from tui.app import KuffertApp
from tui.domain.courses import (
    CompletionRule,
    Course,
    Enrolment,
    EnrolmentStatus,
    Mark,
    Session,
    SessionStatus,
)
from tui.domain.people import Person, Qualification, Role
from tui.domain.programmes import Programme
from tui.screens.attendance.screen import AttendanceScreen
from tui.store.sheet import collect
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen

COURSE = "c-efteraar"
DAYS = [dt.date(2025, 9, 1), dt.date(2025, 9, 22), dt.date(2025, 10, 13)]
# In the grid's order (by name): Anna, Bent, Cille, Dorte; Ejnar goes on the waiting list.
PEOPLE = {"p-a": "Anna Holm", "p-b": "Bent Lund", "p-c": "Cille Dam", "p-d": "Dorte Bro"}
WAITING = ("p-e", "Ejnar Vig")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """Three planned days last autumn, nobody enrolled, nothing set held."""
    store = Store.open(tmp_path / "k.json")
    store.programmes.add(Programme(id="prog", name="Program", substitute_hourly_rate=250.0))
    store.courses.add(Course(id=COURSE, programme_id="prog", name="Efterårskursus 2025",
                             completion=CompletionRule(min_sessions=2)))
    store.sessions(COURSE).add_many([
        Session(id=f"s{n}", course_id=COURSE, date=day, start=dt.time(9),
                end=dt.time(15, 50), hours=7.4) for n, day in enumerate(DAYS, 1)])
    store.people.add_many([
        Person(id=pid, name=name, role=Role.EMPLOYEE, qualification=Qualification.UNSKILLED)
        for pid, name in [*PEOPLE.items(), WAITING]])
    return store


async def enrol(app: KuffertApp, pilot: Pilot[None], names: list[str], *,
                waitlist: bool = False) -> None:
    await pilot.press("n")
    await until(pilot, lambda: type(app.screen).__name__ == "EnrolScreen")
    for name in names:
        await pilot.press(*name.split()[0].lower(), "space")
    await pilot.press("enter")
    form = await form_opened(app, pilot)
    # Entered afterwards: the enrolment starts on the course's first day, not today.
    assert form.raw("enrolled_on") == "01-09-2025"
    # The planned cover is the course's hours: 3 x 7.4.
    assert form.raw("substitute_hours") == "22.2"
    if waitlist:
        await pilot.press("enter", "down", "enter")
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not isinstance(app.screen, type(form)))


def grid_line(app: KuffertApp) -> str:
    return str(app.screen.query_one("#attendance-session", Static).render())


def test_a_course_entered_afterwards_counts_its_days_people_and_cover(store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await open_course(app, pilot, "efter")
        await pilot.press("left_square_bracket")  # round to the participants tab
        await until(pilot, lambda: app.screen.active_tab == "participants")  # type: ignore[attr-defined]
        await enrol(app, pilot, list(PEOPLE.values()))
        await until(pilot, lambda: len(rows(app, "participants-table")) == 4)
        await enrol(app, pilot, [WAITING[1]], waitlist=True)
        await until(pilot, lambda: len(rows(app, "participants-table")) == 5)

        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AttendanceScreen)
                    and app.screen.data is not None and not app.screen.busy)
        # The grid opens on the last day; all four are expected there (not "nobody").
        await until(pilot, lambda: "0 of 4 present" in grid_line(app))
        await pilot.press("P")  # day 3: everyone present
        await until(pilot, lambda: "4 of 4 present" in grid_line(app))
        await pilot.press("left", "a", "P")  # day 2: Anna absent, the rest present
        await until(pilot, lambda: "3 of 4 present" in grid_line(app))
        await pilot.press("left", "up", "d")  # day 1: Anna (back up a row) came for half an hour
        await until(pilot, lambda: type(app.screen).__name__ == "HoursPrompt")
        await pilot.press("home", "ctrl+k", *"0.5", "enter")
        await until(pilot, lambda: isinstance(app.screen, AttendanceScreen))
        await pilot.press("P")
        await until(pilot, lambda: "4 of 4 present" in grid_line(app))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, AttendanceScreen))

    run(store, steps)

    fresh = Store.open(store.path)
    marks = {(a.session_id, a.person_id): a for a in fresh.attendance(COURSE).all()}
    assert len(marks) == 12
    assert marks[("s1", "p-a")].mark is Mark.PARTIAL and marks[("s1", "p-a")].hours == 0.5
    assert marks[("s2", "p-a")].mark is Mark.ABSENT
    enrolled = {e.person_id: e for e in fresh.enrolments(COURSE).all()}
    assert enrolled["p-e"].status is EnrolmentStatus.WAITLISTED
    assert {e.enrolled_on for e in enrolled.values()} == {DAYS[0]}
    # Nobody set a day held; the marks make them held, so no day is still "planned".
    assert {s.status for s in fresh.sessions(COURSE).all()} == {SessionStatus.PLANNED}
    assert fresh.course_summaries.get(COURSE).planned_dates == []
    # The sign-in sheet of day 1 lists the four enrolled, not the waiting list.
    assert [r.name for r in collect(fresh, COURSE, "s1").rows] == list(PEOPLE.values())

    result = run_kuffert("report", "--format", "json", db=store.path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # 3 days held. Trained (at least 2 days): Bent, Cille, Dorte attended all 3. Anna has
    # day 3 and half an hour of day 1's 7.4 hours, 1 + 0.5/7.4 = 1.07 days: not trained
    # (counting her partial day as a whole day would have made 2).
    assert report["sessions_held"] == 3
    assert report["sessions_planned"] == 0
    assert report["trained_total"] == 3
    # Attendance: 4 + 3 + 4 of 4 expected each day = 11 of 12.
    assert report["attendance_rate"] == round(11 / 12, 4)
    # Cover: a share is 22.2 / 3 = 7.4 h a day. Anna: day 1 her 0.5 h, day 2 absent 0,
    # day 3 7.4 = 7.9; Bent, Cille, Dorte 22.2 each = 66.6; Ejnar, waiting, 0 (the old
    # count gave him 22.2 too). 74.5 h at 250 kr = 18,625 kr.
    assert report["substitute_hours"] == 74.5
    assert report["substitute_cost"] == 18625.0
    assert report["substitute_rule"].startswith("Cover counts enrolled people only")

    text = run_kuffert("report", db=store.path)
    assert text.returncode == 0, text.stderr
    assert "Cover counts enrolled people only" in text.stdout


def test_past_days_are_marked_held_at_once_and_a_marked_day_shows_held(store: Store) -> None:
    later = dt.date.today() + dt.timedelta(days=30)
    store.sessions(COURSE).add(Session(id="s4", course_id=COURSE, date=later,
                                       start=dt.time(9), end=dt.time(15, 50)))
    store.enrolments(COURSE).add(Enrolment(course_id=COURSE, person_id="p-a",
                                           enrolled_on=DAYS[0]))
    store.mark(COURSE, "s2", "p-a", Mark.PRESENT)

    def statuses() -> dict[str, SessionStatus]:
        return {s.id: s.status for s in Store.open(store.path).sessions(COURSE).all()}

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await open_course(app, pilot, "efter")
        await pilot.press("right_square_bracket")  # the days
        await until(pilot, lambda: app.screen.active_tab == "sessions")  # type: ignore[attr-defined]
        await until(pilot, lambda: "s2" in rows(app, "sessions-table"))
        # Day 2 has a mark, so it shows as held although nobody set it.
        assert rows(app, "sessions-table")["s2"][4] == "Held"
        assert rows(app, "sessions-table")["s1"][4] == "Planned"
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Mark 3 days held: 01-09-2025, 22-09-2025, 13-10-2025?" in \
            app.screen.question  # type: ignore[attr-defined]
        await pilot.press("y")
        await until(pilot, lambda: statuses()["s1"] is SessionStatus.HELD)

    run(store, steps)
    # The three past days are held; the day still to come stays planned.
    assert statuses() == {"s1": SessionStatus.HELD, "s2": SessionStatus.HELD,
                          "s3": SessionStatus.HELD, "s4": SessionStatus.PLANNED}


def test_a_completion_rule_in_hours_typed_in_the_course_form(store: Store) -> None:
    store.enrolments(COURSE).add_many([
        Enrolment(course_id=COURSE, person_id=pid, enrolled_on=DAYS[0])
        for pid in ("p-a", "p-b")])
    store.mark(COURSE, "s1", "p-a", Mark.PRESENT)
    store.mark(COURSE, "s2", "p-a", Mark.PARTIAL, hours=3.0)
    store.mark(COURSE, "s1", "p-b", Mark.PRESENT)
    store.mark(COURSE, "s2", "p-b", Mark.PARTIAL, hours=0.5)

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await open_course(app, pilot, "efter")
        await pilot.press("e")
        form = await form_opened(app, pilot)
        # From the name down past form, place, venue, trainers, provider, status, reading
        # and days, to the hours.
        await pilot.press(*["tab"] * 9, *"10")
        assert form.raw("min_hours") == "10"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: Store.open(store.path).courses.get(COURSE)
                    .completion.min_hours == 10.0)

    run(store, steps)
    result = run_kuffert("report", "--format", "json", db=store.path)
    assert result.returncode == 0, result.stderr
    # At least 10 hours: Anna 7.4 + 3.0 = 10.4, trained; Bent 7.4 + 0.5 = 7.9, not. By
    # days (the old rule of 2) both would have been: two marked days each.
    assert json.loads(result.stdout)["trained_total"] == 1


def test_a_walk_in_is_added_from_the_grid_and_marked_present(store: Store) -> None:
    store.enrolments(COURSE).add(Enrolment(course_id=COURSE, person_id="p-a",
                                           enrolled_on=DAYS[0]))

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await open_course(app, pilot, "efter")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AttendanceScreen)
                    and app.screen.data is not None and not app.screen.busy)
        await until(pilot, lambda: "0 of 1 present" in grid_line(app))  # day 3
        # n, the name, then the training (role stays employee): a handful of keys.
        await pilot.press("n")
        form = await form_opened(app, pilot)
        await pilot.press(*"Frida Kleist", "tab", "tab", "enter", "down", "enter")
        assert form.raw("qualification") is Qualification.UNSKILLED
        await pilot.press("ctrl+s")
        # Frida is a row now, present; Anna is still to be marked.
        await until(pilot, lambda: "1 of 2 present" in grid_line(app))
        assert "Frida Kleist is enrolled and marked present." in [
            n.message for n in app._notifications]

    run(store, steps)
    fresh = Store.open(store.path)
    frida = next(p for p in fresh.people.all() if p.name == "Frida Kleist")
    assert (frida.role, frida.qualification) == (Role.EMPLOYEE, Qualification.UNSKILLED)
    (enrolment,) = fresh.enrolments(COURSE).where(person_id=frida.id)
    assert enrolment.enrolled_on == DAYS[2]  # from the day they turned up
    (mark,) = fresh.attendance(COURSE).where(person_id=frida.id)
    assert (mark.session_id, mark.mark) == ("s3", Mark.PRESENT)


def test_a_place_freed_on_a_full_course_is_offered_to_the_first_waiting(store: Store) -> None:
    course = store.courses.get(COURSE)
    store.courses.save(dataclasses.replace(course, capacity=2))
    for n, (pid, status) in enumerate((
            ("p-a", EnrolmentStatus.ENROLLED), ("p-b", EnrolmentStatus.ENROLLED),
            ("p-c", EnrolmentStatus.WAITLISTED), ("p-d", EnrolmentStatus.WAITLISTED))):
        # All in the same second, the stamps' grain, and ids that sort the other way
        # round: the order they were added in decides who came first.
        store.enrolments(COURSE).add(Enrolment(
            id=f"e-{9 - n}", course_id=COURSE, person_id=pid, status=status,
            enrolled_on=DAYS[0], created_at="2026-01-05T09:00:00+00:00"))

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await open_course(app, pilot, "efter")
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: len(rows(app, "participants-table")) == 4)
        await pilot.press("s")  # Anna, first by name, withdraws
        await form_opened(app, pilot)
        await pilot.press("enter", "down", "down", "enter", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        # Cille was put on the waiting list before Dorte.
        assert "Enrol Cille Dam, the first on the waiting list?" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press("y")
        await until(pilot, lambda: Store.open(store.path).enrolments(COURSE).where(
            person_id="p-c")[0].status is EnrolmentStatus.ENROLLED)

    run(store, steps)
    statuses = {e.person_id: e.status for e in Store.open(store.path).enrolments(COURSE).all()}
    assert statuses == {"p-a": EnrolmentStatus.WITHDRAWN, "p-b": EnrolmentStatus.ENROLLED,
                        "p-c": EnrolmentStatus.ENROLLED, "p-d": EnrolmentStatus.WAITLISTED}
