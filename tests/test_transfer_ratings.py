"""Transfer forms and learning-goal ratings, filled in with the keys at 80x24 on the
demo database, then read back from the file."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot
from textual.widgets import Static

from tests.pilot import until
from tui.app import KuffertApp
from tui.domain.journaling import rating_changes
from tui.domain.journals import TransferStage
from tui.screens.journals.listing import JournalsScreen
from tui.screens.journals.ratings import RatingsScreen
from tui.screens.journals.transfer import TransferScreen
from tui.store.store import Store
from tui.widgets.form import FormScreen
from tui.widgets.record_table import RecordTable

COURSE = "c-horsens-dagpleje"
# First by name among the course's participants; nothing filled in yet in the demo.
FIRST = ("p-hd-dp-04", "Anja Thomsen")
BEFORE = [2, 3, 1, 2, 3, 2, 1]
AFTER = [4, 4, 3, 4, 5, 3, 3]


@pytest.fixture
def db(demo_folder: Path) -> Path:
    return demo_folder / "k.json"


def run(db: Path, key: str, steps: Callable[[Pilot[None]], Awaitable[None]],
        lang: str = "en") -> None:
    async def main() -> None:
        app = KuffertApp(Store.open(db), language=lang, poll_interval=3600)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            app.open_journals(COURSE)
            await pilot.pause()
            assert isinstance(app.screen, JournalsScreen)
            await pilot.press(key)
            await pilot.pause()
            await steps(pilot)

    asyncio.run(main())


def rows(pilot: Pilot[None], selector: str) -> dict[str, list[str]]:
    table = pilot.app.screen.query_one(selector, RecordTable)
    found = {}
    for i in range(table.row_count):
        key = table.coordinate_to_cell_key((i, 0)).row_key.value  # type: ignore[arg-type]
        found[str(key)] = [str(cell) for cell in table.get_row_at(i)]
    return found


async def form_done(pilot: Pilot[None], screen_type: type) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, screen_type))


async def shows(pilot: Pilot[None], selector: str, row: list[str]) -> None:
    """The first participant's row, once the screen has read what the form saved (it
    reads in a worker after the form has closed)."""
    await until(pilot, lambda: rows(pilot, selector)[FIRST[0]] == row)


def test_ratings_before_and_after_and_the_change_per_goal(db: Path) -> None:
    demo = Store.open(db).ratings(COURSE).all()
    expected = rating_changes(demo)
    assert expected["dp-1"].n == 2

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app.screen, RatingsScreen)
        people = rows(pilot, "#ratings-people")
        assert people[FIRST[0]] == [FIRST[1], "–", "–"]
        assert people["p-hd-dp-01"][1:] == ["✓", "✓"]
        # The cursor starts on the first participant's "Before".
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        for value in BEFORE:
            await pilot.press(str(value), "tab")
        await pilot.press("ctrl+s")
        await form_done(pilot, RatingsScreen)
        await shows(pilot, "#ratings-people", [FIRST[1], "✓", "–"])
        await pilot.press("right", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        # A rating out of range is refused in words, and nothing is saved.
        await pilot.press("9", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "from 1 to 5" in str(app.screen.query_one("#error-dp-1", Static).render())
        await pilot.press("backspace")
        for value in AFTER:
            await pilot.press(str(value), "tab")
        await pilot.press("ctrl+s")
        await form_done(pilot, RatingsScreen)
        await shows(pilot, "#ratings-people", [FIRST[1], "✓", "✓"])
        changes = rows(pilot, "#ratings-changes")
        # Goal 1: the two demo participants, now joined by a third.
        before = (sum(r.before or 0 for r in demo if r.goal_key == "dp-1") + BEFORE[0]) / 3
        after = (sum(r.after or 0 for r in demo if r.goal_key == "dp-1") + AFTER[0]) / 3
        assert changes["dp-1"][0].startswith("1. Ved, hvordan læringsmiljøet")
        assert changes["dp-1"][1:] == [f"{before:.1f}", f"{after:.1f}",
                                       f"{after - before:+.1f}", "3"]

    run(db, "r", steps)
    store = Store.open(db)
    mine = {r.goal_key: (r.before, r.after) for r in store.ratings(COURSE).all()
            if r.person_id == FIRST[0]}
    assert mine == {f"dp-{n}": (b, a) for n, (b, a) in enumerate(zip(BEFORE, AFTER,
                                                                      strict=True), 1)}
    changes = rating_changes(store.ratings(COURSE).all())
    assert changes["dp-4"].n == 3
    assert changes["dp-4"].delta == pytest.approx(
        expected["dp-4"].delta * 2 / 3 + (AFTER[3] - BEFORE[3]) / 3)


def test_the_change_is_shown_with_a_decimal_comma_in_danish(db: Path) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        changes = rows(pilot, "#ratings-changes")
        assert changes["dp-1"][1:] == ["2,5", "4,0", "+1,5", "2"]

    run(db, "r", steps, lang="da")


def test_a_course_without_learning_goals_for_its_audience_says_so(db: Path) -> None:
    async def main() -> None:
        app = KuffertApp(Store.open(db), language="en", poll_interval=3600)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            app.push_screen(RatingsScreen("c-gl-f1-nuuk-2022"))
            await pilot.pause()
            message = str(app.screen.query_one("#ratings-empty", Static).render())
            assert "no learning goals" in message and "(Leaders and deputies)" in message
            await pilot.press("enter")  # nothing to rate: nothing opens
            assert isinstance(app.screen, RatingsScreen)

    asyncio.run(main())


def test_transfer_forms_filled_in_show_a_tick(db: Path) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app.screen, TransferScreen)
        table = rows(pilot, "#transfer-table")
        assert table["p-hd-dp-01"] == ["Helle Mortensen", "✓", "✓", "✓"]
        assert table[FIRST[0]] == [FIRST[1], "–", "–", "–"]
        # Before: the cursor starts there.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Busy", "tab", *"Noise")
        await pilot.press("ctrl+s")
        await form_done(pilot, TransferScreen)
        # After: two to the right.
        await pilot.press("right", "right", "enter")
        await pilot.pause()
        await pilot.press(*"Kept", "ctrl+s")
        await form_done(pilot, TransferScreen)
        await shows(pilot, "#transfer-table", [FIRST[1], "✓", "–", "✓"])
        # An emptied form is no longer counted as filled in.
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("end", *["backspace"] * 4)
        await pilot.press("ctrl+s")
        await form_done(pilot, TransferScreen)
        await shows(pilot, "#transfer-table", [FIRST[1], "✓", "–", "–"])

    run(db, "t", steps)
    notes = {n.stage: n.answers for n in Store.open(db).transfer_notes(COURSE).all()
             if n.person_id == FIRST[0]}
    assert notes[TransferStage.BEFORE]["own_practice"] == "Busy"
    assert notes[TransferStage.BEFORE]["challenges"] == "Noise"
    assert notes[TransferStage.AFTER]["anchoring"] == ""
    assert TransferStage.DURING not in notes
