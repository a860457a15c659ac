"""The command palette at the size of a national programme: the course typed is the first
hit, and the palette shows a screenful of hits instead of building thousands."""

from __future__ import annotations

import asyncio
import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.command import CommandPalette
from textual.widgets import OptionList

from tests.pilot import until
from tui.app import KuffertApp
from tui.domain.courses import Course
from tui.screens.courses.course import CourseScreen
from tui.screens.home.commands import SHOWN
from tui.store.store import Store


def test_hold_1_is_found_first_among_hundreds(demo_store: Store) -> None:
    programme = demo_store.programmes.all()[0]
    demo_store.courses.add_many([
        Course(id=f"c-hold-{n}", name=f"Hold {n}", programme_id=programme.id)
        for n in range(300)])

    async def main() -> None:
        app = KuffertApp(demo_store, language="en")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("ctrl+p", *"hold 1")
            options = lambda: app.screen.query_one(OptionList)  # noqa: E731
            await until(pilot, lambda: isinstance(app.screen, CommandPalette)
                        and options().option_count > 1)
            await pilot.pause(0.3)
            # Every "Hold 1…" matches (111 courses, each also as its attendance and
            # journals): the palette holds a screenful, the journal search, and no more.
            assert options().option_count <= SHOWN + 1
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, CourseScreen))
            assert app.screen.course_id == "c-hold-1"

    asyncio.run(main())
