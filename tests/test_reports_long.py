"""A report over many courses: its long tables are put in a page at a time as the
screen comes near them, and every row is still reachable by keys and by scrolling."""

from __future__ import annotations

import asyncio

from textual.containers import VerticalScroll
from textual.pilot import Pilot

from tests.pilot import until
from tui.app import KuffertApp
from tui.domain.courses import Course
from tui.screens.reports.screen import PAGE, FigureTable, ReportsScreen
from tui.store.store import Store

EXTRA = 150


def many_courses(store: Store) -> int:
    programme = store.programmes.all()[0]
    store.courses.add_many([Course(id=f"c-extra-{n:03}", programme_id=programme.id,
                                   name=f"Ekstra {n:03}") for n in range(1, EXTRA + 1)])
    return len(store.courses.all())


async def to_reports(app: KuffertApp, pilot: Pilot[None]) -> None:
    """Section 6, once its figures are shown."""
    await pilot.app.workers.wait_for_complete()
    await pilot.press("6")
    await until(pilot, lambda: isinstance(app.screen, ReportsScreen)
                and app.screen.query_one("#reports-body").display)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_a_long_table_is_put_in_as_the_cursor_and_the_screen_come_near(
        demo_store: Store) -> None:
    total = many_courses(demo_store)
    app = KuffertApp(demo_store, language="en", poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await to_reports(app, pilot)
            table = app.screen.query_one("#by-course", FigureTable)
            assert table.total_rows == total
            assert table.row_count == PAGE  # a page, not all of them
            # The cursor walks down the table: rows come in ahead of it.
            table.enter_at(0)
            await pilot.press(*["down"] * (PAGE + 5))
            assert table.has_focus and table.cursor_row == PAGE + 5
            assert table.row_count > PAGE + 5
            # From the table below, up goes to the last course of all.
            below = app.screen.query_one("#cover", FigureTable)
            below.enter_at(0)
            await pilot.press("up")
            assert table.has_focus and table.cursor_row == total - 1
            assert table.row_count == total

    asyncio.run(main())


def test_scrolling_the_screen_to_its_end_puts_in_every_row(demo_store: Store) -> None:
    total = many_courses(demo_store)
    app = KuffertApp(demo_store, language="en", poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await to_reports(app, pilot)
            table = app.screen.query_one("#by-course", FigureTable)
            body = app.screen.query_one("#reports-body", VerticalScroll)
            assert table.row_count == PAGE
            # Scrolled into the table, the rows three screens ahead come in, not all.
            start = table.virtual_region.y
            body.scroll_to(y=start + 10, animate=False, immediate=True)
            await until(pilot, lambda: PAGE < table.row_count < total)
            body.scroll_end(animate=False, immediate=True)
            await until(pilot, lambda: table.row_count == total)

    asyncio.run(main())
