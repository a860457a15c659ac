"""Journal text found from the command palette, across courses, with the hit in context."""

from __future__ import annotations

import asyncio

from tests.pilot import until
from tui.app import KuffertApp
from tui.screens.journals.journal import JournalScreen
from tui.screens.journals.search import JournalSearchScreen
from tui.store.store import Store
from tui.widgets.record_table import RecordTable


async def search_from_the_palette(app: KuffertApp, pilot, query: str) -> list[str]:
    """Type ``query`` into the command palette, take its journal search, and return the
    one hit's cells (course, journal, snippet)."""
    await app.workers.wait_for_complete()
    await pilot.press("ctrl+p", *query)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, JournalSearchScreen) and app.screen.hits)
    table = app.screen.query_one("#journal-hits", RecordTable)
    assert table.row_count == 1
    return [str(c) for c in table.get_row_at(0)]


def test_the_palette_searches_every_courses_journals(demo_store: Store) -> None:
    app = KuffertApp(demo_store, language="da", poll_interval=3600)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            course, _journal, snippet = await search_from_the_palette(
                app, pilot, "frokostbordet")
            assert "frokostbordet" in snippet and course.startswith("5-dages")
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, JournalScreen))
            assert app.screen.course_id == "c-horsens-vuggestue"

    asyncio.run(scenario())


def test_the_palette_finds_a_transfer_note_and_opens_the_transfer_notes(
        demo_store: Store) -> None:
    from tui.domain.journals import TransferNote, TransferStage
    from tui.screens.journals.transfer import TransferScreen

    course = "c-horsens-vuggestue"
    person = demo_store.people.get("p-hd-vg-02")
    demo_store.transfer_notes(course).add(TransferNote(
        course_id=course, person_id=person.id, stage=TransferStage.DURING,
        answers={"observations": "Bordskånerne hjalp de små"}))
    app = KuffertApp(demo_store, language="da", poll_interval=3600)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            _course, title, snippet = await search_from_the_palette(
                app, pilot, "bordskånerne")
            assert "Bordskånerne" in snippet and title.startswith(person.name[:8])
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, TransferScreen))

    asyncio.run(scenario())
