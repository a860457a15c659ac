"""Danish throughout the screens: Textual's own footer texts, and Home/End in the grid."""

from __future__ import annotations

import asyncio

from textual.widgets import Footer

from tests.pilot import until
from tests.test_courses_screen import form_opened, to_courses
from tui.app import KuffertApp
from tui.store.store import Store


def footer_text(app: KuffertApp) -> str:
    footer = app.screen.query_one(Footer)
    return " ".join(str(child.render()) for child in footer.query("FooterKey"))


def test_an_open_choice_list_says_how_to_close_it_in_danish(demo_store: Store) -> None:
    async def main() -> None:
        app = KuffertApp(demo_store, language="da", poll_interval=3600)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await to_courses(app, pilot)
            await pilot.press("e")
            await form_opened(app, pilot)
            await pilot.press("tab", "enter")  # into the form choice, and open it
            await until(pilot, lambda: "Luk listen" in footer_text(app))
            assert "Dismiss" not in footer_text(app)
            await pilot.press("escape")
            await pilot.press("ctrl+p")
            await until(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
            # No footer there, but the key list (and Textual's help) reads its bindings.
            described = {b.binding.description for b in app.screen.active_bindings.values()}
            assert "Luk kommandopaletten" in described
            assert "Exit the command palette" not in described

    asyncio.run(main())


def test_home_and_end_in_the_grid_go_to_the_first_and_last_person(tmp_path) -> None:
    from tests.test_attendance_screen import AttendanceApp, attendance, settle
    from tui.store.demo import load_demo

    store = Store.open(tmp_path / "k.json")
    load_demo(store)

    async def main() -> None:
        app = AttendanceApp(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            grid = attendance(app).grid
            column = grid.cursor_column
            await pilot.press("down", "down", "end")
            assert (grid.cursor_row, grid.cursor_column) == (grid.row_count - 1, column)
            await pilot.press("home")
            assert (grid.cursor_row, grid.cursor_column) == (0, column)

    asyncio.run(main())


def test_someone_elses_change_is_told_in_words_and_local_time(tmp_path) -> None:
    import datetime as dt
    import re

    from tui.domain.people import Person, Qualification, Role
    from tui.i18n import set_language
    from tui.store.errors import StaleRecord

    store = Store.open(tmp_path / "k.json")
    read = store.people.add(Person(name="Ane", role=Role.EMPLOYEE,
                                   qualification=Qualification.OTHER))
    store.people.save(read, expected_version=read.version)  # someone else, meanwhile
    set_language("da")
    try:
        try:
            store.people.save(read, expected_version=read.version)
        except StaleRecord as stale:
            text = str(stale)
        else:
            raise AssertionError("the second save should have been refused")
    finally:
        set_language("en")
    assert text.startswith("Personen blev ændret af ")
    assert "people" not in text and "+00:00" not in text
    shown = re.search(r"(\d\d-\d\d-\d{4} \d\d:\d\d)", text)
    assert shown is not None
    assert abs(dt.datetime.strptime(shown[1], "%d-%m-%Y %H:%M") - dt.datetime.now()
               ) < dt.timedelta(minutes=2)  # the reader's own clock, not UTC
