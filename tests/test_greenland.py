"""Greenland as the travelling team meets it: the shipped places loaded by a key, two
settlements of one name told apart by municipality, and a topic wish that knows its
course form and whether a course was already made from it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Select

from tests.pilot import until
from tui.app import KuffertApp
from tui.domain.courses import Course
from tui.domain.programmes import Programme, TopicWish, WishStatus
from tui.screens.courses.course import CourseScreen
from tui.screens.registry.places import PlacesScreen
from tui.screens.registry.programmes import ProgrammesScreen
from tui.screens.registry.wishes import WishesScreen
from tui.store.shipped_places import shipped
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import FormScreen

Steps = Callable[[KuffertApp, Pilot[None]], Awaitable[None]]


def run(store: Store, steps: Steps) -> None:
    app = KuffertApp(store, language="en", poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await steps(app, pilot)

    asyncio.run(main())


def test_greenlands_places_load_by_a_key_and_namesakes_show_their_municipality(
        tmp_path: Path) -> None:
    store = Store.open(tmp_path / "k.json")
    store.programmes.add(Programme(id="p", name="Initiativ 3"))
    store.courses.add(Course(id="c", programme_id="p", name="Kursus i bygderne"))
    gl = shipped("places_gl.json")

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await pilot.press("5")
        await until(pilot, lambda: isinstance(app.screen, PlacesScreen))
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert f"Add {len(gl)} places in Greenland" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press("y")
        await until(pilot, lambda: Store.open(store.path).places.count() == len(gl))
        await until(pilot, lambda: isinstance(app.screen, PlacesScreen))
        await pilot.press("g")  # a second time there is nothing left to add
        await until(pilot, lambda: any("already" in n.message for n in app._notifications))

        # The course form's place list tells the two Aappilattoq apart.
        await pilot.press("2")
        await until(pilot, lambda: app.screen.query("#course-list")
                    and app.screen.query_one("#course-list", DataTable).row_count == 1)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        options = [str(label) for label, _value in
                   app.screen.query_one("#field-place_id", Select)._options]
        namesakes = sorted(o for o in options if o.startswith("Aappilattoq"))
        assert namesakes == ["Aappilattoq (settlement, Avannaata Kommunia)",
                             "Aappilattoq (settlement, Kommune Kujalleq)"]

    run(store, steps)
    assert {p.name for p in Store.open(store.path).places.all()
            if p.name in ("Aappilattoq", "Tasiusaq")} == {"Aappilattoq", "Tasiusaq"}
    assert sum(p.name == "Tasiusaq" for p in Store.open(store.path).places.all()) == 2


def test_a_wish_keeps_its_form_and_status_and_a_second_course_is_asked_about(
        demo_store: Store) -> None:
    for programme in demo_store.programmes.all():
        demo_store.topic_wishes.add(TopicWish(
            id=f"w-{programme.id}", programme_id=programme.id,
            institution_id=demo_store.institutions.all()[0].id,
            topic_keys=[programme.topics[0].key], form_key=programme.forms[-1].key))
    made: list[str] = []

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await pilot.press("4")
        await until(pilot, lambda: isinstance(app.screen, ProgrammesScreen))
        await pilot.pause()
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, WishesScreen)
                    and app.screen.wishes)
        screen = app.screen
        assert isinstance(screen, WishesScreen)
        (wish,) = screen.wishes.values()
        row = screen.query_one("#wishes-table", DataTable).get_row(wish.id)
        assert str(row[3]) == "Open"
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Create the planned course" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CourseScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen and str(screen.query_one(
            "#wishes-table", DataTable).get_row(wish.id)[3]) == "Course created")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "A course was already made from this wish" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen)
        made.append(wish.id)

    run(demo_store, steps)
    fresh = Store.open(demo_store.path)
    wish = fresh.topic_wishes.get(made[0])
    assert wish.status is WishStatus.COURSE_CREATED and len(wish.course_ids) == 1
    course = fresh.courses.get(wish.course_ids[0])
    assert course.form_key == wish.form_key != ""
    programme = fresh.programmes.get(wish.programme_id)
    assert course.audience == next(f.audience for f in programme.forms
                                   if f.key == wish.form_key)
