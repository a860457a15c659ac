"""Places, institutions and topic wishes driven by keys at 80x24 on a real demo database:
a Danish municipality from the shipped list, a new institution in it, its wish for
topics, and a course made from that wish."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Awaitable, Callable

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.pilot import until
from tui.app import KuffertApp
from tui.domain.courses import CourseStatus
from tui.domain.places import InstitutionKind, PlaceKind
from tui.screens.registry.municipality_picker import MunicipalityPicker
from tui.screens.registry.places import PlacesScreen
from tui.screens.registry.wish_form import topics_parser
from tui.screens.registry.wishes import WishesScreen
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import FormScreen

SIZE = (80, 24)
AARHUS = "dk-mun-aarhus"
HORSENS = "dk-mun-horsens"

Steps = Callable[[KuffertApp, Pilot[None]], Awaitable[None]]


def run(store: Store, steps: Steps) -> None:
    app = KuffertApp(store, language="en", poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.app.workers.wait_for_complete()
            await steps(app, pilot)

    asyncio.run(main())


def row_keys(app: KuffertApp, selector: str) -> list[str]:
    return [str(k.value) for k in app.screen.query_one(selector, DataTable).rows]


def cursor(app: KuffertApp, selector: str) -> str:
    table = app.screen.query_one(selector, DataTable)
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


async def to_places(app: KuffertApp, pilot: Pilot[None]) -> PlacesScreen:
    await pilot.press("5")
    await until(pilot, lambda: isinstance(app.screen, PlacesScreen)
                and row_keys(app, "#places-table"))
    assert isinstance(app.screen, PlacesScreen)
    return app.screen


def test_a_municipality_an_institution_a_wish_and_a_course_from_it(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_places(app, pilot)
        assert AARHUS not in row_keys(app, "#places-table")

        # m: Denmark's municipalities, those already added left out.
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MunicipalityPicker))
        picker = app.screen
        assert isinstance(picker, MunicipalityPicker)
        offered = {c["id"] for c in picker.choices}
        assert len(offered) == 97 and HORSENS not in offered
        await pilot.press(*"aarh", "enter")
        await until(pilot, lambda: isinstance(app.screen, PlacesScreen)
                    and cursor(app, "#places-table") == AARHUS)
        aarhus = Store.open(demo_store.path).places.get(AARHUS)
        assert (aarhus.name, aarhus.kind, aarhus.country) == (
            "Aarhus Kommune", PlaceKind.MUNICIPALITY, "DK")

        # i: a daycare in the place under the cursor.
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press(*"Solsikken", "tab", "enter", "down", "down", "enter", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, PlacesScreen)
                    and row_keys(app, "#institutions-table"))
        institution = next(i for i in Store.open(demo_store.path).institutions.all()
                           if i.name == "Solsikken")
        assert institution.place_id == AARHUS
        assert institution.kind is InstitutionKind.KINDERGARTEN
        assert app.screen.focused is app.screen.query_one("#institutions-table")

        # w: the institution's topic wishes; n asks for the programme, then the wish.
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, WishesScreen))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("enter", "down", "down", "enter", "ctrl+s")  # Initiative 3
        await until(pilot, lambda: isinstance(app.screen, FormScreen)
                    and app.screen.fields[0].name == "topic_keys")
        await pilot.press(*"1, 5", "tab", *"1-9-26", "tab", *"30-11-26", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, WishesScreen)
                    and row_keys(app, "#wishes-table"))
        wish = Store.open(demo_store.path).topic_wishes.where(institution_id=institution.id)[0]
        assert wish.programme_id == "prog-gl-3"
        assert wish.topic_keys == ["learning_environment", "early_detection"]
        assert (wish.period_start, wish.period_end) == (dt.date(2026, 9, 1),
                                                         dt.date(2026, 11, 30))

        # c: a course from the wish, after saying what it will be called.
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: any(n.message.startswith("Created the course")
                                       for n in app._notifications))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "CourseScreen"

    run(demo_store, steps)
    courses = [c for c in Store.open(demo_store.path).courses.all()
               if c.name == "Initiativ 3: Solsikken 2026"]
    assert len(courses) == 1
    course = courses[0]
    assert course.programme_id == "prog-gl-3"
    assert course.topic_keys == ["learning_environment", "early_detection"]
    assert course.place_id == AARHUS
    assert course.status is CourseStatus.PLANNED


def test_a_place_in_use_is_not_deleted(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_places(app, pilot)
        assert cursor(app, "#places-table") == HORSENS  # DK sorts before GL
        await pilot.press("delete")
        await until(pilot, lambda: any("still in use" in n.message
                                       for n in app._notifications))
        told = next(n.message for n in app._notifications if "still in use" in n.message)
        assert "7 daycare institutions" in told
        assert isinstance(app.screen, PlacesScreen)

    run(demo_store, steps)
    assert Store.open(demo_store.path).places.find(HORSENS) is not None


def test_topics_are_typed_as_numbers_or_names() -> None:
    from tui.domain.programmes import Topic

    topics = [Topic(key="a", name="Læringsmiljø"), Topic(key="b", name="Børnemappen")]
    parse = topics_parser(topics)
    assert parse("2, 1").value == ["b", "a"]
    assert parse("1 2").value == ["a", "b"]
    assert parse("børne").value == ["b"]
    assert parse("3").error is not None
    assert parse("").error is not None
