"""At 80x24, in Danish and in English: the keys a user needs on the overview, the course
list, each tab of a course and the enrolment picker are all in sight in the footer, and
the overview's line of sections is whole."""

from __future__ import annotations

import asyncio
import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Static
from textual.widgets._footer import FooterKey

from tests.pilot import until
from tui.app import KuffertApp
from tui.screens.courses.course import CourseScreen
from tui.screens.courses.enrol import EnrolScreen
from tui.screens.courses.listing import CoursesScreen
from tui.screens.home.dashboard import DashboardScreen
from tui.store.store import Store

WIDTH = 80
DAGPLEJE = "c-horsens-dagpleje"
TASIILAQ = "c-gl-f2-tasiilaq-2023"  # its days wait for a new date


def footer_keys(app: KuffertApp) -> dict[str, str]:
    """The keys the footer shows wholly inside the screen's width, with their labels."""
    footer = app.screen.query_one(Footer)
    shown = {}
    for key in footer.query(FooterKey):
        region = key.region
        if region.width and region.right <= WIDTH:
            shown[key.key] = key.description
    return shown


def run(store: Store, language: str, steps) -> None:  # type: ignore[no-untyped-def]
    app = KuffertApp(Store.open(store.path), language=language)

    async def main() -> None:
        async with app.run_test(size=(WIDTH, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await steps(app, pilot)

    asyncio.run(main())


async def settled(app: KuffertApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_needed_key_is_in_sight(demo_store: Store, language: str) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, DashboardScreen)
        assert {"enter", "a", "question_mark", "ctrl+p", "q"} <= set(footer_keys(app))
        hint = str(app.screen.query_one("#sections-hint", Static).render()).rstrip()
        assert hint.endswith("Rapporter" if language == "da" else "Reports")
        assert len(hint) <= WIDTH - 2

        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, CoursesScreen) and app.screen.loaded)
        await settled(app, pilot)
        assert {"enter", "n", "e", "y", "delete", "f", "question_mark", "q"} <= set(
            footer_keys(app))

        app.open_course(DAGPLEJE)
        await until(pilot, lambda: isinstance(app.screen, CourseScreen)
                    and app.screen.data is not None)
        await settled(app, pilot)
        wanted = {
            "overview": {"e", "t", "a", "j", "c", "u", "right_square_bracket",
                         "question_mark"},
            # On a day that was held: no postponing; the first row is a day.
            "sessions": {"n", "e", "delete", "g", "k", "a", "right_square_bracket",
                         "question_mark"},
            "participants": {"n", "delete", "s", "v", "a", "j", "right_square_bracket",
                             "question_mark"},
        }
        for tab in ("overview", "sessions", "participants"):
            await until(pilot, lambda t=tab: app.screen.active_tab == t)  # type: ignore[attr-defined]
            await settled(app, pilot)
            assert wanted[tab] <= set(footer_keys(app)), (tab, footer_keys(app))
            await pilot.press("right_square_bracket")

        # A planned day: postponing is offered, and still fits.
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CoursesScreen))
        app.open_course(TASIILAQ, tab="sessions")
        await until(pilot, lambda: isinstance(app.screen, CourseScreen)
                    and app.screen.data is not None and app.screen.active_tab == "sessions")
        await settled(app, pilot)
        keys = footer_keys(app)
        assert {"n", "e", "delete", "g", "r", "a", "question_mark"} <= set(keys), keys
        # Tuesday is the longest Danish weekday ("tirs"): the date keeps its year.
        days = app.screen.query_one("#sessions-table", DataTable)
        assert [str(days.get_row_at(i)[0]) for i in range(days.row_count)] == (
            ["tirs 28-03-2023", "ons 29-03-2023"] if language == "da"
            else ["Tue 28-03-2023", "Wed 29-03-2023"])

        await pilot.press("right_square_bracket", "n")
        await until(pilot, lambda: isinstance(app.screen, EnrolScreen) and app.screen.loaded)
        await pilot.pause()  # not settled(): the flow that opened the picker waits for it
        assert {"space", "enter", "slash", "escape"} <= set(footer_keys(app))

    run(demo_store, language, steps)
