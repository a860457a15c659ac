"""Below 60x20 the app says in words how big the window must be, keys act on nothing
hidden, and everything comes back as it was when the window grows."""

from __future__ import annotations

import asyncio
import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.widgets import Static

from tests.pilot import until
from tui.app import KuffertApp
from tui.screens.home.dashboard import DashboardScreen
from tui.screens.registry.people import PeopleScreen
from tui.store.store import Store
from tui.widgets.form import FormScreen
from tui.widgets.too_small import TooSmallScreen


def test_a_small_window_gets_a_sentence_and_keeps_the_form(demo_store: Store) -> None:
    async def main() -> None:
        app = KuffertApp(demo_store, language="en")
        async with app.run_test(size=(50, 15)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
            text = str(app.screen.query_one(Static).render())
            assert "50×15" in text and "60×20" in text
            await pilot.press("3")  # the people section: not while nothing can be seen
            await pilot.resize_terminal(80, 24)
            await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
            await pilot.press("3")
            await until(pilot, lambda: isinstance(app.screen, PeopleScreen))
            await pilot.press("n", *"Pipaluk")
            await until(pilot, lambda: isinstance(app.screen, FormScreen))
            await pilot.resize_terminal(59, 24)
            await until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
            await pilot.press(*"xyz", "ctrl+s")
            await pilot.resize_terminal(80, 20)
            await until(pilot, lambda: isinstance(app.screen, FormScreen))
            form = app.screen
            assert isinstance(form, FormScreen) and form.raw("name") == "Pipaluk"

    asyncio.run(main())
    assert "Pipaluk" not in {p.name for p in Store.open(demo_store.path).people.all()}
