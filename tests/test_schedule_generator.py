"""The schedule generator by keys: irregular gaps and days in a row in one run, hours
that follow the times, and a preview that goes back to what was typed."""

from __future__ import annotations

import datetime as dt

from textual.pilot import Pilot

from tests.test_course_sessions import store, stored_sessions, to_sessions_tab  # noqa: F401
from tests.test_courses_screen import form_opened, retype, run, until
from tui.app import KuffertApp
from tui.domain.rules import session_hours
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import FormScreen


async def fill(pilot: Pilot[None], days: str, first: str, gaps: str,
               end: str | None = None) -> None:
    """Days, first date, (the weekday choice left empty), gaps, start, end."""
    await retype(pilot, days)
    await pilot.press("tab", *first, "tab", "tab")
    await retype(pilot, gaps)
    if end is not None:
        await pilot.press("tab", "tab")
        await retype(pilot, end)


def preview(app: KuffertApp) -> str:
    return app.screen.question  # type: ignore[attr-defined]


def test_irregular_gaps_and_a_changed_end_time_then_back_from_the_preview(store: Store) -> None:  # noqa: F811
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_sessions_tab(app, pilot)
        await pilot.press("g")
        await form_opened(app, pilot)
        # Four days 5, 3 and 3 weeks apart, ending at 12:00 instead of 15:50.
        await fill(pilot, "4", "16-08-2021", "5, 3, 3", end="12:00")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        # 16-08 + 5 weeks = 20-09, + 3 = 11-10, + 3 = 01-11.
        for day in ("Mon 16-08-2021", "Mon 20-09-2021", "Mon 11-10-2021", "Mon 01-11-2021"):
            assert day in preview(app)
        await pilot.press("n")  # not yet: back to the form, as it was typed
        form = await form_opened(app, pilot)
        assert (form.raw("days"), form.raw("first_date"), form.raw("spacing"),
                form.raw("end")) == ("4", "16-08-2021", "5, 3, 3", "12:00")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: len(stored_sessions(store)) == 4)
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen | FormScreen))

    run(store, steps)
    sessions = stored_sessions(store)
    assert [s.date for s in sessions] == [dt.date(2021, 8, 16), dt.date(2021, 9, 20),
                                          dt.date(2021, 10, 11), dt.date(2021, 11, 1)]
    # 09:00 to 12:00 is 3 hours; the 7.4 offered belongs to the default 09:00-15:50 day.
    assert {session_hours(s) for s in sessions} == {3.0}


def test_three_days_in_a_row(store: Store) -> None:  # noqa: F811
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_sessions_tab(app, pilot)
        await pilot.press("g")
        await form_opened(app, pilot)
        await fill(pilot, "3", "08-05-2023", "0")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: len(stored_sessions(store)) == 3)

    run(store, steps)
    sessions = stored_sessions(store)
    assert [s.date for s in sessions] == [dt.date(2023, 5, 8), dt.date(2023, 5, 9),
                                          dt.date(2023, 5, 10)]
    assert {s.hours for s in sessions} == {7.4}  # the default times keep the default hours
