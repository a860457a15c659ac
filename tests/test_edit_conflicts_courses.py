"""Two administrators edit the same course at once: one from the course list, the other
from the course screen (whose form once threw away the second one's typing). The second
save shows the first one's change field by field, and whichever choice is made, nothing
either typed is lost silently; a repeated ctrl+s asks again instead of overwriting."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.widgets import DataTable, Input

from tests.pilot import Desk, two_desks
from tui.app import KuffertApp
from tui.domain.courses import Course, Session
from tui.screens.courses.course import CourseScreen
from tui.screens.courses.listing import CoursesScreen
from tui.store.store import Store
from tui.widgets.changed_underneath import ChangedUnderneathScreen
from tui.widgets.form import FormScreen

NUUK = "c-gl-f1-nuuk-2022"
DAGPLEJE = "c-horsens-dagpleje"
Steps = Callable[[Desk, Desk], Awaitable[None]]


def run(store: Store, steps: Steps) -> Course:
    """Desk A edits from the course list, desk B from the course screen."""
    async def main() -> None:
        one = KuffertApp(Store.open(store.path), language="en")
        two = KuffertApp(Store.open(store.path), language="en")
        async with two_desks(one, two) as (a, b):
            await edit_from_the_list(a)
            await edit_from_the_course_screen(b)
            await steps(a, b)

    asyncio.run(main())
    return Store.open(store.path).courses.get(NUUK)


async def edit_from_the_list(desk: Desk) -> None:
    await desk.press("2")
    await desk.until(lambda: isinstance(desk.app.screen, CoursesScreen)
                     and desk.app.screen.loaded)
    await desk.press("slash", *"nuuk", "enter", "e")
    await desk.until(lambda: isinstance(desk.app.screen, FormScreen))


async def edit_from_the_course_screen(desk: Desk) -> None:
    with desk.app._context():
        desk.app.open_course(NUUK)
    await desk.until(lambda: isinstance(desk.app.screen, CourseScreen)
                     and desk.app.screen.data is not None)
    await desk.press("e")
    await desk.until(lambda: isinstance(desk.app.screen, FormScreen))


async def retype(desk: Desk, field: str, text: str) -> None:
    form = desk.app.screen
    assert isinstance(form, FormScreen)
    with desk.app._context():
        form.set_focus(form.query_one(f"#field-{field}", Input))
    await desk.press("ctrl+a", "ctrl+k", *text)


async def save_first(a: Desk) -> None:
    await a.press("ctrl+s")
    await a.until(lambda: isinstance(a.app.screen, CoursesScreen))


def dialog(desk: Desk) -> ChangedUnderneathScreen:
    screen = desk.app.screen
    assert isinstance(screen, ChangedUnderneathScreen), screen
    return screen


def shown_rows(desk: Desk) -> list[tuple[str, ...]]:
    table = dialog(desk).query_one(DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def back_on_the_course(b: Desk) -> CourseScreen:
    await b.until(lambda: isinstance(b.app.screen, CourseScreen))
    screen = b.app.screen
    assert isinstance(screen, CourseScreen)
    return screen


def test_their_venue_and_my_provider_are_both_kept(demo_store: Store) -> None:
    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "venue", "Hotel Hans Egede")
        await save_first(a)
        await retype(b, "provider", "Ilinniarfissuaq")
        await b.press("ctrl+s")
        await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
        title = str(dialog(b).query_one("#underneath-title").render())
        assert "The course was changed by" in title and "-20" in title
        assert shown_rows(b) == [("Venue", "Hotel Hans Egede", "(unchanged)", "theirs")]
        await b.press("enter")
        screen = await back_on_the_course(b)
        # The course screen shows what was saved, both changes.
        await b.until(lambda: screen.data is not None
                      and screen.data.course.provider == "Ilinniarfissuaq")
        assert screen.data is not None and screen.data.course.venue == "Hotel Hans Egede"

    course = run(demo_store, steps)
    assert (course.venue, course.provider) == ("Hotel Hans Egede", "Ilinniarfissuaq")


def both_change_the_venue(choice: tuple[str, ...]) -> Steps:
    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "venue", "Hotel Hans Egede")
        await save_first(a)
        await retype(b, "venue", "Katuaq")
        await retype(b, "provider", "Ilinniarfissuaq")
        await b.press("ctrl+s")
        await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
        assert shown_rows(b) == [("Venue", "Hotel Hans Egede", "Katuaq", "yours")]
        await b.press(*choice)
        await back_on_the_course(b)
    return steps


def test_keep_mine_keeps_my_venue_and_my_provider(demo_store: Store) -> None:
    course = run(demo_store, both_change_the_venue(("m",)))
    assert (course.venue, course.provider) == ("Katuaq", "Ilinniarfissuaq")


def test_take_theirs_keeps_their_venue_and_still_my_provider(demo_store: Store) -> None:
    course = run(demo_store, both_change_the_venue(("t",)))
    assert (course.venue, course.provider) == ("Hotel Hans Egede", "Ilinniarfissuaq")


def test_choosing_per_field_saves_what_was_chosen(demo_store: Store) -> None:
    # Space on the one conflicting field turns it to theirs; enter saves that.
    course = run(demo_store, both_change_the_venue(("space", "enter")))
    assert (course.venue, course.provider) == ("Hotel Hans Egede", "Ilinniarfissuaq")


def test_a_repeated_save_asks_again_instead_of_overwriting(demo_store: Store) -> None:
    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "venue", "Hotel Hans Egede")
        await save_first(a)
        await retype(b, "venue", "Katuaq")
        for _attempt in range(2):
            await b.press("ctrl+s")
            await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
            await b.press("escape")  # back to the form, with what was typed
            await b.until(lambda: isinstance(b.app.screen, FormScreen))
            form = b.app.screen
            assert isinstance(form, FormScreen) and form.raw("venue") == "Katuaq"
            assert Store.open(a.app.store.path).courses.get(NUUK).venue == "Hotel Hans Egede"
        await b.press("escape")  # leave the form; throw away what was typed
        await b.until(lambda: not isinstance(b.app.screen, FormScreen))
        await b.press("y")
        await back_on_the_course(b)

    course = run(demo_store, steps)
    assert course.venue == "Hotel Hans Egede"


def test_two_desks_editing_one_day_keep_both_changes(demo_store: Store) -> None:
    """The day's form goes the same way: their start time and my venue are both kept."""
    async def main() -> None:
        one = KuffertApp(Store.open(demo_store.path), language="en")
        two = KuffertApp(Store.open(demo_store.path), language="en")
        async with two_desks(one, two) as (a, b):
            for desk in (a, b):
                with desk.app._context():
                    desk.app.open_course(DAGPLEJE, tab="sessions")
                await desk.until(lambda d=desk: isinstance(d.app.screen, CourseScreen)
                                 and d.app.screen.data is not None
                                 and d.app.screen.active_tab == "sessions")
                await desk.press("e")  # the first day
                await desk.until(lambda d=desk: isinstance(d.app.screen, FormScreen))
            await retype(a, "start", "08:30")
            await a.press("ctrl+s")
            await a.until(lambda: isinstance(a.app.screen, CourseScreen))
            await retype(b, "venue", "Horsens Bibliotek")
            await b.press("ctrl+s")
            await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
            assert shown_rows(b) == [("Start", "08:30", "(unchanged)", "theirs")]
            await b.press("enter")
            await back_on_the_course(b)

    asyncio.run(main())
    first: Session = min(Store.open(demo_store.path).sessions(DAGPLEJE).all(),
                         key=lambda s: s.date)
    assert (first.start.strftime("%H:%M") if first.start else None, first.venue) == (
        "08:30", "Horsens Bibliotek")
