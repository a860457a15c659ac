"""Keys typed ahead go where they would have gone one at a time.

Over a slow link a user's keys arrive in one packet ("2", "/nuuk", enter, "e" ...),
often before the screen they are meant for has read its data or opened the form they
are meant for. Three things go wrong, and this module mends them:

* A screen cannot act on a key yet (its data is not read, a form it opens is not
  mounted and focused). It holds the keys (``TypeAhead.hold``) and sends them again,
  in order, once it can: to itself, or to the form now in front, so that each does what
  it would have done typed one at a time.
* A text field inserts a letter in its own queue, but runs a key bound to it
  (backspace, ctrl+k, home, arrows) only after the key has bubbled up to the app: in a
  burst, "ctrl+a ctrl+k 555" became "555" deleted by the late ctrl+k. ``OrderedInput``
  and ``OrderedTextArea`` (``tui.widgets.ordered_fields``) run their own bindings the
  moment the key reaches them.
* Textual hands every key of a packet to the widget that had the focus when the packet
  was read, before any of them is handled: if the first key moves the focus (enter from
  a search field to its list, a key that opens another screen), the rest still arrive
  at the widget left behind. A widget that mixes in ``FollowsFocus`` sends such keys on
  to where the focus is now (``relayed``), in their order.

Screens take the first through ``tui.screens.base.TypeAheadScreen``. (Escape and the
key after it, read by the terminal driver as one key, are ``key_packets``' part.)
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Sequence

from textual import events
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Select

from tui.widgets.record_table import RecordTable

# What a form or a question gives the focus to, once it has opened.
TAKES_KEYS: tuple[type[Widget], ...] = (Input, Select, Button, DataTable)


def takes_keys(widget: Widget | None) -> bool:
    """A field, a list or a button: what a form or a question focuses once it is up."""
    # TextArea is imported with the first screen that has one (8 ms of the start-up
    # otherwise); until then no widget can be one.
    text_area = sys.modules.get("textual.widgets._text_area")
    kinds = TAKES_KEYS if text_area is None else (*TAKES_KEYS, text_area.TextArea)
    return isinstance(widget, kinds)

# How many refreshes a form may take to open and take the focus before held keys are
# sent anyway (to whatever then has it).
PATIENCE = 50


class KeyCatcher(Widget):
    """Has the focus while its screen holds keys: it takes every key (no binding of the
    screen or the app fires, since the focused widget consumes the key) and gives it to
    the screen's ``TypeAhead``, in the order read. Takes no room (styles/app.tcss), and
    no focus otherwise (tab never stops here)."""

    def __init__(self, typeahead: TypeAhead) -> None:
        super().__init__(classes="key-catcher")
        self.typeahead = typeahead

    def allow_focus(self) -> bool:
        return self.typeahead.holding

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return True

    def on_key(self, event: events.Key) -> None:
        if not self.typeahead.take(event):
            # Sent here just before the keys were let go: on to where the focus is now.
            relayed(self, event)


class TypeAhead:
    """While holding, the screen's ``KeyCatcher`` has the focus; before the screen has
    one (keys typed before it is mounted), nothing has it, and Textual gives every key
    to the screen itself, in the order read (a priority key's binding sees it first, and
    gives it back with ``keep``). The focus comes back before the keys are sent."""

    def __init__(self, screen: Screen[object]) -> None:
        self.screen = screen
        self.keys: list[tuple[str, str | None]] = []
        self._until: Callable[[], bool] | None = None
        self._focus: Widget | None = None
        # Held keys go even if what they wait for has not come (see ``check``).
        self._patience_spent = False
        # Tabs sent behind the keys before them (``in_line``), and whether a tab is
        # done at once (it has waited its turn).
        self._lined_up: list[events.Key] = []
        self._at_once = False
        self.catcher = KeyCatcher(self)

    @property
    def holding(self) -> bool:
        return self._until is not None

    @property
    def focused(self) -> Widget | None:
        """What has the focus for the user: while keys are held, what had it before."""
        return self._focus if self._until is not None else self.screen.focused

    def hold(self, until: Callable[[], bool]) -> None:
        """Keep keys from now until ``until()`` says they can be acted on."""
        if self._until is None:
            self._focus = self.screen.focused
            self._until = until
            if self.catcher.is_mounted:
                self.screen.set_focus(self.catcher)
            elif self._focus is not None:
                self.screen.set_focus(None)
        self._until = until

    def focus(self, widget: Widget) -> None:
        """Give ``widget`` the focus, or once the held keys go."""
        if self._until is None:
            self.screen.set_focus(widget)
        else:
            self._focus = widget

    def take(self, event: events.Key) -> bool:
        """Keep ``event`` if the screen is holding keys; True if it was kept."""
        if self._until is None:
            return False
        self.keys.append((event.key, event.character))
        event.stop()
        event.prevent_default()
        return True

    def keep(self, key: str, character: str | None = None) -> bool:
        """Keep a key whose binding saw it first (a priority key: tab, "]"), if holding.
        It joins the screen's queue behind the keys that came before it."""
        if self._until is None:
            return False
        # Where the app sends the keys read after it: the widget with the focus (the
        # catcher), else the screen. Posted to the screen while the catcher had the
        # focus, it raced the keys behind it, which reached the catcher first.
        screen = self.screen
        (screen.focused or screen).post_message(events.Key(key, character))
        return True

    def in_line(self, key: str) -> bool:
        """Send a priority key (tab) behind the keys that the widget with the focus has
        still to handle, when that widget passes keys on (``FollowsFocus``). Done when
        the app reads it, tab would move the focus before them: "enter 3 tab 4" in one
        packet on a table would tab away from the table before enter opened its form.
        True if sent; the screen does it when it arrives (``in_turn``)."""
        focused = self.screen.focused
        if self._at_once or not isinstance(focused, FollowsFocus):
            return False
        event = events.Key(key, None)
        self._lined_up.append(event)
        focused.post_message(event)
        return True

    def arrived(self, event: events.Key) -> bool:
        """Whether ``event`` is a key sent by ``in_line``, now arrived at the screen."""
        for i, lined_up in enumerate(self._lined_up):
            if lined_up is event:
                del self._lined_up[i]
                return True
        return False

    def check(self, tries: int = 0) -> None:
        """Send the held keys if the moment has come; with ``tries``, look again after
        each refresh until it has (a form opening)."""
        if self._until is None:
            return
        if self._until():
            self.release()
        elif tries >= PATIENCE:
            self._patience_spent = True
            self.release()
        elif tries:
            self.screen.call_after_refresh(self.check, tries + 1)

    def release(self) -> None:
        """Do the held keys once every key already read has reached the screen (and
        been held): behind the app's queue, then the catcher's, then the screen's.
        Done at once, they would come after keys of the same packet still on their
        way; without the catcher's queue, the keys the app had just handed it came
        after the focus had moved, and went to the list all at once ("/ilulis enter"
        before the list's search had the focus: the letters were lost)."""
        screen, catcher = self.screen, self.catcher
        if catcher.is_mounted:
            screen.app.call_later(catcher.call_later, screen.call_later, self._replay)
        else:
            screen.app.call_later(screen.call_later, self._replay)

    async def _replay(self) -> None:
        if self._until is None:
            return
        self._until = None
        focus, self._focus = self._focus, None
        waited, self._patience_spent = self._patience_spent, False
        screen = self.screen
        if focus is not None and focus.is_attached:
            screen.set_focus(focus)
        elif screen.focused is self.catcher:
            screen.set_focus(None)
        # Here, one by one, each done before the next: as the screen's keys reached
        # Textual, a binding would come after characters typed later.
        while self.keys and self._until is None:
            if screen.app.screen is not screen:
                # For the form or question on top, or the screen a key opened: given
                # to the app, as typed.
                keys, self.keys = self.keys, []
                for key, character in keys:
                    screen.app.post_message(events.Key(key, character))
                return
            if not waited and not self._table_drawn():
                # A table on a tab just shown gets its rows once the screen has laid it
                # out, and the screen does that only after this callback: the keys wait
                # (with any typed meanwhile) for the next refresh, not in here.
                self.hold(self._table_drawn)
                self.check(tries=1)
                return
            waited = False
            key, character = self.keys.pop(0)
            await self._do(key, character)

    def _table_drawn(self) -> bool:
        table = self.focused
        return not isinstance(table, RecordTable) or bool(table.row_count) \
            or not table.total_rows

    async def _do(self, key: str, character: str | None) -> None:
        screen = self.screen
        focused = screen.focused
        if isinstance(focused, Input) and key not in ("enter", "escape", "down", "up", "tab"):
            if key == "backspace":
                focused.action_delete_left()
                return
            if character is not None and character.isprintable():
                focused.insert_text_at_cursor(character)
                return
        active = screen.active_bindings.get(key)
        if active is not None and active.enabled:
            self._at_once = True
            try:
                await active.node.run_action(active.binding.action)
            finally:
                self._at_once = False
        else:
            (focused or screen).post_message(events.Key(key, character))

    def move_focus(self, key: str) -> None:
        """Do a tab (or shift+tab) that ``in_line`` sent, now that it has its turn."""
        self._at_once = True
        try:
            if key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
        finally:
            self._at_once = False


async def in_turn(screen: Screen[object], typeahead: TypeAhead, event: events.Key) -> None:
    """The screen's ``on_key``: a key it holds is kept; a key bound on the screen or on
    the widget with the focus is done here, when the screen reads it. Textual would do
    it when the key has bubbled up to the app, and by then the screen has read the
    keys after it: a key that opens a form ("e") could not hold the date typed after
    it, and the moves before it would come after it."""
    lined_up = typeahead.arrived(event)
    if typeahead.take(event):
        return
    if lined_up:
        event.stop()
        event.prevent_default()
        typeahead.move_focus(event.key)
        return
    active = screen.active_bindings.get(event.key)
    if (active is not None and active.node is not screen.app and active.enabled
            and not active.binding.priority):
        event.stop()
        event.prevent_default()
        await active.node.run_action(active.binding.action)


def opened_over(screen: Screen[object]) -> Callable[[], bool]:
    """Whether a form or a question opened over ``screen`` has taken the focus: its own
    field (or the question's button, the picker's list), not the scrolling box Textual
    focuses first while the form is still mounting."""
    def opened() -> bool:
        top = screen.app.screen
        return top is not screen and takes_keys(top.focused)

    return opened


def open_dialog(screen: Screen[object], typeahead: TypeAhead,
                flow: Callable[[], Awaitable[object]]) -> None:
    """Run ``flow`` (which opens a form or a question) in a worker; the keys typed right
    after the one that started it wait for the form to open and take the focus.

    The flow starts after the next refresh: by then every key of the packet has been
    read, so none of them slips into the form before it can take them.
    """
    typeahead.hold(opened_over(screen))

    async def run() -> None:
        try:
            await flow()
        finally:
            if typeahead.holding:
                typeahead.release()

    screen.call_after_refresh(lambda: screen.run_worker(run(), group="dialog"))



def after_keys(screen: Screen[object], step: Callable[[], object],
               through: Sequence[MessagePump]) -> None:
    """Run ``step`` once the widgets ``through`` (a search field, a list), the screen and
    the app have handled every key routed to them so far: a key travels through each
    one's queue in turn, so ``step`` follows it through the same queues. (A priority
    key's binding runs when the app reads the key, before the keys typed ahead of it
    have moved the cursor.)"""
    hops = [*through, screen, screen.app]

    def go(at: int) -> None:
        if at == len(hops):
            step()
        else:
            hops[at].call_later(go, at + 1)

    go(0)

# -- widgets the focus has left ------------------------------------------------------------


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


class FollowsFocus:
    """Mixed in before the widget class: ``class Field(FollowsFocus, Input)``. (Not a
    Widget itself: Textual would take its empty component styles for the widget's.)"""

    def on_key(self, event: events.Key) -> None:
        assert isinstance(self, Widget)
        relayed(self, event)
