"""Text fields whose editing keys keep their place among the letters typed after them.

A text field inserts a letter in its own queue, but runs a key bound to it (backspace,
ctrl+k, home, arrows) only after the key has bubbled up to the app: in a burst typed
over a slow link, "ctrl+a ctrl+k 555" became "555" deleted by the late ctrl+k. These
fields run their own bindings the moment the key reaches them. The rest of the
type-ahead is ``tui.widgets.type_ahead``.

``SearchField`` is one that searches as it is typed in, in the same frame as the letter.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.message import Message
from textual.widgets import Input, TextArea


async def _own_binding(widget: Input | TextArea, event: events.Key) -> bool:
    if event.is_printable:
        return False
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        # Priority bindings were run by the app before the key got here.
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


class OrderedInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        if not await _own_binding(self, event):
            await super()._on_key(event)


class OrderedTextArea(TextArea):
    async def _on_key(self, event: events.Key) -> None:
        if not await _own_binding(self, event):
            await super()._on_key(event)


class SearchField(OrderedInput):
    """A search-as-you-type field that runs ``search`` the moment its value changes (as
    it announces the change), not when the screen reads the bubbled ``Input.Changed``.

    By then the field had asked the screen to repaint it: the screen painted the letter
    alone, and the list and count line the search changed came a frame period later
    (1/60 s; ~20-30 ms a key at national scale). Run here, inside the key's handling,
    their repaints reach the screen with the field's, and one frame shows all three.
    A change made under ``prevent(Input.Changed)`` searches no more than it did."""

    def __init__(self, search: Callable[[], object], *, placeholder: str = "",
                 id: str | None = None, compact: bool = False) -> None:
        super().__init__(placeholder=placeholder, id=id, compact=compact)
        self._search = search

    def post_message(self, message: Message) -> bool:
        posted = super().post_message(message)
        if posted and isinstance(message, Input.Changed):
            self._search()
        return posted
