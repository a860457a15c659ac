"""Two administrators edit the same record at once. The second save shows the first one's
change field by field, and whichever choice is made, nothing either typed is lost
silently: a repeated ctrl+s never overwrites without the question."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.widgets import DataTable, Input

from tests.pilot import Desk, two_desks
from tui.app import KuffertApp
from tui.domain.people import Person
from tui.screens.registry.people import PeopleScreen
from tui.store.store import Store
from tui.widgets.changed_underneath import ChangedUnderneathScreen
from tui.widgets.form import FormScreen

AVIAJA = "p-gl-01"
Steps = Callable[[Desk, Desk], Awaitable[None]]


def run(store: Store, steps: Steps) -> Person:
    async def main() -> None:
        one = KuffertApp(Store.open(store.path), language="en")
        two = KuffertApp(Store.open(store.path), language="en")
        async with two_desks(one, two) as (a, b):
            for desk in (a, b):
                await open_aviaja(desk)
            await steps(a, b)

    asyncio.run(main())
    return Store.open(store.path).people.get(AVIAJA)


async def open_aviaja(desk: Desk) -> None:
    await desk.press("3")
    await desk.until(lambda: isinstance(desk.app.screen, PeopleScreen)
                     and desk.app.screen.query_one("#people-table").row_count)
    await desk.press("slash", *"aviaja", "enter", "e")
    await desk.until(lambda: isinstance(desk.app.screen, FormScreen))


async def retype(desk: Desk, field: str, text: str) -> None:
    form = desk.app.screen
    assert isinstance(form, FormScreen)
    with desk.app._context():
        form.set_focus(form.query_one(f"#field-{field}", Input))
    await desk.press("ctrl+a", "ctrl+k", *text)


async def save_first(a: Desk) -> None:
    await a.press("ctrl+s")
    await a.until(lambda: isinstance(a.app.screen, PeopleScreen))


def dialog(desk: Desk) -> ChangedUnderneathScreen:
    screen = desk.app.screen
    assert isinstance(screen, ChangedUnderneathScreen), screen
    return screen


def shown_rows(desk: Desk) -> list[tuple[str, ...]]:
    table = dialog(desk).query_one(DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def test_their_phone_and_my_email_are_both_kept(demo_store: Store) -> None:
    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "phone", "+299 32 11 00")
        await save_first(a)
        await retype(b, "email", "aviaja@example.gl")
        await b.press("ctrl+s")
        await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
        # Who and when, in local time and Danish format; the field they changed.
        title = str(dialog(b).query_one("#underneath-title").render())
        assert "The person was changed by" in title and "-20" in title
        assert shown_rows(b) == [("Phone", "+299 32 11 00", "(unchanged)", "theirs")]
        await b.press("enter")
        await b.until(lambda: isinstance(b.app.screen, PeopleScreen))

    person = run(demo_store, steps)
    assert (person.phone, person.email) == ("+299 32 11 00", "aviaja@example.gl")


def both_change_the_phone(choice: tuple[str, ...], then: tuple[str, ...] = ()) -> Steps:
    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "phone", "+299 11 11 11")
        await save_first(a)
        await retype(b, "phone", "+299 22 22 22")
        await retype(b, "email", "aviaja@example.gl")
        await b.press("ctrl+s")
        await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
        assert shown_rows(b) == [("Phone", "+299 11 11 11", "+299 22 22 22", "yours")]
        await b.press(*choice)
        for keys in then:
            await b.press(keys)
        await b.until(lambda: isinstance(b.app.screen, PeopleScreen))
    return steps


def test_keep_mine_keeps_my_phone_and_my_email(demo_store: Store) -> None:
    person = run(demo_store, both_change_the_phone(("m",)))
    assert (person.phone, person.email) == ("+299 22 22 22", "aviaja@example.gl")


def test_take_theirs_keeps_their_phone_and_still_my_email(demo_store: Store) -> None:
    person = run(demo_store, both_change_the_phone(("t",)))
    assert (person.phone, person.email) == ("+299 11 11 11", "aviaja@example.gl")


def test_choosing_per_field_saves_what_was_chosen(demo_store: Store) -> None:
    person = run(demo_store, both_change_the_phone(("space", "enter")))
    assert (person.phone, person.email) == ("+299 11 11 11", "aviaja@example.gl")


def test_a_repeated_save_asks_again_instead_of_overwriting(demo_store: Store) -> None:
    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "phone", "+299 11 11 11")
        await save_first(a)
        await retype(b, "phone", "+299 22 22 22")
        for _attempt in range(2):
            await b.press("ctrl+s")
            await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
            await b.press("escape")  # back to the form, with what was typed
            await b.until(lambda: isinstance(b.app.screen, FormScreen))
            form = b.app.screen
            assert isinstance(form, FormScreen) and form.raw("phone") == "+299 22 22 22"
        assert Store.open(a.app.store.path).people.get(AVIAJA).phone == "+299 11 11 11"
        await b.press("escape")  # leave the form; throw away what was typed
        await b.until(lambda: not isinstance(b.app.screen, FormScreen))
        await b.press("y")

    person = run(demo_store, steps)
    assert person.phone == "+299 11 11 11"
