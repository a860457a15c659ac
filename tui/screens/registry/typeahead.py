"""Keys typed ahead while a list reads what the next screen needs.

Over SSH a whole burst ("e", tab, "Nuuk") can arrive in one packet. The record a form
edits is read in a worker (never on the UI thread), and the keys after "e" arrive before
the form exists: they would run as the list's keys. While the read runs, a catcher has
the focus; it takes every key (no binding of the screen or the app fires, since the
focused widget consumes the key) and keeps it. Once the form is open and its first field
has the focus, the kept keys are typed into it in their order.

The app routes each key the moment it reads it, but a field handles its keys later, in
its own queue: so "/nuuk" enter "e" runs "e" before the field holds "nuuk". A list
therefore holds the keys at once and decides what to open after its search field and
its table have taken the keys typed before (``hold`` and ``after_keys``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from textual import events
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget

from tui.screens.base import StoreWork

R = TypeVar("R")


class KeyCatcher(Widget, can_focus=True):
    """Takes no room (tui/styles/registry.tcss)."""

    def __init__(self) -> None:
        super().__init__(classes="key-catcher")
        self.held: list[events.Key] = []
        self.before: Widget | None = None

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return True

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.held.append(event)


def after_keys(screen: Screen[Any], step: Callable[[], object],
               through: Sequence[MessagePump]) -> None:
    """Run ``step`` once the widgets ``through`` (a search field, a list), the screen and
    the app have handled every key routed to them so far: a key travels through each
    one's queue in turn, so ``step`` follows it through the same queues."""
    hops = [*through, screen, screen.app]

    def go(at: int) -> None:
        if at == len(hops):
            step()
        else:
            hops[at].call_later(go, at + 1)

    go(0)


def hold(screen: Screen[Any]) -> bool:
    """Keep the keys that follow until ``open_held`` or ``let_go``; False if they are
    kept already (this key is one of them: another open is under way)."""
    catcher = screen.query_one(KeyCatcher)
    if screen.focused is catcher:
        return False
    catcher.before = screen.focused
    screen.set_focus(catcher)
    return True


def focused(screen: Screen[Any]) -> Widget | None:
    """What has the focus for the user: while keys are kept, what had it before."""
    catcher = screen.query_one(KeyCatcher)
    return catcher.before if screen.focused is catcher else screen.focused


def _release(screen: Screen[Any]) -> list[events.Key]:
    catcher = screen.query_one(KeyCatcher)
    if screen.focused is catcher:
        before = catcher.before
        screen.set_focus(before if before is not None and before.is_attached else None)
    held, catcher.held = catcher.held, []
    return held


def let_go(screen: Screen[Any]) -> None:
    """Nothing opens after all: the kept keys go to the screen as they would have."""
    replay(screen, _release(screen))


def open_held(screen: Any, work: Callable[[], R], make: Callable[[R], Screen[Any]],
              callback: Callable[[Any], object] | None = None) -> None:
    """Read with ``work`` in a thread, then push the screen ``make`` builds from the
    result; the kept keys go to that screen, in order, once it has the focus."""
    assert isinstance(screen, StoreWork) and isinstance(screen, Screen)

    async def opened(result: R) -> None:
        held = _release(screen)
        dialog = make(result)
        await screen.app.push_screen(dialog, callback)
        replay(dialog, held)

    def failed(text: str) -> None:
        let_go(screen)
        screen.notify(text, severity="error", timeout=8)

    screen.run_store(work, lambda result: screen.call_later(opened, result),
                     failed=failed, group="open", exclusive=True)


def open_when_read(screen: Any, work: Callable[[], R], make: Callable[[R], Screen[Any]],
                   callback: Callable[[Any], object] | None = None) -> None:
    if hold(screen):
        open_held(screen, work, make, callback)


def replay(screen: Screen[Any], held: list[events.Key]) -> None:
    """Send the kept keys again once ``screen`` (the one now in front) has settled: it
    takes the focus for its first field when it comes to the front, after its mount, and
    a field selects its text on focus; a key typed before that would be overtaken."""
    if not held:
        return
    app = screen.app

    def send() -> None:
        for key in held:
            app.post_message(events.Key(key.key, key.character))

    after_keys(screen, send, [])
