"""Keys typed ahead over a slow link arrive in one packet, even before a screen has read
its data; in the journal screens they do what they would one at a time."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual import events
from textual.pilot import Pilot

from tests.pilot import until
from tests.test_journals_screen import CHILDMINDING, NURSERY, db  # noqa: F401
from tui.app import KuffertApp
from tui.domain.journals import TRANSFER_QUESTIONS, Phase, TransferStage
from tui.screens.journals.journal import JournalScreen
from tui.screens.journals.listing import JournalsScreen
from tui.screens.journals.members import MembersScreen
from tui.screens.journals.ratings import RatingsScreen
from tui.screens.journals.transfer import TransferForm, TransferScreen
from tui.store.store import Store
from tui.widgets.form import FormScreen
from tui.widgets.record_table import RecordTable


def burst(app: KuffertApp, *keys: str) -> None:
    """All at once, with no pause between them, as one packet from the terminal."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


def run(db: Path, steps: Callable[[KuffertApp, Pilot[None]], Awaitable[None]]) -> None:  # noqa: F811
    async def main() -> None:
        app = KuffertApp(Store.open(db), language="en", poll_interval=3600)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await steps(app, pilot)

    asyncio.run(main())


def test_keys_typed_before_the_list_is_read_open_the_journal_they_name(db: Path) -> None:  # noqa: F811
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        app.open_journals(CHILDMINDING)
        # Down to the second journal by title, and open it: before the list is read.
        burst(app, "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, JournalScreen)
                    and app.screen.journal is not None)
        assert app.screen.journal.title == "Tryghed ved aflevering om morgenen"

    run(db, steps)


def test_a_search_typed_in_one_go_opens_the_entry_found(db: Path) -> None:  # noqa: F811
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        app.open_journals(CHILDMINDING)
        await until(pilot, lambda: isinstance(app.screen, JournalsScreen)
                    and app.screen.data.journals)
        # The slash, the word (without "å": the entry says "Gråden"), enter to the
        # results and enter to open: all in one packet.
        burst(app, "slash", *"graaden", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, JournalScreen)
                    and app.screen.journal is not None)
        await pilot.pause()
        assert app.screen.phase is Phase.OBSERVATION

    run(db, steps)


def test_ticks_and_moves_in_one_go_choose_every_member_they_name(db: Path) -> None:  # noqa: F811
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        app.open_journals(NURSERY)
        await until(pilot, lambda: isinstance(app.screen, JournalsScreen)
                    and app.screen.data.journals)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("enter")  # the list of "kept by"
        await pilot.pause()
        await pilot.press("down", "enter", "tab", "tab", *"PLF Sol", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))
        people = app.screen.people
        burst(app, "space", "down", "space", "down", "space", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, JournalScreen)
                    and app.screen.journal is not None)
        await pilot.pause()
        (journal,) = [j for j in Store.open(app.store.path).journals(NURSERY).all()
                      if j.group_name == "PLF Sol"]
        assert journal.member_ids == [pid for pid, _name in people[:3]]

    run(db, steps)


def test_moves_and_enter_before_the_transfer_forms_are_read(db: Path) -> None:  # noqa: F811
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        app.open_journals(CHILDMINDING)
        await until(pilot, lambda: isinstance(app.screen, JournalsScreen)
                    and app.screen.data.journals)
        # t opens the forms; the second participant's "After" is two stages to the
        # right of "Before", where the cursor starts.
        burst(app, "t", "down", "right", "right", "enter")
        await until(pilot, lambda: isinstance(app.screen, TransferForm)
                    and app.screen.is_mounted)
        await pilot.pause()
        title = str(app.screen.query_one("#form-title").render())
        assert title == "After the course: Birthe Kristensen"
        # The questions of the stage after the course.
        assert app.screen.fields[0].name == TRANSFER_QUESTIONS[TransferStage.AFTER][0][0]

    run(db, steps)


async def opened(app: KuffertApp, pilot: Pilot[None], key: str, screen_type: type) -> None:
    app.open_journals(CHILDMINDING)
    await until(pilot, lambda: isinstance(app.screen, JournalsScreen)
                and app.screen.data.journals)
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, screen_type)
                and app.screen.query_one(RecordTable).row_count > 0)


def test_a_transfer_note_typed_in_one_go_with_the_key_that_opens_it_is_saved(db: Path) -> None:  # noqa: F811
    first = "p-hd-dp-04"  # first by name; nothing filled in yet in the demo

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await opened(app, pilot, "t", TransferScreen)
        burst(app, "enter", *"Kept", "ctrl+s")
        await until(pilot, lambda: Store.open(db).transfer_notes(CHILDMINDING).where(
            person_id=first, stage=TransferStage.BEFORE))
        await until(pilot, lambda: isinstance(app.screen, TransferScreen))

    run(db, steps)
    (note,) = Store.open(db).transfer_notes(CHILDMINDING).where(
        person_id=first, stage=TransferStage.BEFORE)
    assert note.answers[TRANSFER_QUESTIONS[TransferStage.BEFORE][0][0]] == "Kept"


def test_ratings_typed_in_one_go_with_the_key_that_opens_them_are_saved(db: Path) -> None:  # noqa: F811
    first = "p-hd-dp-04"

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await opened(app, pilot, "r", RatingsScreen)
        goals = len(app.screen.goals)
        burst(app, "enter", *[k for _goal in range(goals) for k in ("3", "tab")], "ctrl+s")
        await until(pilot, lambda: len([r for r in Store.open(db).ratings(CHILDMINDING).where(
            person_id=first) if r.before is not None]) == goals)
        await until(pilot, lambda: isinstance(app.screen, RatingsScreen))

    run(db, steps)
    assert {r.before for r in Store.open(db).ratings(CHILDMINDING).where(person_id=first)} \
        == {3}


def test_a_goal_typed_in_one_go_with_the_key_that_opens_it_is_saved(db: Path) -> None:  # noqa: F811
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        app.open_journals(CHILDMINDING)
        await until(pilot, lambda: isinstance(app.screen, JournalsScreen)
                    and app.screen.data.journals)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, JournalScreen)
                    and app.screen.journal is not None)
        journal = app.screen.journal_id
        burst(app, "g", *"Ask more", "enter")
        await until(pilot, lambda: "Ask more" in [g.text for g in Store.open(db).journal_goals(
            CHILDMINDING).where(journal_id=journal)])
        await until(pilot, lambda: isinstance(app.screen, JournalScreen))

    run(db, steps)
