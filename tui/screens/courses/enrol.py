"""Picking several people from the registry to enrol: typing filters by name,
institution or place, space chooses, enter enrols.

Over a slow link keys arrive in bursts ("n", a name, space, the next name, space,
enter in one packet). The picker opens at once and reads the registry itself; keys
that come before the registry is read wait, and then do, in order, what they would
have done one at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.domain.text import fold
from tui.i18n import N_, _
from tui.screens import live
from tui.screens.base import KuffertScreen
from tui.views.enrol import Candidate, Registry, load_registry
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import translate_bindings
from tui.widgets.record_table import Column, RecordTable

# A registry of tens of thousands is narrowed by typing; drawing all of it would be slow
# over SSH and no one reads past the first screens anyway.
SHOWN_AT_MOST = 200
# Not "[x]": table cells are markup, where that is a (dropped) style tag.
CHOSEN, NOT_CHOSEN = "[✓]", "[ ]"

COLUMNS = (
    # Cut in the middle: "Dagplejen Horsens, område Nord" and "… Syd" differ at the end.
    Column(N_("Chosen"), 5), Column(N_("Name"), min_width=14),
    Column(N_("Institution"), 18, clip="middle"),
    Column(N_("Place"), 12),
)


class PeopleTable(RecordTable, inherit_bindings=False):
    """The list keeps the focus while typing filters it; the picker handles every key
    that reaches it (see ``EnrolScreen.on_key``), so that they stay in order. These
    bindings are what ``?`` lists."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", show=False, id="enrol.up"),
        Binding("down", "cursor_down", show=False, id="enrol.down"),
        Binding("pageup", "page_up", show=False, id="enrol.page_up"),
        Binding("pagedown", "page_down", show=False, id="enrol.page_down"),
        Binding("home,ctrl+home", "scroll_top", show=False, id="enrol.first"),
        Binding("end,ctrl+end", "scroll_bottom", show=False, id="enrol.last"),
    ]


# The moves the picker does itself. A binding runs after the key's handlers, so in a
# burst ("space down space down") every space came before every move and chose one
# person three times; here each key is done when it is read.
MOVES: dict[str, str] = {
    "down": "cursor_down", "up": "cursor_up", "pagedown": "page_down",
    "pageup": "page_up", "home": "scroll_top", "ctrl+home": "scroll_top",
    "end": "scroll_bottom", "ctrl+end": "scroll_bottom",
}


class EnrolScreen(KuffertScreen[list[str] | None], ModalScreen[list[str] | None]):
    """Dismisses with the chosen people's ids, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle", N_("Choose"), id="enrol.toggle"),
        Binding("enter", "confirm", N_("Enrol"), id="enrol.confirm"),
        Binding("slash", "search", N_("Search"), id="enrol.search"),
        Binding("escape", "cancel", N_("Cancel"), id="enrol.cancel"),
    ]

    def __init__(self, title: str, leave_out: Iterable[str]) -> None:
        super().__init__(classes="enrol")
        translate_bindings(self)
        self.title_text = title
        self.leave_out = frozenset(leave_out)
        self.registry: Registry | None = None
        self.candidates: list[Candidate] = []
        self.chosen: list[str] = []
        self._fresh = True
        self._filled_for: str | None = None
        self._dirty = False  # the choice changed since the list was drawn
        self._waiting: list[tuple[str, str | None]] = []  # keys read before the registry

    def watched(self) -> frozenset[str]:
        # The people, and their institutions and places in the main file.
        return frozenset({live.PEOPLE, live.MAIN})

    def compose(self) -> ComposeResult:
        with Vertical(id="enrol-box"):
            yield Static(Content(self.title_text), id="enrol-title")
            yield Input(placeholder=_("Type to find people by name, institution or place"),
                        id="enrol-search", compact=True)
            yield PeopleTable(COLUMNS, id="enrol-people")
            yield Static(_("Reading the register …"), id="enrol-status")
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#enrol-people"))
        self._read()

    def data_changed(self, changes: live.Changes) -> None:
        self._read()

    def _read(self) -> None:
        store, leave_out = self.store, self.leave_out
        self.mark_read()
        self.run_store(lambda: load_registry(store, leave_out), self._loaded,
                       group="enrol-read")

    def _loaded(self, registry: Registry) -> None:
        first = self.registry is None
        self.registry = registry
        self.candidates = list(registry.candidates)
        # Someone erased from the registry meanwhile cannot be enrolled.
        self.chosen = [pid for pid in self.chosen if pid in registry.people]
        self._dirty = True
        self._fill()
        if first:
            waiting, self._waiting = self._waiting, []
            for key, character in waiting:
                self._handle(key, character)

    @property
    def loaded(self) -> bool:
        return self.registry is not None

    def _matches(self) -> list[Candidate]:
        words = fold(self.query_one("#enrol-search", Input).value).split()
        return [c for c in self.candidates if all(w in c.haystack for w in words)]

    def _fill(self) -> None:
        text = self.query_one("#enrol-search", Input).value
        if text == self._filled_for and not self._dirty:
            return
        self._filled_for, self._dirty = text, False
        matches = self._matches()
        shown = matches[:SHOWN_AT_MOST]
        self.query_one("#enrol-people", RecordTable).show_rows(
            (c.id, (CHOSEN if c.id in self.chosen else NOT_CHOSEN, c.name, c.institution,
                    c.place)) for c in shown)
        if self.registry is None:
            return
        status = _("{n} chosen.").format(n=len(self.chosen))
        if not self.candidates:
            status = _("Everyone in the registry is already in this course.")
        elif len(matches) > len(shown):
            status += " " + _("Showing {shown} of {total}; type more to narrow.").format(
                shown=len(shown), total=len(matches))
        elif not matches:
            status += " " + _("Nobody matches.")
        if self.candidates:
            status += " " + _("Space chooses, enter enrols.")
        self.query_one("#enrol-status", Static).update(status)

    def _cursor_id(self) -> str | None:
        table = self.query_one("#enrol-people", RecordTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    # -- keys -------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        if self._handle(event.key, event.character):
            event.stop()
            event.prevent_default()

    def _handle(self, key: str, character: str | None) -> bool:
        """Do what ``key`` does in the picker; False for keys it leaves to the bindings
        (slash, escape) or to the search field, when that has the focus."""
        if not self.is_mounted:
            return False
        search = self.query_one("#enrol-search", Input)
        if self.focused is search:
            if key in ("down", "up"):
                self.set_focus(self.query_one("#enrol-people"))
                return True
            return False
        typed = character is not None and character.isprintable() and character != "/" \
            and key != "space"
        if key not in MOVES and key not in ("space", "backspace", "enter") and not typed:
            return False
        if not self.loaded:
            self._waiting.append((key, character))
        elif key in MOVES:
            getattr(self.query_one("#enrol-people", RecordTable), f"action_{MOVES[key]}")()
        elif key == "space":
            self.action_toggle()
        elif key == "backspace":
            self.type_text(None)
        elif key == "enter":
            self.action_confirm()
        else:
            self.type_text(character)
        return True

    @on(Input.Changed, "#enrol-search")
    def _search(self) -> None:
        self._fill()

    @on(Input.Submitted, "#enrol-search")
    def _submitted(self) -> None:
        self.action_confirm()

    def type_text(self, character: str | None) -> None:
        """A key typed in the list: a character searches on, None erases the last one.

        After a choice, typing starts the next search: a name, space, the next name,
        space, enter.
        """
        search = self.query_one("#enrol-search", Input)
        if character is None:
            search.value = search.value[:-1]
        else:
            search.value = character if self._fresh else search.value + character
        self._fresh = False
        # At once, not on the field's change message: a space right after the name
        # must choose from the narrowed list.
        self._fill()

    def action_search(self) -> None:
        self.set_focus(self.query_one("#enrol-search"))

    def action_toggle(self) -> None:
        if not self.loaded:
            self._waiting.append(("space", " "))
            return
        person_id = self._cursor_id()
        if person_id is None:
            return
        if person_id in self.chosen:
            self.chosen.remove(person_id)
        else:
            self.chosen.append(person_id)
        self._fresh, self._dirty = True, True
        self._fill()

    def action_confirm(self) -> None:
        if not self.loaded:
            self._waiting.append(("enter", None))
            return
        if not self.chosen and (person_id := self._cursor_id()) is not None:
            # Enter on one found person enrols just that person.
            self.chosen.append(person_id)
        if self.chosen:
            self.dismiss(list(self.chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)
