"""A record table whose cursor keys move it in its own turn.

A key bound to a table's action runs only after the key has passed the table and the
screen and reached the app, by which time the keys typed after it may have run: in a
burst "down down e", the "e" (the screen's key) would edit the row the cursor was on
before the moves. Moved here, in the table's own queue, the moves happen in the order
typed, and a screen can wait for them (``typeahead.after_keys``).
"""

from __future__ import annotations

from textual import events

from tui.widgets.record_table import RecordTable

MOVES = {
    "down": "cursor_down", "up": "cursor_up", "pagedown": "page_down", "pageup": "page_up",
    "home": "first_row", "end": "last_row",
}


class ListTable(RecordTable):
    def on_key(self, event: events.Key) -> None:
        action = MOVES.get(event.key)
        if action is not None and self.row_count:
            event.stop()
            event.prevent_default()
            getattr(self, f"action_{action}")()
