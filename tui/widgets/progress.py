"""Progress from a thread worker to the screen, without flooding the UI thread."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.worker import get_current_worker

Progress = Callable[[int, int], None]


def throttled(app: App[object], show: Progress) -> Progress:
    """A ``progress(done, total)`` for store code running in the current thread worker.

    Only whole-percent steps reach ``show`` (each is a round trip to the UI thread), and
    none once the worker is cancelled.
    """
    worker = get_current_worker()
    shown = -1

    def progress(done: int, total: int) -> None:
        nonlocal shown
        step = done * 100 // total if total else 100
        if step != shown and not worker.is_cancelled:
            shown = step
            app.call_from_thread(show, done, total)

    return progress
