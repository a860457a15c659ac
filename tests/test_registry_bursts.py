"""Keys typed ahead (over SSH a whole burst arrives in one packet) do in the registry's
lists and forms what they would one at a time: the search narrows before enter, the
cursor moves before "e", and keys after the key that opens a form land in the form.

Each burst is posted to the app at once, before any of it is handled, as a terminal's
packet is."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.pilot import burst, packet
from tests.pilot import until as wait_until
from tui.app import KuffertApp
from tui.screens.registry.catalogue_kinds import TopicsScreen
from tui.screens.registry.people import PeopleScreen
from tui.screens.registry.people_table import PeopleTable
from tui.screens.registry.places import PlacesScreen
from tui.screens.registry.programmes import ProgrammesScreen
from tui.screens.registry.wishes import WishesScreen
from tui.store.store import Store
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import FormScreen

Steps = Callable[[KuffertApp, Pilot[None]], Awaitable[None]]


async def until(pilot: Pilot[None], condition: Callable[[], object]) -> None:
    # Generous: this machine's cores are shared, and a burst's last key is a form's.
    await wait_until(pilot, condition, seconds=15)


def run(store: Store, steps: Steps) -> None:
    app = KuffertApp(store, language="en", poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await steps(app, pilot)

    asyncio.run(main())


def typed(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def section(app: KuffertApp, pilot: Pilot[None], key: str, screen: type) -> None:
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, screen)
                and (app.screen.query(PeopleTable) or app.screen.query(DataTable))
                and _rows(app))


def _rows(app: KuffertApp) -> int:
    found = app.screen.query(PeopleTable)
    if found:
        return found.first().row_count
    return app.screen.query(DataTable).first().row_count


def form(app: KuffertApp) -> FormScreen:
    assert isinstance(app.screen, FormScreen), app.screen
    return app.screen


def field(app: KuffertApp, name: str) -> object:
    """What the form in front holds in ``name``; None before it is composed."""
    screen = app.screen
    if not isinstance(screen, FormScreen) or not screen.query(f"#field-{name}"):
        return None
    return screen.raw(name)


async def settled(app: KuffertApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause(0.3)
    await app.workers.wait_for_complete()
    await pilot.pause()


def test_a_search_enter_and_e_then_typing_edits_the_person_found(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "3", PeopleScreen)
        # Tab is the app's key, taken as it arrives; a field selects its text when it
        # gets the focus, so what is typed there replaces it.
        burst(app, "slash", *"aviaja", "enter", "e", *["tab"] * 5, *"aviaja@example.gl")
        await until(pilot, lambda: field(app, "email") == "aviaja@example.gl")
        assert form(app).raw("name") == "Aviaja Berthelsen"

    run(demo_store, steps)


def test_a_typo_mended_with_backspace_still_finds_the_person(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "3", PeopleScreen)
        burst(app, "slash", *"aviax", "backspace", *"ja", "enter", "e")
        await until(pilot, lambda: field(app, "name") is not None)
        assert form(app).raw("name") == "Aviaja Berthelsen"
        assert app.screen_stack[-2].query_one("#people-search").value == "aviaja"

    run(demo_store, steps)


def test_delete_in_the_search_field_deletes_a_letter_not_a_person(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "3", PeopleScreen)
        burst(app, "slash", *"avxi", "left", "left", "delete")
        search = app.screen.query_one("#people-search")
        await until(pilot, lambda: search.value == "avi")  # type: ignore[attr-defined]
        await settled(app, pilot)
        assert isinstance(app.screen, PeopleScreen)  # no question about erasing anyone

    run(demo_store, steps)


def test_moves_then_e_edit_the_person_moved_to(demo_store: Store) -> None:
    fourth = sorted(demo_store.people.all(), key=lambda p: p.name)[3].name

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "3", PeopleScreen)
        burst(app, "down", "down", "down", "e")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await settled(app, pilot)
        assert form(app).raw("name") == fourth

    run(demo_store, steps)


def test_n_and_a_name_with_tabs_fill_the_new_person_form(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "3", PeopleScreen)
        burst(app, "n", *typed("Pipaluk Egede"), *["tab"] * 5, *"pipaluk@example.gl")
        await until(pilot, lambda: field(app, "email") == "pipaluk@example.gl")
        assert form(app).raw("name") == "Pipaluk Egede"

    run(demo_store, steps)


def test_a_place_search_then_e_edits_the_place_found(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "5", PlacesScreen)
        burst(app, "slash", *"nuuk", "enter", "e")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await settled(app, pilot)
        assert form(app).raw("name") == "Nuuk"

    run(demo_store, steps)


def test_m_a_name_and_enter_add_the_danish_municipality(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "5", PlacesScreen)
        burst(app, "m", *"aarh", "enter")
        await until(pilot, lambda: Store.open(demo_store.path).places.find("dk-mun-aarhus"))
        await until(pilot, lambda: isinstance(app.screen, PlacesScreen) and str(
            app.screen.query_one("#places-table", DataTable).coordinate_to_cell_key(
                app.screen.query_one("#places-table", DataTable).cursor_coordinate
            ).row_key.value) == "dk-mun-aarhus")

    run(demo_store, steps)


def test_down_t_n_and_a_name_add_a_topic_to_the_second_programme(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "4", ProgrammesScreen)
        # Three screens deep in one packet: the programme list, its topics, a new topic.
        burst(app, "down", "t", "n", *"Sprog", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, TopicsScreen)
                    and "sprog" in app.screen.query_one(DataTable).rows)
        assert app.screen.programme_id == "prog-gl-3"  # type: ignore[attr-defined]

    run(demo_store, steps)
    topics = Store.open(demo_store.path).programmes.get("prog-gl-3").topics
    assert topics[-1].name == "Sprog"


def test_down_delete_and_n_keep_the_programme_moved_to(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "4", ProgrammesScreen)
        # The second programme has courses: told so, and the "n" after is a new one.
        burst(app, "down", "delete", "n", *"Aaa")
        await until(pilot, lambda: field(app, "name") == "Aaa")
        assert any("Initiativ 3" in n.message and "still has" in n.message
                   for n in app._notifications)

    run(demo_store, steps)


def test_wishes_c_and_y_make_a_course_of_the_wish_under_the_cursor(demo_store: Store) -> None:
    from tui.domain.programmes import TopicWish

    institutions = [i.id for i in demo_store.institutions.all()][:2]
    for n, institution in enumerate(institutions):
        demo_store.topic_wishes.add(TopicWish(id=f"w{n}", programme_id="prog-gl-3",
                                              institution_id=institution,
                                              topic_keys=["learning_environment"]))

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "4", ProgrammesScreen)
        burst(app, "down", "w", "down", "c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        screen = app.screen_stack[-2]
        assert isinstance(screen, WishesScreen)
        chosen = str(screen.query_one(DataTable).coordinate_to_cell_key(
            screen.query_one(DataTable).cursor_coordinate).row_key.value)
        burst(app, "y")
        await until(pilot, lambda: Store.open(demo_store.path).topic_wishes.get(
            chosen).course_ids)
        assert [str(k.value) for k in screen.query_one(DataTable).rows].index(chosen) == 1
        # The new course opens for planning.
        await until(pilot, lambda: type(app.screen).__name__ == "CourseScreen")
        await settled(app, pilot)

    run(demo_store, steps)


def test_a_burst_in_the_programme_form_fills_each_field(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "4", ProgrammesScreen)
        burst(app, "n", *typed("Init 4"), "tab", *"VIA", "tab", *"1-1-26", "tab",
              *"31-12-27", "ctrl+s")
        await until(pilot, lambda: any(p.name == "Init 4" for p in
                                       Store.open(demo_store.path).programmes.all()))

    run(demo_store, steps)
    programme = next(p for p in Store.open(demo_store.path).programmes.all()
                     if p.name == "Init 4")
    assert programme.owner == "VIA"
    assert (str(programme.period_start), str(programme.period_end)) == (
        "2026-01-01", "2027-12-31")


def test_escape_from_the_search_then_2_in_one_packet_go_to_the_courses(
        demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "3", PeopleScreen)
        await pilot.press("slash", *"avi")
        # Pressed apart, escape leaves the search and 2 is the section key; read from
        # one packet, Textual took "ESC 2" for a macOS Option key ("™").
        packet(app, "\x1b2")
        await until(pilot, lambda: app.current_mode == "courses")
        await settled(app, pilot)
        people = app.get_screen_stack("people")[-1]
        assert people.query_one("#people-search").value == "avi"  # type: ignore[attr-defined]

    run(demo_store, steps)


def test_escape_slash_and_letters_in_one_packet_search_afresh(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await section(app, pilot, "3", PeopleScreen)
        await pilot.press("slash", *"avi")
        # Escape to the list, "/" back into the search, whose text is then chosen, so
        # the letters replace it (as pressed apart); the escape used to be dropped.
        packet(app, "\x1b/ja")
        search = app.screen.query_one("#people-search")
        await until(pilot, lambda: search.value == "ja")  # type: ignore[attr-defined]
        await settled(app, pilot)
        assert isinstance(app.screen, PeopleScreen)

    run(demo_store, steps)
