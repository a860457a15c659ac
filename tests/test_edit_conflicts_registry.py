"""Two administrators edit the same programme, place, institution or topic at once. The
second save shows the first one's change field by field; whichever choice is made,
nothing either typed is lost silently, and a repeated ctrl+s asks again."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.widgets import DataTable, Input

from tests.pilot import Desk, two_desks
from tui.app import KuffertApp
from tui.domain.programmes import Topic
from tui.screens.registry.catalogue_kinds import TopicsScreen
from tui.screens.registry.places import PlacesScreen
from tui.screens.registry.programmes import ProgrammesScreen
from tui.store.store import Store
from tui.widgets.changed_underneath import ChangedUnderneathScreen
from tui.widgets.form import FormScreen

HORSENS_1000 = "prog-horsens-1000"  # sorts first in the programmes
NUUK = "gl-town-nuuk"
QILAK = "i-gl-nuuk-qilak"  # the first daycare in Nuuk

Open = Callable[[Desk], Awaitable[None]]
Steps = Callable[[Desk, Desk], Awaitable[None]]


def run(store: Store, open_form: Open, steps: Steps) -> Store:
    async def main() -> None:
        one = KuffertApp(Store.open(store.path), language="en")
        two = KuffertApp(Store.open(store.path), language="en")
        async with two_desks(one, two) as (a, b):
            for desk in (a, b):
                await open_form(desk)
                await desk.until(lambda d=desk: isinstance(d.app.screen, FormScreen))
            await steps(a, b)

    asyncio.run(main())
    return Store.open(store.path)


def cursor(desk: Desk, table: str) -> str:
    grid = desk.app.screen.query_one(table, DataTable)
    return str(grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value)


async def open_programme(desk: Desk) -> None:
    await desk.press("4")
    await desk.until(lambda: isinstance(desk.app.screen, ProgrammesScreen)
                     and cursor(desk, "#programmes-table") == HORSENS_1000)
    await desk.press("e")


async def open_nuuk(desk: Desk) -> None:
    await desk.press("5")
    await desk.until(lambda: isinstance(desk.app.screen, PlacesScreen)
                     and desk.app.screen.query_one("#places-table", DataTable).row_count)
    await desk.press("slash", *"nuuk", "enter")
    await desk.until(lambda: NUUK in desk.app.screen.query_one(
        "#places-table", DataTable).rows)
    with desk.app._context():
        table = desk.app.screen.query_one("#places-table", DataTable)
        table.move_cursor(row=table.get_row_index(NUUK))


async def open_place(desk: Desk) -> None:
    await open_nuuk(desk)
    await desk.press("e")


async def open_institution(desk: Desk) -> None:
    await open_nuuk(desk)
    await desk.press("tab")  # to the daycares of Nuuk
    await desk.until(lambda: cursor(desk, "#institutions-table") == QILAK)
    await desk.press("e")


async def open_first_topic(desk: Desk) -> None:
    await desk.press("4")
    await desk.until(lambda: isinstance(desk.app.screen, ProgrammesScreen)
                     and cursor(desk, "#programmes-table") == HORSENS_1000)
    await desk.press("t")
    await desk.until(lambda: isinstance(desk.app.screen, TopicsScreen)
                     and desk.app.screen.query_one(DataTable).row_count)
    await desk.press("e")


async def retype(desk: Desk, field: str, text: str) -> None:
    form = desk.app.screen
    assert isinstance(form, FormScreen)
    with desk.app._context():
        form.set_focus(form.query_one(f"#field-{field}", Input))
    await desk.press("ctrl+a", "ctrl+k", *text)


async def save_first(a: Desk) -> None:
    await a.press("ctrl+s")
    await a.until(lambda: not isinstance(a.app.screen, FormScreen))


async def save_second(b: Desk) -> ChangedUnderneathScreen:
    await b.press("ctrl+s")
    await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
    screen = b.app.screen
    assert isinstance(screen, ChangedUnderneathScreen)
    return screen


def shown_rows(dialog: ChangedUnderneathScreen) -> list[tuple[str, ...]]:
    table = dialog.query_one(DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def answer(b: Desk, *keys: str) -> None:
    await b.press(*keys)
    await b.until(lambda: not isinstance(b.app.screen, FormScreen | ChangedUnderneathScreen))


# -- a programme ---------------------------------------------------------------------------


def test_their_owner_and_my_funding_pool_are_both_kept(demo_store: Store) -> None:
    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "owner", "Horsens Kommune")
        await save_first(a)
        await retype(b, "funding_pool", "Puljen 2026")
        dialog = await save_second(b)
        title = str(dialog.query_one("#underneath-title").render())
        assert "The programme was changed by" in title and "-20" in title
        assert shown_rows(dialog) == [("Owner", "Horsens Kommune", "(unchanged)", "theirs")]
        await answer(b, "enter")

    programme = run(demo_store, open_programme, steps).programmes.get(HORSENS_1000)
    assert (programme.owner, programme.funding_pool) == ("Horsens Kommune", "Puljen 2026")


def both_change_the_owner(*choice: str) -> Steps:
    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "owner", "Horsens Kommune")
        await save_first(a)
        await retype(b, "owner", "VIA University College")
        await retype(b, "funding_pool", "Puljen 2026")
        dialog = await save_second(b)
        assert shown_rows(dialog) == [
            ("Owner", "Horsens Kommune", "VIA University College", "yours")]
        await answer(b, *choice)
    return steps


@pytest.mark.parametrize(("choice", "owner"), [
    (("m",), "VIA University College"),
    (("t",), "Horsens Kommune"),
    (("space", "enter"), "Horsens Kommune"),
])
def test_both_change_the_owner_and_the_choice_is_saved_with_my_pool(
        demo_store: Store, choice: tuple[str, ...], owner: str) -> None:
    programme = run(demo_store, open_programme,
                    both_change_the_owner(*choice)).programmes.get(HORSENS_1000)
    assert (programme.owner, programme.funding_pool) == (owner, "Puljen 2026")


def test_a_topic_added_meanwhile_is_kept_when_the_programme_is_saved(
        demo_store: Store) -> None:
    async def steps(a: Desk, b: Desk) -> None:
        # Someone adds a topic to the programme B has open: not a field of B's form.
        store = Store.open(demo_store.path)
        store.change_programme(HORSENS_1000, lambda p: dataclasses.replace(
            p, topics=[*p.topics, Topic(key="sprog", name="Sprog")]))
        await retype(b, "owner", "VIA University College")
        await b.press("ctrl+s")
        await b.until(lambda: not isinstance(b.app.screen, FormScreen))
        assert not isinstance(b.app.screen, ChangedUnderneathScreen)

    programme = run(demo_store, open_programme, steps).programmes.get(HORSENS_1000)
    assert programme.owner == "VIA University College"
    assert programme.topics[-1].key == "sprog"


def test_a_repeated_save_asks_again_instead_of_overwriting(demo_store: Store) -> None:
    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "owner", "Horsens Kommune")
        await save_first(a)
        await retype(b, "owner", "VIA University College")
        for _attempt in range(2):
            await save_second(b)
            await b.press("escape")  # back to the form, with what was typed
            await b.until(lambda: isinstance(b.app.screen, FormScreen))
            form = b.app.screen
            assert isinstance(form, FormScreen) and form.raw("owner") == "VIA University College"
            assert Store.open(demo_store.path).programmes.get(HORSENS_1000).owner == (
                "Horsens Kommune")
        await b.press("escape")  # leave the form; throw away what was typed
        await b.until(lambda: not isinstance(b.app.screen, FormScreen))
        await b.press("y")

    programme = run(demo_store, open_programme, steps).programmes.get(HORSENS_1000)
    assert programme.owner == "Horsens Kommune"


# -- a place and an institution ------------------------------------------------------------


@pytest.mark.parametrize(("choice", "name"), [(("m",), "Nuuk (Godthåb)"),
                                              (("t",), "Nuuk by")])
def test_both_rename_the_place_and_the_choice_is_saved(
        demo_store: Store, choice: tuple[str, ...], name: str) -> None:
    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "name", "Nuuk by")
        await save_first(a)
        await retype(b, "name", "Nuuk (Godthåb)")
        dialog = await save_second(b)
        assert shown_rows(dialog) == [("Name", "Nuuk by", "Nuuk (Godthåb)", "yours")]
        await answer(b, *choice)

    place = run(demo_store, open_place, steps).places.get(NUUK)
    assert place.name == name
    assert place.municipality_id == demo_store.places.get(NUUK).municipality_id


def institution_steps(b_field: str, b_text: str, *choice: str) -> Steps:
    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "administration", "Sermersooq, Dagtilbud")
        await save_first(a)
        await retype(b, b_field, b_text)
        dialog = await save_second(b)
        rows = shown_rows(dialog)
        assert rows[0][:2] == ("Administration", "Sermersooq, Dagtilbud")
        await answer(b, *choice)
    return steps


def test_their_administration_and_my_new_name_are_both_kept(demo_store: Store) -> None:
    institution = run(demo_store, open_institution,
                      institution_steps("name", "Qilak", "enter")).institutions.get(QILAK)
    assert (institution.name, institution.administration) == ("Qilak",
                                                              "Sermersooq, Dagtilbud")


@pytest.mark.parametrize(("choice", "administration"), [
    (("m",), "Kommuneqarfik Sermersooq"), (("t",), "Sermersooq, Dagtilbud")])
def test_both_change_the_administration_and_the_choice_is_saved(
        demo_store: Store, choice: tuple[str, ...], administration: str) -> None:
    institution = run(demo_store, open_institution, institution_steps(
        "administration", "Kommuneqarfik Sermersooq", *choice)).institutions.get(QILAK)
    assert institution.administration == administration


# -- a topic inside the programme ----------------------------------------------------------


def first_topic(store: Store) -> Any:
    return store.programmes.get(HORSENS_1000).topics[0]


def test_both_rename_the_same_topic_and_mine_is_kept(demo_store: Store) -> None:
    key = first_topic(demo_store).key

    async def steps(a: Desk, b: Desk) -> None:
        await retype(a, "name", "Theirs")
        await save_first(a)
        await retype(b, "name", "Mine")
        dialog = await save_second(b)
        assert "The topic was changed by" in str(dialog.query_one("#underneath-title").render())
        assert shown_rows(dialog) == [("Name", "Theirs", "Mine", "yours")]
        await answer(b, "m")

    topic = first_topic(run(demo_store, open_first_topic, steps))
    assert (topic.key, topic.name) == (key, "Mine")


def test_a_topic_renamed_while_another_was_added_keeps_both(demo_store: Store) -> None:
    topics = len(demo_store.programmes.get(HORSENS_1000).topics)

    async def steps(a: Desk, b: Desk) -> None:
        await a.press("escape")  # A adds a topic instead
        await a.until(lambda: isinstance(a.app.screen, TopicsScreen))
        await a.press("n")
        await a.until(lambda: isinstance(a.app.screen, FormScreen))
        await a.press(*"Sprog")
        await save_first(a)
        await retype(b, "name", "Mine")
        await b.press("ctrl+s")
        await b.until(lambda: isinstance(b.app.screen, TopicsScreen))

    programme = run(demo_store, open_first_topic, steps).programmes.get(HORSENS_1000)
    assert programme.topics[0].name == "Mine"
    assert [t.name for t in programme.topics[topics:]] == ["Sprog"]
