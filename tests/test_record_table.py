"""The shared record table shows data as written and keeps the cursor on its record."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult

from tui.widgets.record_table import Column, RecordTable


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RecordTable([Column("Name"), Column("Days", 4)], id="t")


def test_brackets_in_names_are_data_not_markup_and_the_cursor_stays_on_its_row() -> None:
    async def scenario() -> None:
        app = TableApp()
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.query_one("#t", RecordTable)
            table.show_rows([("a", ("Hold [A]", 5)), ("b", ("[bold]Hold B[/bold]", 2))])
            await pilot.pause()
            assert str(table.get_cell_at((0, 0))) == "Hold [A]"
            assert str(table.get_cell_at((1, 0))) == "[bold]Hold B[/bold]"
            table.move_cursor(row=1)
            table.show_rows([("new", ("Aaa first", 1)), ("a", ("Hold [A]", 5)),
                             ("b", ("[bold]Hold B[/bold]", 2))])
            await pilot.pause()
            assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "b"

    asyncio.run(scenario())
