"""The shared form: inline reasons in words, ctrl+s, and nothing thrown away unasked."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from textual import events
from textual.app import App
from textual.widgets import Input, Static

from tui.domain.parse import parse_date, parse_hours
from tui.i18n import msg
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Field, FormScreen


class FormApp(App[None]):
    CSS_PATH = "../tui/styles/form.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.results: list[dict[str, Any] | None] = []

    def on_mount(self) -> None:
        self.open_form()

    def open_form(self) -> None:
        def check(values: dict[str, Any]) -> list:
            if values["hours"] and values["hours"] > 7.4:
                return [("hours", msg("A teaching day has at most 7.4 hours."))]
            return []

        self.push_screen(FormScreen("Day", [
            Field("date", "Date", parse_date),
            Field("hours", "Hours", lambda t: parse_hours(t, required=False)),
            Field("status", "Status", choices=[("Planned", "planned"), ("Held", "held")],
                  required=True),
        ], check=check), self.results.append)


def _error(app: App[None], name: str) -> str:
    """The reason under a field, as far as it is really on screen."""
    line = app.screen.query_one(f"#error-{name}", Static)
    text = str(line.render())
    if text:
        assert line.display and line.region.height > 0, f"{name}: reason not visible"
    else:
        assert not line.display
    return text


def test_bad_input_is_named_inline_and_save_waits_until_it_is_fixed() -> None:
    async def scenario() -> None:
        app = FormApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"31-02-2021")
            await pilot.pause()
            assert "31" in _error(app, "date") and "February" in _error(app, "date")
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, FormScreen) and app.results == []
            for _ in range(10):
                await pilot.press("backspace")
            await pilot.press(*"24-11-2021", "tab", *"9,5", "ctrl+s")
            await pilot.pause()
            assert _error(app, "date") == ""
            assert "Choose" in _error(app, "status")
            app.screen.query_one("#field-status").value = "held"  # type: ignore[attr-defined]
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "7.4" in _error(app, "hours")  # the check across fields
            assert app.results == []
            await pilot.press(*["backspace"] * 3, *"7,4", "ctrl+s")
            await pilot.pause()
        assert app.results == [{"date": dt.date(2021, 11, 24), "hours": 7.4, "status": "held"}]

    asyncio.run(scenario())


def test_escape_on_a_changed_form_asks_before_throwing_anything_away() -> None:
    async def scenario() -> None:
        app = FormApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"24-11")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("escape")  # no: keep editing
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            assert app.screen.raw("date") == "24-11"
            await pilot.press("escape", "y")
            await pilot.pause()
            assert not isinstance(app.screen, FormScreen | ConfirmScreen)
        assert app.results == [None]

    asyncio.run(scenario())


def test_escape_on_an_untouched_form_just_closes() -> None:
    async def scenario() -> None:
        app = FormApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, FormScreen)
        assert app.results == [None]

    asyncio.run(scenario())


def test_keys_typed_in_one_burst_are_all_saved() -> None:
    """Over a slow link the letters and ctrl+s arrive together; none may be lost."""

    async def scenario() -> None:
        app = FormApp()
        async with app.run_test(size=(80, 24)) as pilot:
            app.screen.query_one("#field-status").value = "held"  # type: ignore[attr-defined]
            app.screen.query_one("#field-date").focus()
            # No pause between the keys: they are queued as one burst.
            for key in [*"24-11-2021", "ctrl+s"]:
                app.post_message(events.Key(key, None if len(key) > 1 else key))
            await pilot.pause(0.2)
        assert app.results == [{"date": dt.date(2021, 11, 24), "hours": None, "status": "held"}]

    asyncio.run(scenario())


def test_editing_keys_typed_ahead_keep_their_place_among_the_letters(
    demo_store: Store,
) -> None:
    """Over SSH "ctrl+a ctrl+k 555 backspace 6 ctrl+s" arrives in one packet: the field
    must end as "556", saved, not emptied by a late ctrl+k."""
    from tests.pilot import burst, until
    from tui.app import KuffertApp
    from tui.screens.registry.people import PeopleScreen

    async def main() -> None:
        app = KuffertApp(demo_store, language="en")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("3")
            await until(pilot, lambda: isinstance(app.screen, PeopleScreen))
            await pilot.press("slash", *"aviaja", "enter", "e")
            await until(pilot, lambda: isinstance(app.screen, FormScreen))
            form = app.screen
            form.set_focus(form.query_one("#field-phone"))
            await pilot.pause()
            burst(app, "ctrl+a", "ctrl+k", "5", "5", "5", "backspace", "6", "ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, PeopleScreen))

    asyncio.run(main())
    person = next(p for p in Store.open(demo_store.path).people.all()
                  if p.name.startswith("Aviaja"))
    assert person.phone == "556"


def test_keys_typed_after_a_prompts_enter_go_to_the_screen_beneath() -> None:
    """"3 enter x y" in one packet: enter saves and closes the prompt, and x and y are
    for the screen beneath, in their order. They reached the prompt's field behind the
    enter and went on to the app before the prompt had closed (here its save takes a
    moment, as a store write does): gone."""
    import time

    from textual.binding import Binding

    from tests.pilot import burst, until
    from tui.widgets.form import PromptScreen

    class Beneath(App[None]):
        BINDINGS = [Binding("x", "key('x')"), Binding("y", "key('y')")]  # noqa: RUF012

        def __init__(self) -> None:
            super().__init__()
            self.results: list[object] = []
            self.keys: list[str] = []

        def on_mount(self) -> None:
            self.push_screen(PromptScreen("Hours", [Field("hours", "Hours", parse_hours)],
                                          save=lambda values: time.sleep(0.2)),
                             self.results.append)

        def action_key(self, key: str) -> None:
            self.keys.append(key)

    async def scenario() -> None:
        app = Beneath()
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.focused, Input))
            burst(app, "3", "enter", "x", "y")
            await until(pilot, lambda: app.keys == ["x", "y"])
            assert app.results == [{"hours": 3.0}]
            assert not isinstance(app.screen, PromptScreen)

    asyncio.run(scenario())
