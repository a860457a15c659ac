"""Below 60x20 the app says in words how big the window must be, keys act on nothing
hidden, and everything comes back as it was when the window grows."""

from __future__ import annotations

import asyncio
import os
from typing import ClassVar

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


def test_running_out_of_memory_on_the_ui_thread_leaves_in_words(
    demo_store: Store,
) -> None:
    from textual.binding import Binding, BindingType
    from textual.screen import Screen

    class Greedy(Screen[None]):
        # Injects the fault where a national report on a small laptop meets it: in a
        # handler on the UI thread.
        BINDINGS: ClassVar[list[BindingType]] = [Binding("g", "grab")]

        def action_grab(self) -> None:
            raise MemoryError

    app = KuffertApp(demo_store, language="en")
    said: list[str] = []

    async def main() -> None:
        async with app.run_test(size=(80, 24)):
            await app.push_screen(Greedy())
            # Not pilot.press: it waits for the screen, and the fault has stopped it.
            app.simulate_key("g")
            for _ in range(250):
                if app._exit_renderables:
                    said.extend(str(r) for r in app._exit_renderables)
                    break
                await asyncio.sleep(0.02)

    asyncio.run(main())
    assert app.return_code == 1
    assert "ran out of memory" in " ".join(said)
    assert not any("Traceback" in s for s in said)
