"""Text fields whose editing keys keep their place among the letters typed after them.

A text field inserts a letter in its own queue, but runs a key bound to it (backspace,
ctrl+k, home, arrows) only after the key has bubbled up to the app: in a burst typed
over a slow link, "ctrl+a ctrl+k 555" became "555" deleted by the late ctrl+k. These
fields run their own bindings the moment the key reaches them
(tests/test_form_bursts.py). The rest of the type-ahead is ``tui.widgets.type_ahead``.
"""

from __future__ import annotations

from textual import events
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
