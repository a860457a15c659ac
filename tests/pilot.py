"""Helpers for driving the app with Textual's Pilot."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable

from textual.app import App
from textual.pilot import Pilot


async def until(pilot: Pilot[None], condition: Callable[[], object], seconds: float = 10) -> None:
    """Wait for what a worker or a message will show, without a fixed sleep.

    The time is wall-clock, so a loaded CI machine gets the same allowance. A condition
    that raises (a row not drawn yet, a widget not mounted yet) means "not yet"; if the
    time runs out, its last error is what the test reports.
    """
    deadline = time.monotonic() + seconds
    last: Exception | None = None
    while True:
        try:
            if condition():
                return
            last = None
        except Exception as error:
            last = error
        if time.monotonic() > deadline:
            if last is not None:
                raise last
            raise AssertionError("the screen did not change in time")
        await pilot.pause(0.02)


class Desk:
    """One administrator's terminal, for tests that run two apps on one database.

    Textual finds "the app" through a context variable; the test's own task would see
    whichever app started last, so each desk's keys are pressed in its app's context.
    """

    def __init__(self, app: App[None], pilot: Pilot[None]) -> None:
        self.app = app
        self.pilot = pilot

    async def press(self, *keys: str) -> None:
        with self.app._context():
            await self.pilot.press(*keys)

    async def until(self, condition: Callable[[], object], seconds: float = 10) -> None:
        with self.app._context():
            await until(self.pilot, condition, seconds)

    async def settle(self) -> None:
        with self.app._context():
            await self.pilot.app.workers.wait_for_complete()
            await self.pilot.pause()


@contextlib.asynccontextmanager
async def two_desks(
    first: App[None], second: App[None], size: tuple[int, int] = (80, 24),
) -> AsyncIterator[tuple[Desk, Desk]]:
    async with first.run_test(size=size) as one, second.run_test(size=size) as two:
        a, b = Desk(first, one), Desk(second, two)
        await a.settle()
        await b.settle()
        yield a, b


def burst(app: App[None], *keys: str) -> None:
    """Post keys all at once, as they arrive when typed ahead over a slow link (Pilot's
    press waits for each key to be handled before the next)."""
    from textual import events

    for key in keys:
        character = {"space": " "}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


def packet(app: App[None], text: str) -> None:
    """Post the keys of ``text`` as the app's terminal driver reads them from one packet
    (escape is "\\x1b"): unlike ``burst``, keys that share a packet are parsed together."""
    import time

    from textual._xterm_parser import XTermParser

    parser = getattr(app.driver_class, "parser", XTermParser)()
    keys = list(parser.feed(text))
    time.sleep(0.15)  # a lone escape at the end is one once the escape delay has passed
    keys += list(parser.tick())
    for key in keys:
        app.post_message(key)
