"""The small base every Kuffert screen stands on: the store, errors in words, store work
off the UI thread, and following what others change.

A screen says which files it shows (``watched``) and how to read them again
(``data_changed``); the app's one watcher does the looking. A screen's own writes are
``absorbed``: it already shows them, so they cause no second read and no repaint.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

from textual import events, on
from textual.dom import DOMNode
from textual.events import ScreenResume
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerFailed, get_current_worker

from tui.domain.schedule import ScheduleError
from tui.i18n import _
from tui.screens.live import Changes, DataChanged
from tui.store.errors import StaleRecord, StoreError
from tui.widgets.type_ahead import TypeAhead, after_keys, in_turn, open_dialog, opened_over

if TYPE_CHECKING:
    from tui.screens.host import Host
    from tui.store.store import Store

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S", bound="AsksInDialogs")
P = ParamSpec("P")

# What store work may raise that is the world's fault, not a bug: shown in words.
EXPECTED = (StoreError, ScheduleError, OSError, MemoryError)


def error_text(error: BaseException) -> str:
    """What went wrong, in words: store and schedule errors carry a translated message."""
    if isinstance(error, StaleRecord):
        return str(error) + " " + _("Your change was not saved; the screen shows theirs now.")
    if isinstance(error, StoreError | ScheduleError):
        return str(error)
    if isinstance(error, MemoryError):
        return _("The computer ran out of memory for this. Nothing saved was lost; "
                 "close other programs or choose fewer courses, and try again.")
    if isinstance(error, OSError):
        return f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
    raise error


def host_of(node: DOMNode) -> Host:
    return cast("Host", node.app)


async def in_thread(node: DOMNode, work_fn: Callable[[], T]) -> T:
    """Run store work off the UI thread and wait for it without blocking the screen.

    Raises what ``work_fn`` raised, so a dialog flow can catch a StoreError in place.
    """
    worker = node.run_worker(work_fn, thread=True, group="store", exit_on_error=False)
    try:
        return await worker.wait()
    except WorkerFailed as failed:
        raise failed.error from None


class StoreWork:
    """Store work for screens and dialogs: run in a thread, its result delivered on the UI
    thread unless the worker was cancelled (a newer read replaced it) or the screen left."""

    app: Any
    is_attached: bool
    run_worker: Any
    notify: Any

    @property
    def host(self) -> Host:
        return cast("Host", self.app)

    @property
    def store(self) -> Store:
        return self.host.store

    def run_store(
        self,
        work: Callable[[], R],
        done: Callable[[R], object],
        *,
        failed: Callable[[str], object] | None = None,
        group: str = "store",
        exclusive: bool = True,
    ) -> Worker[None]:
        def job() -> None:
            worker = get_current_worker()
            try:
                result = work()
            except EXPECTED as error:
                text = error_text(error)
                outcome: Callable[[], object] = lambda: (failed or self._show_error)(text)  # noqa: E731
            else:
                outcome = lambda: done(result)  # noqa: E731
            if not worker.is_cancelled:
                self.app.call_from_thread(self._deliver, worker, outcome)

        return cast(Worker[None], self.run_worker(
            job, thread=True, group=group, exclusive=exclusive, exit_on_error=False))

    @property
    def gone(self) -> bool:
        """Left, or the app closing: its widgets are being taken down, and showing
        anything there (a header's title, a list's rows) fails on parts already gone."""
        app = self.app
        # The app stops running before it takes any screen down (a test's end, or a
        # quit from elsewhere); a screen being closed is marked so before its parts go.
        return (not self.is_attached or self._closing or app.return_code is not None
                or not app.is_running)

    def _deliver(self, worker: Worker[None], outcome: Callable[[], object]) -> None:
        if worker.is_cancelled or self.gone:
            return
        outcome()

    def _show_error(self, text: str) -> None:
        self.notify(text, severity="error", timeout=8)


class KuffertScreen(StoreWork, Screen[T]):
    """A screen that shows stored data and follows others' changes to it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen: dict[str, int] = {}

    def watched(self) -> frozenset[str]:
        """The sources (``tui.screens.live``) whose change this screen must show."""
        return frozenset()

    def data_changed(self, changes: Changes) -> None:
        """Read again what ``changes`` touch and show it, keeping cursor, scroll and
        anything typed. Called on the UI thread; read in ``run_store``."""

    def mark_read(self, *sources: str) -> None:
        """Call with the sources just read (before reading them, so a change made
        during the read is seen next time): they are now what the screen shows."""
        self._seen.update(self.host.watcher.look(sources or self.watched()))

    absorb = mark_read  # after the screen's own write, which it already shows

    @property
    def following(self) -> bool:
        """Whether the screen has read what it shows yet (before that, nothing to follow)."""
        return bool(self._seen)

    def pending_changes(self) -> Changes:
        watched = self.watched()
        now = self.host.watcher.look(watched)
        return Changes(frozenset(s for s in watched if self._seen.get(s, -1) != now[s]))

    def follow_changes(self) -> None:
        changes = self.pending_changes()
        if changes:
            self.data_changed(changes)

    @on(DataChanged)
    def _others_changed(self, event: DataChanged) -> None:
        event.stop()
        self.follow_changes()

    @on(ScreenResume)
    def _back_in_front(self) -> None:
        # Beneath another screen this one read nothing (a read dirties it, and Textual
        # then repaints the whole screen on top): it catches up now.
        if self.following:
            self.follow_changes()


class TypeAheadScreen(KuffertScreen[T]):
    """A screen whose keys typed ahead wait for it (``tui.widgets.type_ahead``): until
    its data is read (``hold_until``), and while a form or a question it opens comes up
    (``dialog``, ``open_read``); a key bound on it is done when the screen reads it, in
    turn. Held keys go, in order, to the screen in front once they can be acted on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.typeahead = TypeAhead(self)

    async def on_mount(self) -> None:
        # After the screen's own parts (this runs after the screen's on_mount).
        await self.mount(self.typeahead.catcher)
        if self.typeahead.holding:
            # Held from the start (hold_until in __init__): the catcher takes the keys
            # from now, or keys typed right after the screen came up met no focus.
            self.set_focus(self.typeahead.catcher)

    def hold_keys(self) -> bool:
        """Keep the keys that follow until a dialog opens (``open_read``) or
        ``let_keys_go``; False if they are kept already (this key is one of them)."""
        if self.typeahead.holding:
            return False
        self.typeahead.hold(lambda: False)
        return True

    def after_typing(self, step: Callable[[], object], *through: MessagePump) -> None:
        """Hold the keys that follow, and run ``step`` once the widgets ``through`` (a
        search field, a list) have handled the keys typed before: for a priority key
        ("e" after "/aarh", enter, down) that acts on the row under the cursor. Nothing
        if the keys are held already (this key is one of them)."""
        if self.hold_keys():
            after_keys(self, step, through)

    def open_read(self, work: Callable[[], R], make: Callable[[R], Screen[Any]],
                  callback: Callable[[Any], object] | None = None) -> None:
        """Read with ``work`` in a thread, then open the screen ``make`` builds from the
        result (its answer to ``callback``); the keys held meanwhile go to it, in order,
        once it has the focus. A failed read is told in words and the keys let go.

        No worker waits for the answer: a dialog may stay open for long."""
        self.typeahead.hold(opened_over(self))

        def failed(text: str) -> None:
            self.let_keys_go()
            self._show_error(text)

        # The keys go once the screen, suspended under the new one, sees it focused.
        self.run_store(work, lambda result: self.app.push_screen(make(result), callback),
                       failed=failed, group="open", exclusive=True)

    def open_when_read(self, work: Callable[[], R], make: Callable[[R], Screen[Any]],
                       callback: Callable[[Any], object] | None = None) -> None:
        if self.hold_keys():
            self.open_read(work, make, callback)

    def hold_until(self, ready: Callable[[], bool]) -> None:
        """Keep the keys from now until ``ready()``; call ``keys_ready`` when it may be."""
        self.typeahead.hold(ready)

    def keys_ready(self) -> None:
        self.typeahead.check()

    def let_keys_go(self) -> None:
        """It will not be ready (its data cannot be read): the keys do what they can."""
        self.typeahead.release()

    def dialog(self, flow: Callable[[], Awaitable[object]]) -> None:
        """Run a flow that asks with a form or a question (see ``open_dialog``)."""
        open_dialog(self, self.typeahead, flow)

    async def on_key(self, event: events.Key) -> None:
        await in_turn(self, self.typeahead, event)

    def on_screen_suspend(self) -> None:
        self.typeahead.check(tries=1)  # a form opening over the screen

    # Tab moves the focus when the key arrives (the app's priority key): while keys
    # wait, it waits with them, and behind the keys a list has still to handle.
    def focus_next(self, selector: str | type[Widget] = "*") -> Widget | None:
        if self.typeahead.keep("tab") or self.typeahead.in_line("tab"):
            return self.focused
        return super().focus_next(selector)

    def focus_previous(self, selector: str | type[Widget] = "*") -> Widget | None:
        if self.typeahead.keep("shift+tab") or self.typeahead.in_line("shift+tab"):
            return self.focused
        return super().focus_previous(selector)


class AsksInDialogs(Protocol):
    def dialog(self, flow: Callable[[], Awaitable[object]]) -> None: ...


def dialog_flow(
    flow: Callable[Concatenate[S, P], Coroutine[Any, Any, object]],
) -> Callable[Concatenate[S, P], None]:
    """A screen's method that asks with forms or questions, started as a ``dialog``: the
    keys typed after the one that started it (over a slow link, in one packet) wait
    for the form and then go into it, as they would have one at a time."""

    @functools.wraps(flow)
    def start(screen: S, *args: P.args, **kwargs: P.kwargs) -> None:
        screen.dialog(lambda: flow(screen, *args, **kwargs))

    return start
