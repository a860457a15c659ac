"""Two administrators edit the same journal entry, or the same transfer note, at once.
The second save shows the first one's change field by field; whichever choice is made,
nothing either typed is lost silently, and a repeated ctrl+s asks again."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Awaitable, Callable

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.widgets import DataTable, Input

from tests.pilot import Desk, two_desks
from tests.test_live_journals import COURSE, apps, to_journal, to_journals
from tui.domain.journals import JournalEntry, TransferNote, TransferStage
from tui.screens.journals import entry as entry_module
from tui.screens.journals.entry import EntryScreen
from tui.screens.journals.journal import JournalScreen
from tui.screens.journals.transfer import TransferForm, TransferScreen
from tui.store.store import Store
from tui.widgets.changed_underneath import ChangedUnderneathScreen

ENTRY = "je-hd-dp-05-02"  # the journal's one entry in phase 2
# First by name among the course's participants; no transfer note yet in the demo.
FIRST = "p-hd-dp-04"
Steps = Callable[[Desk, Desk], Awaitable[None]]


@pytest.fixture(autouse=True)
def no_autosave_in_between(monkeypatch: pytest.MonkeyPatch) -> None:
    # The desks take turns by hand here; an automatic save in the middle of a turn
    # would change who saves first.
    monkeypatch.setattr(entry_module, "AUTOSAVE_SECONDS", 60.0)


def dialog_rows(desk: Desk) -> list[tuple[str, ...]]:
    screen = desk.app.screen
    assert isinstance(screen, ChangedUnderneathScreen), screen
    table = screen.query_one(DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


# -- a journal entry ---------------------------------------------------------------------


def run_entry(store: Store, steps: Steps) -> JournalEntry:
    async def main() -> None:
        async with two_desks(*apps(store)) as (a, b):
            for desk in (a, b):
                await to_journal(desk)
                await desk.press("e")  # the entry under the cursor
                await desk.until(lambda d=desk: isinstance(d.app.screen, EntryScreen))
            await steps(a, b)

    asyncio.run(main())
    return Store.open(store.path).journal_entries(COURSE).get(ENTRY)


async def retype_date(desk: Desk, text: str) -> None:
    screen = desk.app.screen
    with desk.app._context():
        screen.set_focus(screen.query_one("#entry-date", Input))
    await desk.press("ctrl+a", "ctrl+k", *text)


async def both_write(a: Desk, b: Desk) -> str:
    """A adds " A" to the text and leaves (saved); B meanwhile added " B" and a date."""
    original = Store.open(a.app.store.path).journal_entries(COURSE).get(ENTRY).text
    await a.press("end", "ctrl+end", *" A")
    await b.press("end", "ctrl+end", *" B")
    await retype_date(b, "01-03-2022")
    await a.press("escape")
    await a.until(lambda: isinstance(a.app.screen, JournalScreen))
    await b.press("ctrl+s")
    await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
    # Their text beside mine, cut where they differ; my date is not in question.
    (row,) = dialog_rows(b)
    assert row[0] == "Text" and row[1].endswith("af. A") and row[2].endswith("af. B")
    assert row[3] == "yours"
    title = str(b.app.screen.query_one("#underneath-title").render())
    assert "The journal entry was changed by" in title and "-20" in title
    return original


def choosing(*choice: str, expect: str) -> Steps:
    async def steps(a: Desk, b: Desk) -> None:
        original = await both_write(a, b)
        await b.press(*choice)
        await b.until(lambda: isinstance(b.app.screen, EntryScreen)
                      and not b.app.screen.dirty)
        stored = Store.open(a.app.store.path).journal_entries(COURSE).get(ENTRY)
        assert stored.text == original + expect
    return steps


def test_keep_mine_keeps_my_text_and_my_date(demo_store: Store) -> None:
    entry = run_entry(demo_store, choosing("m", expect=" B"))
    assert entry.date == dt.date(2022, 3, 1)


def test_take_theirs_keeps_their_text_and_still_my_date(demo_store: Store) -> None:
    entry = run_entry(demo_store, choosing("t", expect=" A"))
    assert entry.date == dt.date(2022, 3, 1)


def test_choosing_the_text_field_by_field(demo_store: Store) -> None:
    # space turns the text to theirs; enter saves as chosen.
    entry = run_entry(demo_store, choosing("space", "enter", expect=" A"))
    assert entry.date == dt.date(2022, 3, 1)


def test_a_repeated_save_of_the_entry_asks_again(demo_store: Store) -> None:
    async def steps(a: Desk, b: Desk) -> None:
        original = await both_write(a, b)
        for _attempt in range(2):
            await b.press("escape")  # back to the editor, with what was typed
            await b.until(lambda: isinstance(b.app.screen, EntryScreen))
            editor = b.app.screen
            assert editor.query_one("#entry-text").text == original + " B"
            stored = Store.open(a.app.store.path).journal_entries(COURSE).get(ENTRY)
            assert stored.text == original + " A"
            await b.press("ctrl+s")
            await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
        await b.press("m")
        await b.until(lambda: isinstance(b.app.screen, EntryScreen)
                      and not b.app.screen.dirty)

    entry = run_entry(demo_store, steps)
    assert entry.text.endswith(" B") and entry.date == dt.date(2022, 3, 1)


# -- a transfer note ---------------------------------------------------------------------


def run_note(store: Store, steps: Steps) -> TransferNote:
    async def main() -> None:
        async with two_desks(*apps(store)) as (a, b):
            for desk in (a, b):
                await to_journals(desk)
                await desk.press("t")
                await desk.until(lambda d=desk: isinstance(d.app.screen, TransferScreen)
                                 and d.app.screen.people)
                await desk.press("enter")  # the first participant's "Before"
                await desk.until(lambda d=desk: isinstance(d.app.screen, TransferForm))
            await steps(a, b)

    asyncio.run(main())
    (note,) = Store.open(store.path).transfer_notes(COURSE).where(
        person_id=FIRST, stage=TransferStage.BEFORE)
    return note


async def answer(desk: Desk, question: int, text: str) -> None:
    form = desk.app.screen
    assert isinstance(form, TransferForm)
    with desk.app._context():
        form.set_focus(form.query_one(f"#field-{form.fields[question].name}"))
    await desk.press("ctrl+a", *text)


def test_their_answer_and_mine_to_another_question_are_both_kept(demo_store: Store) -> None:
    async def steps(a: Desk, b: Desk) -> None:
        await answer(a, 0, "Travlt")
        await a.press("ctrl+s")
        await a.until(lambda: isinstance(a.app.screen, TransferScreen))
        await answer(b, 1, "Larm")
        await b.press("ctrl+s")
        await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
        (row,) = dialog_rows(b)
        assert row[1:] == ("Travlt", "(unchanged)", "theirs")
        await b.press("enter")
        await b.until(lambda: isinstance(b.app.screen, TransferScreen))

    note = run_note(demo_store, steps)
    assert (note.answers["own_practice"], note.answers["challenges"]) == ("Travlt", "Larm")


def both_answer(*choice: str) -> Steps:
    async def steps(a: Desk, b: Desk) -> None:
        await answer(a, 0, "Travlt")
        await a.press("ctrl+s")
        await a.until(lambda: isinstance(a.app.screen, TransferScreen))
        await answer(b, 0, "Roligt")
        await answer(b, 2, "Mere ro")
        for _attempt in range(2):  # the second ctrl+s asks again
            await b.press("ctrl+s")
            await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
            (row,) = dialog_rows(b)
            assert row[1:] == ("Travlt", "Roligt", "yours")
            if _attempt == 0:
                await b.press("escape")
                await b.until(lambda: isinstance(b.app.screen, TransferForm))
                assert b.app.screen.raw(b.app.screen.fields[0].name) == "Roligt"
        await b.press(*choice)
        await b.until(lambda: isinstance(b.app.screen, TransferScreen))
    return steps


def test_keep_mine_keeps_both_my_answers(demo_store: Store) -> None:
    note = run_note(demo_store, both_answer("m"))
    assert (note.answers["own_practice"], note.answers["expectations"]) == ("Roligt",
                                                                            "Mere ro")


def test_take_theirs_keeps_their_answer_and_still_my_other_one(demo_store: Store) -> None:
    note = run_note(demo_store, both_answer("t"))
    assert (note.answers["own_practice"], note.answers["expectations"]) == ("Travlt",
                                                                            "Mere ro")


# -- a participant's learning-goal ratings -----------------------------------------------


def test_their_rating_and_mine_of_another_goal_are_both_kept(demo_store: Store) -> None:
    """The first participant's ratings before the course, at both desks: A rates goal 1,
    B goal 2 and, like A, goal 3; B's save shows A's ratings, and m keeps B's 3."""
    from tui.screens.journals.ratings import GoalRatingForm, RatingsScreen

    async def main() -> None:
        async with two_desks(*apps(demo_store)) as (a, b):
            for desk in (a, b):
                await to_journals(desk)
                await desk.press("r")
                await desk.until(lambda d=desk: isinstance(d.app.screen, RatingsScreen)
                                 and d.app.screen.people)
                await desk.press("enter")  # the first participant's "Before"
                await desk.until(lambda d=desk: isinstance(d.app.screen, GoalRatingForm))
            await a.press("2", "tab", "tab", "4", "ctrl+s")
            await a.until(lambda: isinstance(a.app.screen, RatingsScreen))
            await b.press("tab", "3", "tab", "5", "ctrl+s")
            await b.until(lambda: isinstance(b.app.screen, ChangedUnderneathScreen))
            rows = dialog_rows(b)
            assert [r[1:] for r in rows] == [("2", "(unchanged)", "theirs"),
                                             ("4", "5", "yours")]
            await b.press("m")
            await b.until(lambda: isinstance(b.app.screen, RatingsScreen))

    asyncio.run(main())
    before = {r.goal_key: r.before for r in Store.open(demo_store.path).ratings(COURSE).all()
              if r.person_id == FIRST}
    assert (before["dp-1"], before["dp-2"], before["dp-3"]) == (2, 3, 5)
