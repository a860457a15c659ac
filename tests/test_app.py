"""The Kuffert app driven as a user would, at 80x24, against real database files.

pytest-asyncio is not installed, so each test runs its own event loop with asyncio.run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

# Textual reads this when imported; the CLI sets it the same way.
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from rich.console import Console
from rich.text import Text
from textual.binding import Binding
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.pilot import until
from tui.app import KuffertApp
from tui.domain.courses import PostponeReason, Session, SessionStatus
from tui.domain.ordering import natural_key
from tui.domain.programmes import Programme
from tui.i18n import language, set_language
from tui.screens.home.dashboard import DashboardScreen
from tui.screens.home.help import HelpScreen
from tui.store.store import Store
from tui.widgets.record_table import clip

SIZE = (80, 24)
RUNNING_COURSE = "c-gl-f2-ilulissat-2023"


@pytest.fixture(autouse=True)
def _keep_language() -> Iterator[None]:
    # The app sets the process-wide language; other test modules expect it unchanged.
    before = language()
    yield
    set_language(before)


def run(app: KuffertApp, steps: Callable[[Pilot[None]], Awaitable[None]],
        size: tuple[int, int] = SIZE) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await steps(pilot)

    asyncio.run(main())


async def settle(pilot: Pilot[None]) -> None:
    """Let the dashboard's reading worker finish and its rows reach the screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def table(app: KuffertApp, table_id: str) -> DataTable[object]:
    return app.screen.query_one(f"#{table_id}", DataTable)


def rows(app: KuffertApp, table_id: str) -> dict[str, list[str]]:
    t = table(app, table_id)
    return {
        str(row_key.value): [str(cell) for cell in t.get_row(row_key)]
        for row_key in t.rows
    }


def shows(cell: str, name: str) -> bool:
    """A cell shows a name if it is the name, or the name with its middle cut out."""
    if cell == name:
        return True
    head, sep, tail = cell.partition("…")
    return bool(sep) and name.startswith(head) and name.endswith(tail)


def text_of(app: KuffertApp, selector: str) -> str:
    """The plain text of a Static, whether it holds a string, Text or a Rich table."""
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, str | Text | Content):
        return str(content)
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


# -- the dashboard -------------------------------------------------------------------------


def test_dashboard_shows_path_programmes_and_courses(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, DashboardScreen)
        assert app.title == "Kuffert"
        assert app.sub_title == str(demo_store.path)
        assert str(demo_store.path) in str(app.screen.query_one("HeaderTitle", Static).render())

        programmes = rows(app, "programmes")
        assert set(programmes) == {p.id for p in demo_store.programmes.all()}
        for programme in demo_store.programmes.all():
            name, period, count, target = programmes[programme.id]
            # The target, with the trained count before it once that is read ("22/65").
            assert target.endswith(str(programme.target_participants))
            assert shows(name, programme.name)
            assert re.fullmatch(r"\d\d-\d\d-\d{4} – \d\d-\d\d-\d{4}", period)
            courses = [c for c in demo_store.courses.all() if c.programme_id == programme.id]
            assert int(count) == len(courses)

        courses = rows(app, "courses")
        assert set(courses) == {c.id for c in demo_store.courses.all()}
        for course in demo_store.courses.all():
            name, _programme, status, days, _next = courses[course.id]
            assert shows(name, course.name)
            assert status == course.status.label
            # Days taught or to be taught: a postponed day is counted once, by its new date.
            assert int(days) == sum(s.status.value in ("planned", "held")
                                    for s in demo_store.sessions(course.id).all())
        running = courses[RUNNING_COURSE]
        assert running[2] == "I gang"
        assert re.fullmatch(r"\d\d-\d\d-\d{4}", running[4])

        # The Tasiilaq course waits for two new dates; completed courses are not asked.
        postponed = rows(app, "postponed")
        assert len(postponed) == 2
        assert all("Tasiilaq" in cells[0] for cells in postponed.values())
        assert text_of(app, "#postponed-title").startswith("Udskudte undervisningsdage")

    run(app, steps)


def test_wide_terminal_shows_names_in_full(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        courses = rows(app, "courses")
        for course in demo_store.courses.all():
            assert courses[course.id][0] == course.name

    run(app, steps, size=(160, 40))


def test_help_lists_the_keys_and_closes(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {line.description: line.keys for line in app.screen.lines}
        assert keys["Taster"] == "?"
        assert keys["Afslut"] == "q, ^q"
        assert keys["Søg"] == "^p"
        # The demo key is only offered while the database is empty.
        assert "Indlæs demo" not in keys
        shown = text_of(app, "#help-keys")
        assert "Taster" in shown and "Afslut" in shown
        assert "Kuffert samler" in text_of(app, "#help-about")

        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("question_mark")
        await pilot.press("question_mark")
        assert isinstance(app.screen, DashboardScreen)
        # q closes the help rather than quitting from under it.
        await pilot.press("question_mark", "q")
        assert isinstance(app.screen, DashboardScreen)
        assert app.is_running

        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running

    run(app, steps)
    assert app.return_code == 0


def test_help_follows_a_remapped_key(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        app.set_keymap({"help": "f1", "quit": "x"})
        await pilot.press("question_mark")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        keys = {line.description: line.keys for line in app.screen.lines}
        assert keys["Taster"] == "f1"
        assert keys["Afslut"] == "x, ^q"

    run(app, steps)


def test_command_palette_finds_a_course(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+p")
        await pilot.press(*"Qaqortoq")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        from tui.screens.courses.course import CourseScreen

        assert isinstance(app.screen, CourseScreen)
        assert app.screen.course_id == "c-gl-f2-qaqortoq-2023"
        # "Fremmøde <course>" opens its attendance grid.
        await pilot.press("escape", "ctrl+p", *"fremmøde qaqortoq")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        from tui.screens.attendance.screen import AttendanceScreen

        assert isinstance(app.screen, AttendanceScreen)

    run(app, steps)


# -- an empty database ---------------------------------------------------------------------


def test_empty_database_offers_and_loads_the_demo(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "k.json")
    app = KuffertApp(store, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        message = text_of(app, "#message")
        assert "Databasen er tom." in message
        assert "Tryk d" in message
        assert not app.screen.query_one("#overview").display

        await pilot.press("d")
        await until(pilot, lambda: table(app, "programmes").row_count == 2)
        await settle(pilot)
        assert {p.name for p in store.programmes.all()} == {
            "Initiativ 3: Opkvalificering af dagtilbudspersonale",
            "1000-dagesprogrammet: 5-dages læringsforløb",
        }
        assert set(rows(app, "programmes")) == {p.id for p in store.programmes.all()}
        assert len(rows(app, "courses")) == store.courses.count()
        assert any("Demodata indlæst" in n.message for n in app._notifications)
        # Loaded once: the key is gone, and pressing it again changes nothing.
        await pilot.press("d")
        await settle(pilot)
        assert store.programmes.count() == 2

    run(app, steps)


# -- another user's changes ----------------------------------------------------------------


def test_another_users_change_shows_up_without_restart(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da", poll_interval=0.1)
    # A second Store on the same file stands for another Kuffert process.
    other = Store.open(demo_store.path)

    async def steps(pilot: Pilot[None]) -> None:
        courses = table(app, "courses")
        courses.focus()
        courses.move_cursor(row=3, animate=False)
        await pilot.pause()
        under_cursor = courses.coordinate_to_cell_key(courses.cursor_coordinate).row_key.value

        other.programmes.add(Programme(id="prog-new", name="Aaa nyt program"))
        await until(pilot, lambda: "prog-new" in rows(app, "programmes"))
        assert shows(rows(app, "programmes")["prog-new"][0], "Aaa nyt program")
        after = courses.coordinate_to_cell_key(courses.cursor_coordinate).row_key.value
        assert after == under_cursor

        # A change to a course's own file (not the main file) is seen too.
        other.sessions(RUNNING_COURSE).add(Session(
            id="s-storm", course_id=RUNNING_COURSE, date=dt.date(2023, 6, 1),
            status=SessionStatus.POSTPONED, postpone_reason=PostponeReason.WEATHER,
        ))
        await until(pilot, lambda: "s-storm" in rows(app, "postponed"))
        assert rows(app, "postponed")["s-storm"][1:3] == ["01-06-2023", "Vejr"]

    run(app, steps)


def test_a_damaged_file_is_reported_not_raised(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da", poll_interval=0.1)

    async def steps(pilot: Pilot[None]) -> None:
        path = demo_store.path
        damaged = path.with_suffix(".tmp")
        damaged.write_text('{"programmes": {', encoding="utf-8")
        damaged.replace(path)
        await until(pilot, lambda: app.screen.query_one("#message").display)
        message = text_of(app, "#message")
        assert "Kuffert kan ikke læse databasen." in message
        assert str(path) in message
        assert app.is_running

    run(app, steps)


# -- language --------------------------------------------------------------------------------


def test_english_interface(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="en")

    async def steps(pilot: Pilot[None]) -> None:
        assert text_of(app, "#programmes-title") == "Programmes (2)"
        assert text_of(app, "#courses-title") == "Courses (6)"
        labels = [str(c.label) for c in table(app, "courses").columns.values()]
        assert labels == ["Name", "Programme", "Status", "Days", "Next day"]
        assert rows(app, "courses")[RUNNING_COURSE][2] == "Running"
        await pilot.press("question_mark")
        keys = {line.description: line.keys for line in app.screen.lines}
        assert keys["Keys"] == "?"
        assert keys["Quit"] == "q, ^q"

    run(app, steps)


def test_empty_database_in_english(tmp_path: Path) -> None:
    app = KuffertApp(Store.open(tmp_path / "k.json"), language="en")

    async def steps(pilot: Pilot[None]) -> None:
        message = text_of(app, "#message")
        assert "This database is empty." in message
        assert "Press d to load the demo data" in message

    run(app, steps)


def test_display_path_replaces_the_real_one(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da", display_path="demo/kuffert.json")

    async def steps(pilot: Pilot[None]) -> None:
        assert app.sub_title == "demo/kuffert.json"

    run(app, steps)


def test_every_key_has_an_id_for_remapping() -> None:
    ids: list[str] = []
    for bindings in (KuffertApp.BINDINGS, DashboardScreen.BINDINGS, HelpScreen.BINDINGS):
        for binding in bindings:
            assert isinstance(binding, Binding) and binding.id, binding
            ids.append(binding.id)
    assert len(ids) == len(set(ids))
    assert {"help", "command_palette", "quit", "quit_anywhere", "load_demo", "help_close",
            "go.courses"} <= set(ids)


# -- helpers behind the tables ---------------------------------------------------------------


def test_clip_keeps_both_ends_of_a_long_name() -> None:
    name = "Kursusform 2 – personale, Qaqortoq 2023"
    assert clip(name, 60, "middle") == name
    assert clip(name, 20, "middle") == "Kursusfor…ortoq 2023"
    assert clip(name, 31, "middle") == "Kursusform 2 –…, Qaqortoq 2023"
    assert clip("Gennemført", 6) == "Genne…"


def test_courses_sort_by_number_not_by_digit() -> None:
    names = ["Hold 10", "Hold 2", "hold 1"]
    assert sorted(names, key=natural_key) == ["hold 1", "Hold 2", "Hold 10"]


def test_the_sections_line_names_the_keys_as_remapped(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da")
    app.set_keymap({"go.courses": "f2"})

    async def steps(pilot: Pilot[None]) -> None:
        hint = text_of(app, "#sections-hint")
        assert "f2 Forløb" in hint and "3 Personer" in hint
        await pilot.press("f2")
        await pilot.pause()
        assert app.current_mode == "courses"

    run(app, steps)
