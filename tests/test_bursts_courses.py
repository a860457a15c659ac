"""Keys typed ahead over a slow link arrive in one packet: on the course list, the
course screen's tabs, the enrolment picker and the day forms, each key of a burst does
what it would have done typed alone, also when it comes before the screen has read its
data or the form it is meant for has opened.

The keys are posted to the app all at once (``Pilot.press`` would wait between them)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Awaitable, Callable

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual import events
from textual.pilot import Pilot

from tests.pilot import until
from tui.app import KuffertApp
from tui.screens.courses.course import CourseScreen
from tui.screens.courses.enrol import EnrolScreen
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import FormScreen

ILULISSAT = "c-gl-f2-ilulissat-2023"
DAGPLEJE = "c-horsens-dagpleje"
Steps = Callable[[KuffertApp, Pilot[None]], Awaitable[None]]

CHARACTERS = {"space": " ", "slash": "/", "minus": "-", "full_stop": "."}


def burst(app: KuffertApp, *keys: str) -> None:
    """``keys`` as one packet from the terminal: all queued before any is handled."""
    for key in keys:
        if len(key) == 1:
            character: str | None = key
            name = {" ": "space", "/": "slash", "-": "minus", ".": "full_stop"}.get(key, key)
        else:
            name, character = key, CHARACTERS.get(key)
        app.post_message(events.Key(name, character))


def run(store: Store, steps: Steps) -> None:
    app = KuffertApp(Store.open(store.path), language="en")

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await steps(app, pilot)
            # Let a screen just opened finish mounting before the app closes: closing
            # while a course screen's tabs mount fails inside Textual (its initial tab
            # is looked for among tabs already taken down), after the test's checks.
            await until(pilot, lambda: getattr(app.screen, "data", True) is not None)
            await pilot.pause()

    asyncio.run(main())


def test_a_search_and_enter_typed_before_the_list_is_read_open_the_course(
        demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await app.switch_mode("courses")
        # The list is still being read in its worker when these arrive.
        burst(app, "slash", *"ilulis", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, CourseScreen))
        assert app.screen.course_id == ILULISSAT  # type: ignore[attr-defined]

    run(demo_store, steps)


def test_moves_and_enter_in_one_packet_open_the_row_moved_to(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await app.switch_mode("courses")
        await until(pilot, lambda: getattr(app.screen, "loaded", False))
        # Programme order, then name: the fourth row is Ilulissat.
        burst(app, "down", "down", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, CourseScreen))
        assert app.screen.course_id == ILULISSAT  # type: ignore[attr-defined]

    run(demo_store, steps)


def test_a_tab_moves_and_a_day_form_typed_ahead_change_the_day_meant(
        demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        app.open_course(DAGPLEJE)
        # Before the course is read: to the days tab, down past the first day and its
        # practice period to the second day, e, a new date (the field's text is chosen
        # when it takes the focus, so typing replaces it), ctrl+s.
        burst(app, "right_square_bracket", "down", "down", "e", *"13-09-2021", "ctrl+s")
        def moved() -> bool:
            screen = app.screen
            return (isinstance(screen, CourseScreen) and screen.data is not None
                    and any(s.date == dt.date(2021, 9, 13) for s in screen.data.sessions))

        await until(pilot, moved)
        days = sorted(Store.open(demo_store.path).sessions(DAGPLEJE).all(),
                      key=lambda s: s.id)
        # The second day (20-09-2021) moved; the first stayed where it was.
        assert [s.date for s in days][:2] == [dt.date(2021, 8, 16), dt.date(2021, 9, 13)]

    run(demo_store, steps)


def test_the_day_generator_typed_ahead_gets_every_field(demo_store: Store) -> None:
    store = Store.open(demo_store.path)
    from tui.domain.courses import Course

    store.courses.add(Course(id="c-new", programme_id="prog-horsens-1000", name="Hold 3",
                             place_id="dk-mun-horsens"))

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        app.open_course("c-new", tab="sessions")
        # g, three days, tab, the first date, tab past the weekday, two weeks apart, ctrl+s.
        # (Each field's text is chosen when it takes the focus: typing replaces it.)
        burst(app, "g", "3", "tab", *"07-03-2022", "tab", "tab", "2", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen)
                    and app.screen.focused is not None)
        question = app.screen.question  # type: ignore[attr-defined]
        assert "These 3 days will be added" in question
        for day in ("07-03-2022", "21-03-2022", "04-04-2022"):
            assert day in question

    run(demo_store, steps)


def test_enrol_and_two_names_in_one_packet_choose_both(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        store = Store.open(demo_store.path)
        from tui.domain.courses import Course

        store.courses.add(Course(id="c-new", programme_id="prog-horsens-1000",
                                 name="Hold 3"))
        app.open_course("c-new", tab="participants")
        await until(pilot, lambda: isinstance(app.screen, CourseScreen)
                    and app.screen.data is not None)
        # n opens the picker, which still has to read the registry when the names come.
        burst(app, "n", *"helle", "space", *"susanne", "space", "enter")
        await until(pilot, lambda: isinstance(app.screen, FormScreen)
                    and app.screen.focused is not None)
        title = str(app.screen.query_one("#form-title").render())
        assert "Enrol 2 in Hold 3" in title
        assert not any(isinstance(s, EnrolScreen) for s in app.screen_stack)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(Store.open(demo_store.path).enrolments("c-new").all())
                    == 2)
        stored = {e.person_id for e in Store.open(demo_store.path).enrolments("c-new").all()}
        assert stored == {"p-hd-dp-01", "p-hd-dp-02"}  # Helle and Susanne

    run(demo_store, steps)
