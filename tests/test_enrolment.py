"""Enrolling participants by keys: several people picked from the registry by typing
their names, and a person outside the course's rule enrolled with a note saying why."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.test_courses_screen import (
    cursor_key,
    form_opened,
    open_course,
    rows,
    run,
    text,
    until,
)
from tui.app import KuffertApp
from tui.domain.courses import Enrolment, EnrolmentStatus, Session
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import FormScreen

COURSE = "c-horsens-dagpleje-2022"
BIRTHE = "p-hd-dp-11"  # a childminder, but unskilled: the course asks for assistants
HELLE, SUSANNE = "p-hd-dp-01", "p-hd-dp-02"


@pytest.fixture
def store(demo_folder: Path) -> Store:
    """A second run of the childminders' course, with its rule and five days, no one in it."""
    store = Store.open(demo_folder / "k.json")
    template = store.courses.get("c-horsens-dagpleje")
    store.courses.add(dataclasses.replace(
        template, id=COURSE, version=0, name="Dagplejens 5-dages forløb, hold 2"))
    for week in range(5):
        store.sessions(COURSE).add(Session(
            course_id=COURSE, date=dt.date(2022, 8, 15) + dt.timedelta(weeks=3 * week),
            start=dt.time(9), end=dt.time(15, 50), hours=7.4))
    return store


def enrolments(store: Store) -> dict[str, Enrolment]:
    return {e.person_id: e for e in Store.open(store.path).enrolments(COURSE).all()}


async def to_participants(app: KuffertApp, pilot: Pilot[None]) -> None:
    await open_course(app, pilot, "hold 2")
    await pilot.press("left_square_bracket")  # back round to the last tab
    await until(pilot, lambda: app.screen.active_tab == "participants")  # type: ignore[attr-defined]


def test_an_ineligible_person_is_enrolled_with_a_note_after_seeing_why(store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_participants(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: type(app.screen).__name__ == "EnrolScreen")
        await pilot.press(*"birthe")
        await until(pilot, lambda: list(rows(app, "enrol-people")) == [BIRTHE])
        await pilot.press("enter")  # nobody chosen yet: enter takes the one found
        form = await form_opened(app, pilot)
        reasons = str(form.query_one("#form-title", Static).render())
        assert "Birthe Kristensen" in reasons
        assert ("requires the qualification Pedagogical assistant; this person is Unskilled"
                in reasons)
        # The note is required: saving without it says so under the field.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Write why" in str(form.query_one("#error-note", Static).render())
        await pilot.press(*"Starts training in May", "ctrl+s")
        await until(pilot, lambda: BIRTHE in enrolments(store))
        enrolment = enrolments(store)[BIRTHE]
        assert enrolment.eligibility_override == "Starts training in May"
        assert enrolment.status is EnrolmentStatus.ENROLLED
        assert enrolment.substitute_hours == 37.0  # five days of 7.4 hours
        # The course ran in 2022, so it is being entered afterwards: from its first day.
        assert enrolment.enrolled_on == dt.date(2022, 8, 15)
        await until(pilot, lambda: enrolment.id in rows(app, "participants-table"))
        row = rows(app, "participants-table")[enrolment.id]
        assert row[0] == "! Birthe Kristensen" and row[5] == "37"
        assert "Starts training in May" in text(app, "#participant-detail")

    run(store, steps)


def test_two_people_chosen_by_typing_their_names(store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_participants(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: type(app.screen).__name__ == "EnrolScreen")
        # Type a name, space chooses; typing again starts a new search.
        await pilot.press(*"helle", "space", *"susanne", "space")
        await until(pilot, lambda: "2 chosen" in text(app, "#enrol-status"))
        assert rows(app, "enrol-people")[SUSANNE][0] == "[✓]"
        await pilot.press("enter")
        form = await form_opened(app, pilot)
        assert "note" not in [f.name for f in form.fields]  # both are eligible
        assert "Enrol 2 in" in str(form.query_one("#form-title", Static).render())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(enrolments(store)) == 2)
        stored = enrolments(store)
        assert set(stored) == {HELLE, SUSANNE}
        assert all(e.status is EnrolmentStatus.ENROLLED and not e.eligibility_override
                   for e in stored.values())
        await until(pilot, lambda: len(rows(app, "participants-table")) == 2)

    run(store, steps)


def test_status_cover_hours_and_removal_of_an_enrolment(store: Store) -> None:
    store.enrolments(COURSE).add(Enrolment(course_id=COURSE, person_id=HELLE,
                                           substitute_hours=37.0))

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_participants(app, pilot)
        await until(pilot, lambda: len(rows(app, "participants-table")) == 1)
        await pilot.press("s")
        await form_opened(app, pilot)
        # From enrolled (where the list opens) down to waitlisted, then withdrawn.
        await pilot.press("enter", "down", "down", "enter", "ctrl+s")
        await until(pilot, lambda: enrolments(store)[HELLE].status is EnrolmentStatus.WITHDRAWN)
        assert enrolments(store)[HELLE].withdrawn_on == dt.date.today()
        await pilot.press("v")
        await form_opened(app, pilot)
        await pilot.press("home", "ctrl+k", *"14,8", "ctrl+s")
        await until(pilot, lambda: enrolments(store)[HELLE].substitute_hours == 14.8)
        assert rows(app, "participants-table")[cursor_key(app, "participants-table")][5] == "14.8"
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not enrolments(store))
        await until(pilot, lambda: not isinstance(app.screen, FormScreen | ConfirmScreen)
                    and not rows(app, "participants-table"))

    run(store, steps)


def test_a_burst_of_keys_chooses_every_person_it_names(store: Store) -> None:
    """Typed ahead over SSH, the keys arrive at once; each must do what it would alone."""
    from textual import events

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_participants(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: type(app.screen).__name__ == "EnrolScreen")
        await pilot.pause()
        screen = app.screen
        first_three = list(rows(app, "enrol-people"))[:3]
        for key in ("space", "down", "space", "down", "space"):
            app.post_message(events.Key(key, " " if key == "space" else None))
        await until(pilot, lambda: "3 chosen" in text(app, "#enrol-status"))
        assert screen.chosen == first_three  # type: ignore[attr-defined]

    run(store, steps)
