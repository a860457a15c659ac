"""Programmes driven by keys at 80x24 on a real demo database: a new programme, its topic
catalogue filled from the suitcase, a learning goal, and a delete that is refused."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Awaitable, Callable

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.pilot import until
from tui.app import KuffertApp
from tui.resources import load_json
from tui.screens.registry.catalogue_kinds import GoalsScreen, TopicsScreen
from tui.screens.registry.programme_forms import parse_amount
from tui.screens.registry.programmes import ProgrammesScreen
from tui.store.store import Store
from tui.widgets.form import FormScreen

SIZE = (80, 24)
NAME = "Init 4: Dp"

Steps = Callable[[KuffertApp, Pilot[None]], Awaitable[None]]


def run(store: Store, steps: Steps) -> None:
    app = KuffertApp(store, language="en", poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.app.workers.wait_for_complete()
            await steps(app, pilot)

    asyncio.run(main())


def table_rows(app: KuffertApp, selector: str) -> dict[str, list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return {str(k.value): [str(c) for c in table.get_row(k)] for k in table.rows}


def cursor(app: KuffertApp, selector: str) -> str:
    table = app.screen.query_one(selector, DataTable)
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


async def to_programmes(app: KuffertApp, pilot: Pilot[None]) -> None:
    await pilot.press("4")
    await until(pilot, lambda: isinstance(app.screen, ProgrammesScreen)
                and table_rows(app, "#programmes-table"))


def stored(store: Store, name: str = NAME):
    return next(p for p in Store.open(store.path).programmes.all() if p.name == name)


def test_a_new_programme_gets_the_suitcase_topics_and_a_learning_goal(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_programmes(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press(*NAME, "tab", "tab", *"1-1-26", "tab", *"1-1-25", "ctrl+s")
        await pilot.pause()
        # The period ends before it starts: said under the field, not saved.
        error = str(app.screen.query_one("#error-period_end", Static).render())
        assert "cannot end before it starts" in error
        await pilot.press("backspace", "7", "tab", "tab", "2", "tab", *"2,5", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ProgrammesScreen)
                    and any(r[0] == NAME for r in table_rows(app, "#programmes-table").values()))
        programme = stored(demo_store)
        assert (programme.period_start, programme.period_end) == (
            dt.date(2026, 1, 1), dt.date(2027, 1, 1))
        assert programme.target_participants == 2
        assert programme.substitute_hourly_rate == 2.5
        assert cursor(app, "#programmes-table") == programme.id

        # t: the topic catalogue; s fills in the suitcase's topics.
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TopicsScreen))
        assert table_rows(app, "#catalogue-table") == {}
        await pilot.press("s")
        await until(pilot, lambda: len(table_rows(app, "#catalogue-table")) == 5)
        suitcase = load_json("topics.json")["suitcase"]
        assert [t.key for t in stored(demo_store).topics] == [t["key"] for t in suitcase]
        assert [t.cross_cutting for t in stored(demo_store).topics] == [
            False, False, False, False, True]
        await pilot.press("s")  # again: nothing is doubled
        await until(pilot, lambda: any("already" in n.message for n in app._notifications))
        assert len(stored(demo_store).topics) == 5
        # A topic of its own, with a key made from its name.
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press(*"Sprog å", "ctrl+s")
        await until(pilot, lambda: len(table_rows(app, "#catalogue-table")) == 6)
        assert stored(demo_store).topics[-1].key == "sprog_aa"
        await pilot.press("escape")

        # g: learning goals, per audience.
        await until(pilot, lambda: isinstance(app.screen, ProgrammesScreen))
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, GoalsScreen))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        # The audience is picked from a list (third: childminders), never typed as a key.
        await pilot.press("enter", "down", "down", "down", "enter", "tab", *"Kan lege",
                          "ctrl+s")
        await until(pilot, lambda: len(table_rows(app, "#catalogue-table")) == 1)
        (goal_row,) = table_rows(app, "#catalogue-table").values()
        assert goal_row[0] == "Childminders"

    run(demo_store, steps)
    goals = stored(demo_store).learning_goals
    assert [(g.audience, g.text) for g in goals] == [("childminding", "Kan lege")]
    assert goals[0].key == "childminding-1"


def test_a_programme_with_courses_is_not_deleted(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_programmes(app, pilot)
        await pilot.press("delete")
        await until(pilot, lambda: any("still has" in n.message for n in app._notifications))
        assert isinstance(app.screen, ProgrammesScreen)  # no question: there is nothing to ask

    run(demo_store, steps)
    assert Store.open(demo_store.path).programmes.count() == 2


def test_amounts_are_read_as_written_in_danish() -> None:
    assert parse_amount("250").value == 250
    assert parse_amount("1 250,50 kr.").value == 1250.5
    assert parse_amount("").value is None
    assert parse_amount("mange").error is not None
