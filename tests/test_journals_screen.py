"""Journals driven as a participant drives them, at 80x24, on the real demo database:
a whole cycle typed in and found again after a restart, a PLF group journal, search."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from tests.pilot import until
from tui.app import KuffertApp
from tui.domain.journals import GoalOutcome, Phase
from tui.screens.journals.entry import EntryScreen
from tui.screens.journals.journal import JournalScreen
from tui.screens.journals.listing import JournalsScreen
from tui.screens.journals.members import MembersScreen
from tui.store.store import Store
from tui.widgets.form import FormScreen
from tui.widgets.phase_stepper import PhaseStepper
from tui.widgets.record_table import RecordTable

SIZE = (80, 24)
NURSERY = "c-horsens-vuggestue"
CHILDMINDING = "c-horsens-dagpleje"


@pytest.fixture
def db(demo_folder: Path) -> Path:
    return demo_folder / "k.json"


def run(db: Path, course_id: str, steps: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    """A new app on a freshly opened store, on the course's journals."""

    async def main() -> None:
        app = KuffertApp(Store.open(db), language="en", poll_interval=3600)
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            app.open_journals(course_id)
            await pilot.pause()
            assert isinstance(app.screen, JournalsScreen)
            await steps(pilot)

    asyncio.run(main())


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*[" " if c == " " else c for c in text])


def shown(pilot: Pilot[None]) -> str:
    """Everything the current screen shows in its Statics, as plain text."""
    return "\n".join(str(s.render()) for s in pilot.app.screen.query(Static))


def table_rows(pilot: Pilot[None], selector: str) -> list[list[str]]:
    table = pilot.app.screen.query_one(selector, RecordTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def write_entry(pilot: Pilot[None], text: str) -> None:
    await pilot.press("n")
    await until(pilot, lambda: isinstance(pilot.app.screen, EntryScreen))
    await type_text(pilot, text)
    await pilot.press("escape")
    await until(pilot, lambda: isinstance(pilot.app.screen, JournalScreen))
    await pilot.pause()


async def add_goal(pilot: Pilot[None], text: str) -> None:
    await pilot.press("g")
    await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    await type_text(pilot, text)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(pilot.app.screen, JournalScreen))
    await pilot.pause()


async def evaluate(pilot: Pilot[None], downs: int, comment: str) -> None:
    """Answer the open evaluation form: the outcome (``downs`` places down the list)."""
    await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    await pilot.press("enter")  # opens the outcome's list
    await pilot.pause()
    await pilot.press(*["down"] * downs, "enter")
    await pilot.press("tab")
    await type_text(pilot, comment)
    await pilot.press("ctrl+s")
    await pilot.pause()


# Short: the pilot types them one key at a time.
WONDER = "Quiet?"
GOALS = ("All talk", "Ask more")
ACTION = "Tables"
OBSERVATION = "Ida: bird"


def test_a_whole_cycle_is_typed_in_and_is_there_after_a_restart(db: Path) -> None:
    async def write(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        # Kept by one participant (the default); the first participant by name.
        await pilot.press("tab", "enter")
        await pilot.pause()
        await pilot.press("down", "enter", "tab", "tab")
        await type_text(pilot, "Lunch")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, JournalScreen))
        screen = app.screen
        assert isinstance(screen, JournalScreen)
        assert screen.phase is Phase.WONDER
        await until(pilot, lambda: "Lunch" in shown(pilot))
        await until(pilot, lambda: "Amalie Høj" in shown(pilot))

        await write_entry(pilot, WONDER)
        await pilot.press("right", "right")
        assert screen.phase is Phase.GOALS
        for goal in GOALS:
            await add_goal(pilot, goal)
        # The list is read again after the save, a moment after the form has closed.
        await until(pilot, lambda: "[ ] Goal 1: " + GOALS[0] in shown(pilot))
        await until(pilot, lambda: "Goals without an evaluation: 2 in cycle 1" in shown(pilot))
        await pilot.press("right", "right")
        await write_entry(pilot, ACTION)
        await pilot.press("right")
        await write_entry(pilot, OBSERVATION)
        assert screen.phase is Phase.OBSERVATION
        await until(pilot, lambda: OBSERVATION in shown(pilot))

        # Evaluating asks for one goal after the other and shows phase 8.
        await pilot.press("v")
        await evaluate(pilot, 1, "Mostly")
        await evaluate(pilot, 2, "Busy")
        await until(pilot, lambda: isinstance(app.screen, JournalScreen))
        await pilot.pause()
        assert screen.phase is Phase.EVALUATION
        text = shown(pilot)
        assert "[✓] Goal 1: " + GOALS[0] in text
        assert "[~] Goal 2: " + GOALS[1] in text
        assert "1 of 2 goals reached, 1 partly" in text
        assert "Every goal is evaluated." in text

    run(db, NURSERY, write)

    # A new app on a newly opened store: everything typed is in the file.
    store = Store.open(db)
    (journal,) = [j for j in store.journals(NURSERY).all() if j.title == "Lunch"]
    assert journal.person_id == "p-hd-vg-12" and not journal.member_ids
    entries = {e.phase: e for e in store.journal_entries(NURSERY).where(journal_id=journal.id)}
    assert {p: e.text for p, e in entries.items()} == {
        Phase.WONDER: WONDER, Phase.ACTION: ACTION, Phase.OBSERVATION: OBSERVATION}
    assert all(e.cycle == 1 and e.author == "Amalie Høj" and e.date for e in entries.values())
    goals = sorted(store.journal_goals(NURSERY).where(journal_id=journal.id),
                   key=lambda g: g.created_at)
    assert [(g.text, g.outcome, g.comment) for g in goals] == [
        (GOALS[0], GoalOutcome.REACHED, "Mostly"),
        (GOALS[1], GoalOutcome.PARTLY, "Busy"),
    ]

    async def read_again(pilot: Pilot[None]) -> None:
        app = pilot.app
        rows = table_rows(pilot, "#journals-table")
        (row,) = [r for r in rows if r[0] == "Lunch"]
        # Entries in phases 1, 5 and 6, and goals set (3) and evaluated (8): 5 of 9.
        assert row[1:] == ["Amalie Høj", "5/9 · cycle 1", "0"]
        table = app.screen.query_one("#journals-table", RecordTable)
        table.move_cursor(row=rows.index(row))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, JournalScreen))
        await pilot.pause()
        # It opens where the writer left off, with the phases written marked.
        assert app.screen.phase is Phase.OBSERVATION
        strip = str(app.screen.query_one(PhaseStepper).render())
        # Phase 3 has its goals and phase 8 their evaluations: both ticked too.
        assert strip.startswith("1✓ › 2 › 3✓ › 4 › 5✓ › [6 Observation ✓] › 7 › 8✓")
        await until(pilot, lambda: OBSERVATION in shown(pilot))
        await pilot.press("left", "left", "left", "left", "left")
        assert app.screen.phase is Phase.WONDER
        await until(pilot, lambda: WONDER in shown(pilot))

    run(db, NURSERY, read_again)


def test_a_plf_group_journal_of_three_participants(db: Path) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("enter")  # the list of "kept by"
        await pilot.pause()
        await pilot.press("down", "enter", "tab", "tab")
        await type_text(pilot, "PLF Sun")
        await pilot.press("tab")
        await type_text(pilot, "Goodbyes")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))
        # Saving with nobody ticked says why instead of saving.
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, MembersScreen)
        await until(pilot, lambda: "at least one member" in shown(pilot))
        await pilot.press("space", "down", "enter", "down", "space")
        options = app.screen.query_one(OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(4)] == [
            "[x] Amalie Høj", "[x] Emma Kjeldsen", "[x] Ida Søndergaard", "[ ] Julie Brandt"]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, JournalScreen))
        await pilot.pause()
        await until(pilot, lambda: "PLF: PLF Sun" not in shown(pilot))
        await until(pilot, lambda: "PLF Sun (3) · Goodbyes" in shown(pilot))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, JournalsScreen))
        rows = table_rows(pilot, "#journals-table")
        assert ["Goodbyes", "PLF Sun (3)", "0/9 · cycle 1", "0"] in rows

    run(db, NURSERY, steps)
    store = Store.open(db)
    (journal,) = [j for j in store.journals(NURSERY).all() if j.group_name == "PLF Sun"]
    assert journal.person_id is None
    names = {p.id: p.name for p in store.people.all()}
    assert [names[m] for m in journal.member_ids] == [
        "Amalie Høj", "Emma Kjeldsen", "Ida Søndergaard"]


def test_search_finds_a_word_in_an_entry_and_shows_it_in_context(db: Path) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        # The privacy note is on the screen the whole time.
        await until(pilot, lambda: "not recognisable children" in shown(pilot))
        await pilot.press("slash")
        # Spelled without "å": the demo entry says "Gråden".
        await type_text(pilot, "graaden")
        await pilot.pause()
        rows = table_rows(pilot, "#hits-table")
        assert len(rows) == 1
        journal, phase, found = rows[0]
        assert journal.startswith("Tryghed ved") and phase == "6 Observation"
        assert "Gråden varer" in found
        context = str(app.screen.query_one("#hit-context", Static).render())
        assert "1 entry found" in context and "Gråden varer nu typisk" in context
        await until(pilot, lambda: "not recognisable children" in shown(pilot))
        # Enter leaves the search field for the results; enter again opens the entry.
        await pilot.press("enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, JournalScreen))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, JournalScreen)
        assert screen.phase is Phase.OBSERVATION
        item = screen.query_one("#phase-items").highlighted_child  # type: ignore[attr-defined]
        assert item is not None and "Gråden varer" in item.entry.text
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, JournalsScreen))
        # Escape in the list clears the search and the journals come back.
        await pilot.press("escape")
        assert app.screen.query_one("#journals-table").display
        assert len(table_rows(pilot, "#journals-table")) == 2

    run(db, CHILDMINDING, steps)


def test_deleting_a_journal_asks_first_and_takes_its_entries(db: Path) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        rows = table_rows(pilot, "#journals-table")
        assert rows[0][0] == "Sprog i hverdagens rutiner"
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert len(table_rows(pilot, "#journals-table")) == 2
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: len(table_rows(pilot, "#journals-table")) == 1)
        assert isinstance(app.screen, JournalsScreen)

    run(db, CHILDMINDING, steps)
    store = Store.open(db)
    assert store.journals(CHILDMINDING).find("j-hd-dp-05") is None
    assert not store.journal_entries(CHILDMINDING).where(journal_id="j-hd-dp-05")


def test_export_writes_a_private_markdown_file(db: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "j.md"

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        field = app.screen.query_one("#field-path")
        assert field.value == f"~/kuffert-journals-{CHILDMINDING}.md"  # type: ignore[attr-defined]
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "j.md")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: out.exists())
        await app.workers.wait_for_complete()

    run(db, CHILDMINDING, steps)
    assert out.stat().st_mode & 0o777 == 0o600
    text = out.read_text(encoding="utf-8")
    assert "Tryghed ved aflevering om morgenen" in text and "Sprog i hverdagens rutiner" in text


def test_a_new_cycle_starts_after_implementation_and_the_old_one_stays_readable(
        db: Path) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("enter")  # the PLF group's journal, written up to phase 8
        await until(pilot, lambda: isinstance(app.screen, JournalScreen))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, JournalScreen)
        assert (screen.cycle, screen.phase) == (1, Phase.EVALUATION)
        await pilot.press("c")  # not yet: phase 9 is not written
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen) and screen.cycle == 1
        await pilot.press("right")
        await write_entry(pilot, "Two tables")
        await until(pilot, lambda: "starts a new cycle" in shown(pilot))
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, EntryScreen))
        await type_text(pilot, "Nap time?")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, JournalScreen))
        await pilot.pause()
        assert (screen.cycle, screen.phase) == (2, Phase.WONDER)
        assert "Cycle 2 of 2" in shown(pilot) and "Nap time?" in shown(pilot)
        await pilot.press("less_than_sign")
        assert screen.cycle == 1
        assert "Cycle 1 of 2" in shown(pilot) and "Nap time?" not in shown(pilot)
        await pilot.press("greater_than_sign")
        assert screen.cycle == 2

    run(db, NURSERY, steps)
    found = {(e.cycle, e.phase, e.text) for e in
             Store.open(db).journal_entries(NURSERY).where(journal_id="j-hd-vg-plf")}
    assert (1, Phase.IMPLEMENTATION, "Two tables") in found
    assert (2, Phase.WONDER, "Nap time?") in found


def test_an_entry_is_deleted_only_after_a_yes(db: Path) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("enter")  # "Sprog i hverdagens rutiner", at phase 2
        await until(pilot, lambda: isinstance(app.screen, JournalScreen))
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("escape")  # no
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await until(pilot, lambda: "Nothing written in this phase yet" in shown(pilot))

    run(db, CHILDMINDING, steps)
    left = Store.open(db).journal_entries(CHILDMINDING).where(journal_id="j-hd-dp-05")
    assert [e.phase for e in left] == [Phase.WONDER]
