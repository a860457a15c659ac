"""Importing a staff list through the screen, as an administrator does it: a Danish Excel
file (semicolons, Windows-1252, æøå) with two bad rows, a preview, then the import."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Static

from tests.pilot import until
from tui.app import KuffertApp
from tui.domain.people import Person, Qualification, Role
from tui.screens.registry.people import PeopleScreen
from tui.screens.registry.people_import import ImportScreen, expand_path
from tui.screens.registry.people_table import PeopleTable
from tui.store.store import Store

SIZE = (80, 24)
STAFF = "\r\n".join([
    "Navn;Stilling;Uddannelse;Institution;Tlf.",                      # 1
    "Åse Højgaard;Medarbejder;Pædagog;Vuggestuen Ukaliusaq;32 10 00",  # 2
    ";Medarbejder;Ufaglært;Vuggestuen Ukaliusaq;",                    # 3: no name
    "Søren Ærø;Souschef;Ufaglært;Integreret institution Qilak;",      # 4
    "Bjørn Kærgård;Pedel;Ufaglært;Børnehaven Puisi;",                 # 5: no such role
    "Øjvind Lærkesø;Dagplejer;Pædagogisk assistent;Dagplejen i Narsaq;",  # 6
    "",
])
GOOD = {"Åse Højgaard", "Søren Ærø", "Øjvind Lærkesø"}

Steps = Callable[[KuffertApp, Pilot[None]], Awaitable[None]]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The staff list in the user's home folder, which the path typed names with ~."""
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "staff.csv").write_bytes(STAFF.encode("cp1252"))
    return tmp_path


def run(store: Store, steps: Steps) -> None:
    app = KuffertApp(store, language="en", poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.app.workers.wait_for_complete()
            await steps(app, pilot)

    asyncio.run(main())


def text(app: KuffertApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def shown(widget: Static) -> str:
    """What a widget holding rich renderables shows, as plain text at its width."""
    console = Console(width=widget.size.width or 78, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


async def open_import(app: KuffertApp, pilot: Pilot[None]) -> ImportScreen:
    await pilot.press("3")
    await until(pilot, lambda: isinstance(app.screen, PeopleScreen)
                and app.screen.register is not None)
    await pilot.press("i")
    await until(pilot, lambda: isinstance(app.screen, ImportScreen))
    assert isinstance(app.screen, ImportScreen)
    return app.screen


async def preview(app: KuffertApp, pilot: Pilot[None], path: str) -> ImportScreen:
    screen = await open_import(app, pilot)
    await pilot.press(*path, "enter")
    await until(pilot, lambda: screen.plan is not None)
    await pilot.pause()
    return screen


def test_a_windows_1252_file_with_two_bad_rows_is_previewed_then_imported(
        demo_store: Store, home: Path) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        screen = await preview(app, pilot, "~/staff.csv")
        summary = text(app, "#import-summary")
        assert "encoding Windows-1252, separated by semicolon" in summary
        assert "Stilling → Role" in summary and "Tlf. → Phone" in summary
        assert "Good: 3. Bad: 2." in summary
        problems = shown(screen.query_one("#import-bad", Static)).splitlines()
        assert any("line 3:" in line and "Name is required." in line for line in problems)
        assert any("line 5:" in line and '"Pedel" is not a role.' in line
                   for line in problems)
        assert not any("line 2:" in line or "line 4:" in line for line in problems)
        table = screen.query_one("#import-good", DataTable)
        assert [str(table.get_row(k)[1]) for k in table.rows] == [
            "Åse Højgaard", "Søren Ærø", "Øjvind Lærkesø"]
        assert str(screen.query_one("#import-apply", Button).label) == "Import 3 people"
        # Nothing is written before the user says so.
        assert Store.open(demo_store.path).people.count() == 54

        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, PeopleScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("Imported 3 people." in n.message for n in app._notifications)
        # The register reads the new people in.
        assert app.screen.query_one("#people-table", PeopleTable).row_count == 57

    run(demo_store, steps)
    people = {p.name: p for p in Store.open(demo_store.path).people.all()}
    assert set(people) >= GOOD  # æøå read from Windows-1252 and kept
    assert "Bjørn Kærgård" not in people
    soeren = people["Søren Ærø"]
    assert (soeren.role, soeren.qualification) == (Role.DEPUTY, Qualification.UNSKILLED)
    assert soeren.institution_id == "i-gl-nuuk-qilak"
    assert people["Åse Højgaard"].phone == "32 10 00"


def test_escape_on_a_preview_writes_nothing(demo_store: Store, home: Path) -> None:
    people_files = demo_store.db.layout.people_files()
    before = {path: path.read_bytes() for path in people_files}

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        screen = await open_import(app, pilot)
        # A file that is not there is told in words, and nothing is offered to import.
        await pilot.press(*"~/none.csv", "enter")
        await until(pilot, lambda: "cannot be imported" in text(app, "#import-message"))
        assert "none.csv" in text(app, "#import-message")
        assert screen.query_one("#import-apply", Button).disabled

        await pilot.press("home", "ctrl+k", *"~/staff.csv", "enter")
        await until(pilot, lambda: screen.plan is not None)
        assert not screen.query_one("#import-apply", Button).disabled
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PeopleScreen))
        await app.workers.wait_for_complete()

    run(demo_store, steps)
    store = Store.open(demo_store.path)
    assert store.people.count() == 54
    assert not GOOD & {p.name for p in store.people.all()}
    assert people_files and {path: path.read_bytes() for path in people_files} == before
    assert demo_store.db.layout.people_files() == people_files


def test_a_path_is_taken_as_typed_or_pasted(home: Path) -> None:
    assert expand_path("~/staff.csv") == home / "staff.csv"
    assert expand_path("  '/tmp/med mellemrum.csv' ") == Path("/tmp/med mellemrum.csv")
    assert expand_path("   ") is None


MUNICIPAL = "\r\n".join([
    # The job column says the training too, unless the training column says it.
    "Fornavn;Efternavn;Stilling;Uddannelse;Institution;E-mail",           # 1
    "Ane;Kristiansen;PAU;;Vuggestuen Ukaliusaq;ane@example.gl",           # 2
    "Bo;Mikkelsen;Pædagogmedhjælper;;Børnehaven Nerisa;bo@example.gl",     # 3: new place
    "Cecilie;Møller;Studerende;;Vuggestuen Ukaliusaq;",                   # 4
    "Dina;Lund;Dagplejer;Uuddannet;;",                                    # 5: childminder
    "Karen;Berg;Pædagog;;Børnehaven Nerisa;karen@example.gl",              # 6: known, moved
    "",
])


def test_a_municipal_list_with_first_and_last_names_updates_and_creates(
        demo_store: Store, home: Path) -> None:
    demo_store.people.add(Person(id="p-karen", name="Karen Berg", role=Role.EMPLOYEE,
                                 qualification=Qualification.UNSKILLED,
                                 email="karen@example.gl"))
    (home / "kommune.csv").write_bytes(MUNICIPAL.encode("cp1252"))

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        screen = await preview(app, pilot, "~/kommune.csv")
        table = screen.query_one("#import-good", DataTable)
        assert [str(table.get_row(k)[1]) for k in table.rows] == [
            "Ane Kristiansen", "Bo Mikkelsen", "Cecilie Møller", "Dina Lund"]
        # Karen is found by her e-mail: two changes, shown before they are made.
        changes = " ".join(shown(screen.query_one("#import-updates", Static)).split())
        assert "line 6:" in changes and "Karen Berg:" in changes
        assert "Qualification Unskilled → Pedagogue" in changes
        assert "Institution – → Børnehaven Nerisa" in changes
        made = shown(screen.query_one("#import-institutions", Static))
        assert "Børnehaven Nerisa (Kindergarten)" in made
        read = " ".join(shown(screen.query_one("#import-readings", Static)).split())
        for word, meaning in (("PAU", "Qualification: Pedagogical assistant"),
                              ("Pædagogmedhjælper", "Qualification: Unskilled"),
                              ("Studerende", "Qualification: Other"),
                              ("Dagplejer", "Role: Childminder"),
                              ("Uuddannet", "Qualification: Unskilled")):
            assert f'"{word}" {meaning}' in read, word
        # At 80x24 the changes are below the fold; c brings them into view.
        preview_box = screen.query_one("#import-preview")
        assert preview_box.scroll_y == 0
        await pilot.press("c")
        await pilot.pause()
        assert preview_box.scroll_y > 0
        assert screen.query_one("#import-updates", Static).region.y < 24
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, PeopleScreen))
        await app.workers.wait_for_complete()

    run(demo_store, steps)
    store = Store.open(demo_store.path)
    people = {p.name: p for p in store.people.all()}
    nerisa = next(i for i in store.institutions.all() if i.name == "Børnehaven Nerisa")
    karen = people["Karen Berg"]
    assert (karen.id, karen.qualification, karen.institution_id) == (
        "p-karen", Qualification.PEDAGOGUE, nerisa.id)
    assert people["Bo Mikkelsen"].institution_id == nerisa.id
    assert (people["Ane Kristiansen"].role, people["Ane Kristiansen"].qualification) == (
        Role.EMPLOYEE, Qualification.PEDAGOGICAL_ASSISTANT)
    assert people["Dina Lund"].role is Role.CHILDMINDER
    assert store.people.count() == 54 + 1 + 4


def test_a_named_pipe_is_refused_on_the_screen_without_hanging(demo_store: Store,
                                                              home: Path) -> None:
    os.mkfifo(home / "pipe.csv")

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await open_import(app, pilot)
        await pilot.press(*"~/pipe.csv", "enter")
        await until(pilot, lambda: "cannot be imported" in text(app, "#import-message"))
        message = " ".join(text(app, "#import-message").split())
        assert f"{home / 'pipe.csv'} is a named pipe (FIFO), not a regular file" in message

    run(demo_store, steps)
    assert Store.open(demo_store.path).people.count() == 54
