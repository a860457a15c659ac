"""Keys typed ahead go where they would have gone one at a time.

Over a slow link a user's keys arrive in one packet. Textual hands every key of it to
the widget that had the focus when the packet was read, before any of them is handled:
if the first key moves the focus (enter from a search field to its list, a key that
opens another screen), the rest still arrive at the widget left behind. A widget that
mixes in ``TypeAhead`` sends such keys on to where the focus is now, in their order.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget


def relayed(widget: Widget, event: events.Key) -> bool:
    """Send ``event`` on if the focus left ``widget`` after the key was handed to it.
    True when it was sent on: the caller does nothing more with it."""
    if not widget.is_attached:
        return False
    app = widget.app
    screen = app.screen
    target: Widget | None = screen.focused
    if target is widget or (screen is widget.screen and target is None):
        return False
    event.stop()
    event.prevent_default()
    # A new event: the one handed here has been stopped, and it carries this widget
    # as where it was sent.
    again = events.Key(event.key, event.character)
    (target or screen)._forward_event(again)
    return True


class TypeAhead:
    """Mixed in before the widget class: ``class Field(TypeAhead, Input)``. (Not a
    Widget itself: Textual would take its empty component styles for the widget's.)"""

    def on_key(self, event: events.Key) -> None:
        assert isinstance(self, Widget)
        relayed(self, event)
