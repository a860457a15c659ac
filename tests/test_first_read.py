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
