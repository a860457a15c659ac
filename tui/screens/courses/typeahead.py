"""Keys typed ahead: over a slow link they arrive in one packet ("2", "/nuuk", enter,
"e" ...), before the screen has read its data or opened the form they are meant for.
A screen holds the keys it cannot act on yet and sends them again, in order, once it
can, so that each does what it would have done typed one at a time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import events
from textual.screen import Screen

# How many refreshes a form may take to open and take the focus before held keys are
# sent anyway (to whatever then has it).
PATIENCE = 50


class TypeAhead:
    def __init__(self, screen: Screen[object]) -> None:
        self.screen = screen
        self.keys: list[tuple[str, str | None]] = []
        self._until: Callable[[], bool] | None = None

    @property
    def holding(self) -> bool:
        return self._until is not None

    def hold(self, until: Callable[[], bool]) -> None:
        """Keep keys from now until ``until()`` says they can be acted on."""
        self._until = until

    def take(self, event: events.Key) -> bool:
        """Keep ``event`` if the screen is holding keys; True if it was kept."""
        if self._until is None:
            return False
        self.keys.append((event.key, event.character))
        event.stop()
        event.prevent_default()
        return True

    def check(self, tries: int = 0) -> None:
        """Send the held keys if the moment has come; with ``tries``, look again after
        each refresh until it has (a form opening)."""
        if self._until is None:
            return
        if self._until() or tries >= PATIENCE:
            self.release()
        elif tries:
            self.screen.call_after_refresh(self.check, tries + 1)

    def release(self) -> None:
        keys, self.keys, self._until = self.keys, [], None
        app = self.screen.app
        for key, character in keys:
            app.post_message(events.Key(key, character))


def open_dialog(screen: Screen[object], typeahead: TypeAhead,
                flow: Callable[[], Awaitable[object]]) -> None:
    """Run ``flow`` (which opens a form or a question) in a worker; the keys typed right
    after the one that started it wait for the form to open and take the focus.

    The flow starts after the next refresh: by then every key of the packet has been
    read, so none of them slips into the form before it can take them.
    """
    typeahead.hold(lambda: screen.app.screen is not screen
                   and screen.app.screen.focused is not None)

    async def run() -> None:
        try:
            await flow()
        finally:
            if typeahead.holding:
                typeahead.release()

    screen.call_after_refresh(lambda: screen.run_worker(run(), group="dialog"))
