"""The dashboard read before the app starts (as ``kuffert`` does): shown at the first
paint without reading again, and still following a change made while the app started."""

from __future__ import annotations

import asyncio
import dataclasses

from textual.widgets import DataTable

from tests.pilot import until
from tui.app import KuffertApp
from tui.screens.home.start import read_first
from tui.screens.live import Watcher
from tui.store.store import Store

COURSE = "c-gl-f2-ilulissat-2023"


def reads(app: KuffertApp) -> int:
    """The dashboard's own reads of the lists so far."""
    return app.screen._reads  # type: ignore[attr-defined]


def test_the_first_read_is_shown_without_reading_again(demo_store: Store) -> None:
    watcher = Watcher(demo_store)
    first = read_first(demo_store, watcher)
    name = demo_store.courses.get(COURSE).name
    app = KuffertApp(demo_store, language="en", poll_interval=0.05, watcher=watcher,
                     first_read=first)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.screen.query_one("#courses", DataTable)
            # Shown at the mount, clipped in the middle to fit 80 columns.
            shown = str(table.get_row(COURSE)[0])
            assert shown.startswith(name[:12]) and shown.endswith(name[-14:])
            for _ in range(10):  # the watcher looks every 0.05 s: nothing changed
                await pilot.pause(0.05)
            assert reads(app) == 0

    asyncio.run(main())


def test_a_change_made_while_the_app_starts_is_shown(demo_store: Store) -> None:
    watcher = Watcher(demo_store)
    first = read_first(demo_store, watcher)
    # Another administrator renames the course after the first read, before the app
    # has started.
    other = Store.open(demo_store.path)
    other.courses.save(dataclasses.replace(other.courses.get(COURSE), name="Ilulissat, ny"))
    app = KuffertApp(demo_store, language="en", poll_interval=0.05, watcher=watcher,
                     first_read=first)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.screen.query_one("#courses", DataTable)
            await until(pilot, lambda: str(table.get_row(COURSE)[0]) == "Ilulissat, ny")
            assert reads(app)

    asyncio.run(main())


def test_a_long_list_shows_its_first_screenful_and_then_every_course(demo_store: Store) -> None:
    from tui.domain.courses import Course
    from tui.domain.ordering import natural_key

    # The list goes by programme, then course: these are the last of the last programme.
    programme = max(demo_store.programmes.all(), key=lambda p: natural_key(p.name))
    # The first read decodes 60; the rest come after.
    demo_store.courses.add_many([Course(id=f"c-extra-{n:03}", programme_id=programme.id,
                                        name=f"Zz extra {n:03}") for n in range(1, 121)])
    count = len(demo_store.courses.all())
    watcher = Watcher(demo_store)
    first = read_first(demo_store, watcher)
    assert not first.overview.complete and len(first.overview.courses) == 60
    app = KuffertApp(demo_store, language="en", poll_interval=3600, watcher=watcher,
                     first_read=first)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert f"Courses ({count})" in str(app.screen.query_one("#courses-title").render())
            table = app.screen.query_one("#courses", DataTable)
            table.focus()
            await pilot.press("end")  # the last of them, which only the second read has
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            assert key == "c-extra-120"
            await pilot.press("home")
            assert table.cursor_row == 0

    asyncio.run(main())
