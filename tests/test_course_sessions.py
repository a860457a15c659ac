"""Planning the 5-day course for childminders by keys, as its coordinator did in 2021:
five Mondays three weeks apart from the generator, then single days moved to the real
plan, a day postponed for weather and given a new date, and a holiday warned about."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.test_courses_screen import (
    choose,
    cursor_key,
    form_opened,
    notes,
    open_course,
    retype,
    rows,
    run,
    text,
    until,
)
from tui.app import KuffertApp
from tui.domain.courses import Course, PostponeReason, Session, SessionStatus
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import FormScreen

NEW_COURSE = "c-horsens-dagpleje-2022"
MONDAY, WEDNESDAY = 0, 2


@pytest.fixture
def store(demo_folder: Path) -> Store:
    store = Store.open(demo_folder / "k.json")
    store.courses.add(Course(
        id=NEW_COURSE, programme_id="prog-horsens-1000", name="Dagplejens 5-dages forløb, hold 2",
        form_key="5day-childminding", audience="childminding", place_id="dk-mun-horsens",
        venue="Campus Horsens", provider="VIA University College"))
    return store


def stored_sessions(store: Store) -> list[Session]:
    fresh = Store.open(store.path)
    return sorted(fresh.sessions(NEW_COURSE).all(), key=lambda s: s.date)


def planned_dates(store: Store) -> list[dt.date]:
    return [s.date for s in stored_sessions(store) if s.status is SessionStatus.PLANNED]


async def to_sessions_tab(app: KuffertApp, pilot: Pilot[None]) -> None:
    await open_course(app, pilot, "hold 2")
    await pilot.press("right_square_bracket")
    await until(pilot, lambda: app.screen.active_tab == "sessions"  # type: ignore[attr-defined]
                and app.screen.focused is app.screen.query_one("#sessions-table"))


async def move_day(app: KuffertApp, pilot: Pilot[None], row: int, new_date: str) -> None:
    """Cursor to ``row`` of the table (days and practice periods alternate), e, new date."""
    table_rows = list(rows(app, "sessions-table"))
    steps = row - table_rows.index(cursor_key(app, "sessions-table"))
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "e")
    await form_opened(app, pilot)
    await retype(pilot, new_date)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not isinstance(app.screen, FormScreen))


def test_generate_the_five_days_then_move_them_to_the_real_plan(store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_sessions_tab(app, pilot)
        await pilot.press("g")
        await form_opened(app, pilot)
        # Five days is the default; the weekday follows the first date (a Monday).
        await pilot.press("tab", *"16-08-2021", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        preview = app.screen.question  # type: ignore[attr-defined]
        for day in ("Mon 16-08-2021", "Mon 06-09-2021", "Mon 27-09-2021", "Mon 18-10-2021",
                    "Mon 08-11-2021"):
            assert day in preview
        assert "No holidays" in preview
        await pilot.press("y")
        await until(pilot, lambda: len(planned_dates(store)) == 5)
        generated = stored_sessions(store)
        assert [s.date.weekday() for s in generated] == [MONDAY] * 5
        assert all(s.start == dt.time(9) and s.end == dt.time(15, 50) and s.hours == 7.4
                   for s in generated)
        # Days and three-week practice periods alternate in the table.
        await until(pilot, lambda: len(rows(app, "sessions-table")) == 9)
        assert rows(app, "sessions-table")[f"practice:{generated[0].id}"][1] == "21 days"

        # The real plan: the campus was booked, so four days move.
        # Dates typed the short way (day-month-year, two-digit year) are fine.
        for row, typed, date in ((2, "20-9-21", dt.date(2021, 9, 20)),
                                 (4, "11-10-21", dt.date(2021, 10, 11)),
                                 (6, "1-11-21", dt.date(2021, 11, 1)),
                                 (8, "24-11-21", dt.date(2021, 11, 24))):
            await move_day(app, pilot, row, typed)
            await until(pilot, lambda d=date: d in planned_dates(store))
        moved = stored_sessions(store)
        assert [s.date for s in moved] == [
            dt.date(2021, 8, 16), dt.date(2021, 9, 20), dt.date(2021, 10, 11),
            dt.date(2021, 11, 1), dt.date(2021, 11, 24)]
        assert [s.date.weekday() for s in moved] == [MONDAY] * 4 + [WEDNESDAY]
        # Moving is a correction of the plan: the same five records, no history.
        assert {s.id for s in moved} == {s.id for s in generated}
        assert rows(app, "sessions-table")[f"practice:{moved[0].id}"][1] == "35 days"
        assert rows(app, "sessions-table")[moved[4].id][0] == "Wed 24-11-2021"

    run(store, steps)


def test_postpone_for_weather_then_give_the_day_a_new_date(store: Store) -> None:
    for day in (dt.date(2021, 8, 16), dt.date(2021, 9, 20), dt.date(2021, 10, 11)):
        store.sessions(NEW_COURSE).add(Session(course_id=NEW_COURSE, date=day,
                                               start=dt.time(9), end=dt.time(15, 50), hours=7.4))
    second = stored_sessions(store)[1]

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_sessions_tab(app, pilot)
        await pilot.press("down", "down")
        assert cursor_key(app, "sessions-table") == second.id
        await pilot.press("p")
        await form_opened(app, pilot)
        await choose(pilot, 1)  # reason: weather
        await pilot.press("tab", *"Storm", "ctrl+s")
        await until(pilot, lambda: stored_sessions(store)[1].status is SessionStatus.POSTPONED)
        waiting = stored_sessions(store)[1]
        assert waiting.postpone_reason is PostponeReason.WEATHER
        assert waiting.replaced_by is None
        await until(pilot, lambda: "Weather, no date" in rows(app, "sessions-table")[second.id])
        assert "r gives it one" in text(app, "#session-detail")

        # r: the new date, once the campus is free again.
        await pilot.press("r")
        await form_opened(app, pilot)
        await pilot.press(*"27-09-2021", "ctrl+s")  # the date has the focus on re-dating
        await until(pilot, lambda: len(stored_sessions(store)) == 4)
        old = next(s for s in stored_sessions(store) if s.id == second.id)
        new = next(s for s in stored_sessions(store) if s.date == dt.date(2021, 9, 27))
        assert old.status is SessionStatus.POSTPONED
        assert old.postpone_reason is PostponeReason.WEATHER
        assert old.postpone_note == "Storm"
        assert old.replaced_by == new.id
        assert new.status is SessionStatus.PLANNED and new.replaced_by is None
        assert (new.start, new.end, new.hours) == (old.start, old.end, old.hours)
        # History stays in the table: the old row, marked, pointing to the new date.
        await until(pilot, lambda: new.id in rows(app, "sessions-table"))
        assert rows(app, "sessions-table")[old.id][4] == "Postponed"
        assert rows(app, "sessions-table")[old.id][5] == "Weather→27-09-2021"
        assert cursor_key(app, "sessions-table") == new.id
        assert "Replaces the day Mon 20-09-2021" in text(app, "#session-detail")

    run(store, steps)


def test_a_day_on_a_public_holiday_is_warned_about(store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_sessions_tab(app, pilot)
        await pilot.press("n")
        await form_opened(app, pilot)
        await pilot.press(*"24-05-2021", "ctrl+s")  # Whit Monday
        await until(pilot, lambda: planned_dates(store) == [dt.date(2021, 5, 24)])
        await until(pilot, lambda: any("holiday" in n for n in notes(app)))
        warning = next(n for n in notes(app) if "holiday" in n)
        assert "24-05-2021 is a holiday in Denmark, Greenland: Pentecost Monday" in warning
        # The table marks the day, and the line under it says why.
        day = stored_sessions(store)[0]
        await until(pilot, lambda: day.id in rows(app, "sessions-table"))
        assert rows(app, "sessions-table")[day.id][0] == "Mon 24-05-2021"
        assert rows(app, "sessions-table")[day.id][5] == "! Pentecost Monday"
        assert "Pentecost Monday" in text(app, "#session-detail")

    run(store, steps)


def test_the_preview_warns_of_holidays_and_a_busy_trainer(store: Store) -> None:
    course = store.courses.get(NEW_COURSE)
    store.courses.save(dataclasses.replace(course, trainers=["Birgitte Lund"]))

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_sessions_tab(app, pilot)
        await pilot.press("g")
        await form_opened(app, pilot)
        # Tuesday 16 May 2023, when Birgitte Lund teaches in Ilulissat, and two weeks
        # later on the Monday: Whit Monday.
        await retype(pilot, "2")
        await pilot.press("tab", *"16-5-23", "tab", "tab")
        await retype(pilot, "2")
        await pilot.press("tab", "tab", "tab", "tab")
        await choose(pilot, 1)  # the last day on a Monday
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        preview = app.screen.question  # type: ignore[attr-defined]
        assert "Tue 16-05-2023" in preview and "Mon 29-05-2023" in preview
        assert "29-05-2023 is a holiday in Denmark, Greenland: Pentecost Monday" in preview
        assert "16-05-2023: Birgitte Lund also teaches Kursusform 2" in preview
        await pilot.press("n")  # no: nothing is added
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert stored_sessions(store) == []

    run(store, steps)


def test_a_refused_save_keeps_the_new_day_form_and_what_was_typed(store: Store) -> None:
    course_file = store.db.layout.course(NEW_COURSE)

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_sessions_tab(app, pilot)
        await pilot.press("n")
        await form_opened(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press(*"13-09-2021")
        # Someone breaks the course's file by hand while the form is open.
        course_file.write_text('{"sessions": {"x": ')
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "cannot be read" in str(
            form.query_one("#form-problem").render()))
        assert app.screen is form and form.raw("date") == "13-09-2021"
        course_file.unlink()  # repaired: the course has no days yet
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form)
        await until(pilot, lambda: planned_dates(store) == [dt.date(2021, 9, 13)])

    run(store, steps)
