"""The keys of the screen underneath, and a few words on what Kuffert is."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.i18n import N_, _
from tui.widgets.keys import KeyLine, key_lines, translate_bindings

# Textual's own keys inside tables and lists; told in words since they have no ids.
_MOVING: tuple[tuple[str, str], ...] = (
    ("↑ ↓ PgUp PgDn", N_("move the cursor in a table")),
    ("Home End", N_("first or last row")),
    ("Tab ⇧+Tab", N_("next or previous table")),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", N_("Close"), id="help_close"),
    ]

    def __init__(self, underneath: Screen[object]) -> None:
        super().__init__(id="help")
        translate_bindings(self)
        # Read now: once this screen is on top, the app's active keys are its own.
        self.lines: list[KeyLine] = key_lines(underneath.app, underneath)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = _("Keys")
            yield Static(self._keys_table(), id="help-keys")
            yield Static(_("Kuffert keeps competence-development programmes for "
                           "early-childhood staff in one place: programmes, courses, "
                           "session days, participants, attendance and action-learning "
                           "journals. Every change is saved at once, and several people "
                           "can work in the same database."), id="help-about")
            yield Static(self._close_hint(), id="help-close")

    def _keys_table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for line in self.lines:
            table.add_row(line.keys, line.description)
        for keys, what in _MOVING:
            table.add_row(keys, _(what))
        return table

    def _close_hint(self) -> Text:
        keys = [
            self.app.get_key_display(dataclasses.replace(active.binding, key=key))
            for key, active in self.active_bindings.items()
            if active.binding.id == "help_close"
        ]
        return Text(_("Close with {keys}.").format(keys=", ".join(keys)), style="italic")

    def action_close(self) -> None:
        self.dismiss()
