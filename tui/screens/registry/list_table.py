"""A record table whose cursor keys move it in its own turn.

A key bound to a table's action runs only after the key has passed the table and the
screen and reached the app, by which time the keys typed after it may have run: in a
burst "down down e", the "e" (the screen's key) would edit the row the cursor was on
before the moves. Moved here, in the table's own queue, the moves happen in the order
typed, and a screen can wait for them (``tui.widgets.type_ahead.after_keys``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual import events

from tui.widgets.record_table import Cell, RecordTable

MOVES = {
    "down": "cursor_down", "up": "cursor_up", "pagedown": "page_down", "pageup": "page_up",
    "home": "first_row", "end": "last_row",
}


class ListTable(RecordTable):
    """A RecordTable that also keeps the cursor on its line of the screen when the rows
    are shown again (a colleague's new row above it, say): refilling a DataTable
    scrolls it to the top, and the list would jump."""

    def show_rows(self, rows: Iterable[tuple[str, Sequence[Cell]]]) -> None:
        had_rows = self.row_count > 0
        old_row, old_y = self.cursor_row, self.scroll_y
        super().show_rows(rows)
        if not had_rows or not self.row_count:
            return
        target = max(0, round(old_y) + self.cursor_row - old_row)
        if target != round(self.scroll_y):
            # After the refill is laid out: until then the table cannot scroll that far.
            self.call_after_refresh(self.scroll_to, y=target, animate=False)

    def on_key(self, event: events.Key) -> None:
        action = MOVES.get(event.key)
        if action is not None and self.row_count:
            event.stop()
            event.prevent_default()
            getattr(self, f"action_{action}")()
