"""Progress from a thread worker to the screen, without flooding the UI thread."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import App
from textual.worker import get_current_worker

Progress = Callable[[int, int], None]

# The bar moves at most this often: each step is a repaint sent down the wire.
EVERY = 0.1


def throttled(app: App[object], show: Progress) -> Progress:
    """A ``progress(done, total)`` for store code running in the current thread worker.

    Only whole-percent steps, at most one each ``EVERY`` seconds and the last, reach
    ``show``, and none once the worker is cancelled. They are posted to the UI thread,
    not waited for: waiting for its round trip while it painted made the worker's
    national report half a second slower.
    """
    worker = get_current_worker()
    shown, at = -1, 0.0

    def progress(done: int, total: int) -> None:
        nonlocal shown, at
        step = done * 100 // total if total else 100
        now = time.monotonic()
        if step != shown and (now - at >= EVERY or done >= total) \
                and not worker.is_cancelled:
            shown, at = step, now
            # post_message (under call_later) is Textual's thread-safe way in.
            app.call_later(show, done, total)

    return progress
