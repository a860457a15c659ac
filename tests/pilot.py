"""Helpers for driving the app with Textual's Pilot."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot


async def until(pilot: Pilot[None], condition: Callable[[], object], seconds: float = 5) -> None:
    """Wait for what a worker or a message will show, without a fixed sleep."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the screen did not change in time")
