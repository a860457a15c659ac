"""The register of people driven by keys at 80x24 on a real demo database: search as you
type, a new person through the form, and erasing a person after a question."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot
from textual.widgets import Static

from tests.pilot import until
from tui.app import KuffertApp
from tui.domain.people import Qualification, Role
from tui.i18n import set_language
from tui.screens.registry.people import PeopleScreen
from tui.screens.registry.people_table import PeopleTable
from tui.store.store import Store
from tui.views.registry import Register, format_count
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import FormScreen

SIZE = (80, 24)
AVIAJA = "p-gl-01"  # a leader in Nuuk, enrolled in the 2022 course with attendance marks

Steps = Callable[[KuffertApp, Pilot[None]], Awaitable[None]]


def run(store: Store, steps: Steps) -> None:
    app = KuffertApp(store, language="en", poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.app.workers.wait_for_complete()
            await steps(app, pilot)

    asyncio.run(main())


def names(app: KuffertApp) -> list[str]:
    table = app.screen.query_one("#people-table", PeopleTable)
    return [row.cells[0] for row in table.rows]


def count_line(app: KuffertApp) -> str:
    return str(app.screen.query_one("#people-count", Static).render())


async def to_people(app: KuffertApp, pilot: Pilot[None]) -> PeopleScreen:
    await pilot.press("3")
    await until(pilot, lambda: isinstance(app.screen, PeopleScreen) and names(app))
    assert isinstance(app.screen, PeopleScreen)
    return app.screen


def test_search_as_you_type_narrows_the_list(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_people(app, pilot)
        assert len(names(app)) == 54
        assert count_line(app) == "54 people."
        # By place: the three registered in Nuuk.
        await pilot.press("slash", *"nuuk")
        await until(pilot, lambda: len(names(app)) == 3)
        assert set(names(app)) == {"Aviaja Berthelsen", "Mette Sørensen", "Nivi Kreutzmann"}
        assert count_line(app) == "3 of 54 people match."
        # Every word must match: place and name together.
        await pilot.press(*" mette")
        await until(pilot, lambda: names(app) == ["Mette Sørensen"])
        # By institution, in any case.
        at_troldehoj = {p.name for p in demo_store.people.all()
                        if p.institution_id == "i-hd-vg-troldehoej"}
        assert at_troldehoj
        await pilot.press("home", "ctrl+k", *"TROLDEH")
        await until(pilot, lambda: set(names(app)) == at_troldehoj)
        await pilot.press("home", "ctrl+k", "escape")
        await until(pilot, lambda: len(names(app)) == 54)
        assert app.screen.focused is app.screen.query_one("#people-table")

    run(demo_store, steps)


def test_a_new_person_through_the_form(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_people(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press("ctrl+s")  # nothing typed: the reasons are told in words
        await pilot.pause()
        assert "Name is required" in str(form.query_one("#error-name", Static).render())
        await pilot.press(*"Søren Æ", "tab")
        await pilot.press("enter", *["down"] * 3, "enter", "tab")  # role: employee
        await pilot.press("enter", *["down"] * 3, "enter", "tab")  # qualification: pedagogue
        await pilot.press("tab", "tab", *"s@nej")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "e-mail" in str(form.query_one("#error-email", Static).render())
        await pilot.press(*".gl", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, PeopleScreen)
                    and "Søren Æ" in names(app))
        await app.workers.wait_for_complete()
        stored = [p for p in Store.open(demo_store.path).people.all() if p.name == "Søren Æ"]
        assert len(stored) == 1
        person = stored[0]
        assert (person.role, person.qualification) == (Role.EMPLOYEE, Qualification.PEDAGOGUE)
        assert person.email == "s@nej.gl"
        assert count_line(app) == "55 people."
        assert app.screen.query_one("#people-table", PeopleTable).cursor_key == person.id

    run(demo_store, steps)


def test_erasing_a_person_asks_first_and_tells_what_went(demo_store: Store) -> None:
    course_ids = [c.id for c in demo_store.courses.all()]

    def recorded() -> tuple[int, int]:
        store = Store.open(demo_store.path)
        enrolments = sum(1 for cid in course_ids for e in store.enrolments(cid).all()
                         if e.person_id == AVIAJA)
        marks = sum(1 for cid in course_ids for a in store.attendance(cid).all()
                    if a.person_id == AVIAJA)
        return enrolments, marks

    enrolments, marks = recorded()
    assert enrolments and marks  # the demo has something to erase

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_people(app, pilot)
        await pilot.press("slash", *"aviaja", "enter")
        await until(pilot, lambda: names(app) == ["Aviaja Berthelsen"])
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert "Aviaja Berthelsen" in question
        assert "enrolments, attendance and journals" in question
        await pilot.press("n")  # no: nothing happens
        await until(pilot, lambda: isinstance(app.screen, PeopleScreen))
        assert Store.open(demo_store.path).people.find(AVIAJA) is not None

        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: any(n.message.startswith("Erased Aviaja")
                                       for n in app._notifications))
        told = next(n.message for n in app._notifications if n.message.startswith("Erased"))
        assert f"{enrolments} enrolments, {marks} attendance marks" in told
        assert names(app) == []
        assert count_line(app) == "0 of 53 people match."

    run(demo_store, steps)
    store = Store.open(demo_store.path)
    assert store.people.find(AVIAJA) is None
    assert recorded() == (0, 0)


def test_the_register_searches_fifty_thousand_in_memory() -> None:
    from tui.domain.people import Person

    people = [Person(id=f"p{i}", name=f"Navn {i}", role=Role.EMPLOYEE,
                     qualification=Qualification.OTHER) for i in range(50_000)]
    register = Register.build(people, {}, {})
    # Any part of a word: 4999, 14999 … 44999 and 49990 … 49999.
    assert len(register.search("navn 4999")) == 15
    register.upsert(Person(id="p1", name="Åse Øster", role=Role.LEADER,
                           qualification=Qualification.PEDAGOGUE))
    assert register.rows[-1].id == "p1"  # å sorts last, as in Danish
    register.remove("p1")
    assert "p1" not in register.by_id and len(register.rows) == 49_999
    set_language("da")
    assert format_count(12345) == "12.345"
    set_language("en")
    assert format_count(12345) == "12,345"


def test_a_broken_people_file_keeps_the_new_person_form_open(demo_store: Store) -> None:
    # The new person's id, and so their file of the registry, is drawn when they are
    # saved: every file is broken, as a whole registry restored badly would be.
    people_files = demo_store.db.layout.all_people_files()

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_people(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press(*"Pipaluk Egede", "tab")
        await pilot.press("enter", "down", "enter", "tab", "enter", "down", "enter")
        good = {path: path.read_bytes() if path.exists() else None
                for path in people_files}
        for path, data in good.items():
            path.write_bytes(data[: len(data) // 2] if data else b"{")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "cannot be read" in str(
            form.query_one("#form-problem", Static).render()))
        assert app.screen is form and form.raw("name") == "Pipaluk Egede"
        for path, data in good.items():  # the administrator restores the files
            if data is None:
                path.unlink()
            else:
                path.write_bytes(data)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form)

    run(demo_store, steps)
    names = [p.name for p in Store.open(demo_store.path).people.all()]
    assert "Pipaluk Egede" in names


def test_a_burst_of_keys_with_tabs_lands_in_the_right_fields(demo_store: Store) -> None:
    """Over a slow link a user's keys arrive together; tab must move on before the
    letters after it are read."""
    from textual import events

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_people(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        assert isinstance(form, FormScreen)
        names = [f.name for f in form.fields]
        email_tabs = names.index("email") - names.index("name")
        keys = [*"Pipaluk Egede", *["tab"] * email_tabs, *"pipaluk@example.gl"]
        for key in keys:
            app.post_message(events.Key(key, None if len(key) > 1 else key))
        await pilot.pause(0.3)
        assert form.raw("name") == "Pipaluk Egede"
        assert form.raw("email") == "pipaluk@example.gl"

    run(demo_store, steps)
