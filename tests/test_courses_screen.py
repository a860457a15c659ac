"""The course list driven by keys at 80x24 on a real demo database: filter, search as you
type, a new course through the form, and a delete that asks first.

The helpers here are shared with the course screen's tests (test_course_sessions.py,
test_enrolment.py).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.pilot import until
from tui.app import KuffertApp
from tui.domain.courses import CourseStatus
from tui.screens.courses.course import CourseScreen
from tui.screens.courses.listing import CoursesScreen
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import FormScreen

SIZE = (80, 24)
DAGPLEJE = "c-horsens-dagpleje"

Steps = Callable[[KuffertApp, Pilot[None]], Awaitable[None]]


# -- shared helpers -------------------------------------------------------------------


def run(store: Store, steps: Steps, language: str = "en") -> None:
    # A long poll: the scenario decides when the screen reads the store.
    app = KuffertApp(store, language=language, poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.app.workers.wait_for_complete()
            await steps(app, pilot)

    asyncio.run(main())


def rows(app: KuffertApp, table_id: str) -> dict[str, list[str]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return {str(key.value): [str(cell) for cell in table.get_row(key)] for key in table.rows}


def cursor_key(app: KuffertApp, table_id: str) -> str:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


def text(app: KuffertApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def notes(app: KuffertApp) -> list[str]:
    return [n.message for n in app._notifications]


async def to_courses(app: KuffertApp, pilot: Pilot[None]) -> CoursesScreen:
    await pilot.press("2")
    await until(pilot, lambda: isinstance(app.screen, CoursesScreen)
                and app.screen.query_one("#course-list", DataTable).row_count > 0)
    assert isinstance(app.screen, CoursesScreen)
    return app.screen


async def open_course(app: KuffertApp, pilot: Pilot[None], search: str) -> CourseScreen:
    """From anywhere: section 2, search as a coordinator would, enter to open."""
    await to_courses(app, pilot)
    await pilot.press("slash", *search, "enter")
    await until(pilot, lambda: len(rows(app, "course-list")) == 1)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CourseScreen)
                and app.screen.data is not None)
    assert isinstance(app.screen, CourseScreen)
    return app.screen


async def form_opened(app: KuffertApp, pilot: Pilot[None]) -> FormScreen:
    await until(pilot, lambda: isinstance(app.screen, FormScreen))
    assert isinstance(app.screen, FormScreen)
    return app.screen


async def choose(pilot: Pilot[None], downs: int) -> None:
    """In a focused Select: open it, go down past the blank line, take the option."""
    await pilot.press("enter", *["down"] * downs, "enter")


async def retype(pilot: Pilot[None], value: str) -> None:
    """Replace the text of the focused field."""
    await pilot.press("home", "ctrl+k", *value)


# -- the list -----------------------------------------------------------------------------


def test_search_as_you_type_and_the_filter_form_narrow_the_list(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        screen = await to_courses(app, pilot)
        assert len(rows(app, "course-list")) == 6
        await pilot.press("slash", *"ilulis")
        await until(pilot, lambda: len(rows(app, "course-list")) == 1)
        assert list(rows(app, "course-list")) == ["c-gl-f2-ilulissat-2023"]
        assert "1 of 6 courses" in text(app, "#courses-filters")
        # The venue and the place are searched too: "campus" finds both Horsens courses.
        await pilot.press(*["backspace"] * 6, *"campus")
        await until(pilot, lambda: len(rows(app, "course-list")) == 2)
        await pilot.press(*["backspace"] * 6, "escape")
        await until(pilot, lambda: len(rows(app, "course-list")) == 6)
        assert screen.focused is screen.query_one("#course-list")

        # f: only completed courses of Initiative 3.
        await pilot.press("f")
        await form_opened(app, pilot)
        await choose(pilot, 2)  # programmes: 1000-day, Initiative 3
        await pilot.press("tab")
        await choose(pilot, 3)  # statuses: planned, running, completed
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        assert set(rows(app, "course-list")) == {"c-gl-f1-nuuk-2022", "c-gl-f2-qaqortoq-2023"}
        assert "Completed" in text(app, "#courses-filters")
        statuses = {r[2] for r in rows(app, "course-list").values()}
        assert statuses == {CourseStatus.COMPLETED.label}

    run(demo_store, steps)


def test_a_new_course_from_the_form_is_listed_with_the_cursor_on_it(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_courses(app, pilot)
        await pilot.press("n")
        await form_opened(app, pilot)
        await choose(pilot, 1)  # the 1000-day programme
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FormScreen)
                    and "name" in [f.name for f in app.screen.fields])
        await pilot.press(*"Dagpleje 2022", "tab")
        await choose(pilot, 1)  # form: childminding
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CoursesScreen)
                    and len(rows(app, "course-list")) == 7)
        stored = Store.open(demo_store.path).courses.all()
        new = next(c for c in stored if c.name == "Dagpleje 2022")
        assert new.programme_id == "prog-horsens-1000"
        assert new.form_key == "5day-childminding" and new.audience == "childminding"
        assert new.status is CourseStatus.PLANNED
        assert cursor_key(app, "course-list") == new.id

    run(demo_store, steps)


def test_the_course_form_says_what_is_wrong_and_edit_keeps_the_cursor(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_courses(app, pilot)
        await pilot.press("down", "down", "down")
        before = cursor_key(app, "course-list")
        await pilot.press("e")
        form = await form_opened(app, pilot)
        name = form.raw("name")
        await retype(pilot, "")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Name is required" in str(form.query_one("#error-name", Static).render())
        await pilot.press(*"Hold B", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CoursesScreen)
                    and rows(app, "course-list")[before][0] == "Hold B")
        assert name != "Hold B"
        assert cursor_key(app, "course-list") == before
        assert Store.open(demo_store.path).courses.get(before).name == "Hold B"

    run(demo_store, steps)


def test_delete_asks_first_and_then_removes_the_course(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_courses(app, pilot)
        await pilot.press("slash", *"tasiilaq", "enter", "delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Tasiilaq" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press("n")  # no: nothing happens
        await until(pilot, lambda: isinstance(app.screen, CoursesScreen))
        assert Store.open(demo_store.path).courses.find("c-gl-f2-tasiilaq-2023") is not None
        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CoursesScreen)
                    and not rows(app, "course-list"))
        assert "No course matches" in text(app, "#courses-empty")
        assert Store.open(demo_store.path).courses.find("c-gl-f2-tasiilaq-2023") is None
        search = app.screen.query_one("#courses-search", Input)
        assert search.value == "tasiilaq"

    run(demo_store, steps)
