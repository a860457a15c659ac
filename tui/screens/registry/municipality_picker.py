"""Denmark's municipalities not yet in the database: type to narrow, enter to add one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.ordering import name_key
from tui.domain.text import fold
from tui.i18n import N_, _
from tui.widgets.keys import translate_bindings
from tui.widgets.ordered_fields import OrderedInput


class MunicipalityPicker(ModalScreen[dict[str, Any] | None]):
    """Denmark's municipalities not yet in the database; type to narrow, enter to add."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="picker.cancel"),
        Binding("down", "to_list", show=False, id="picker.to_list"),
    ]

    def __init__(self, choices: list[Mapping[str, Any]], total: int) -> None:
        super().__init__(classes="picker")
        translate_bindings(self)
        self.choices = sorted(choices, key=lambda c: name_key(c["name"]))
        self.total = total

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Label(_("Add a Danish municipality ({missing} of {total} not added yet)")
                        .format(missing=len(self.choices), total=self.total),
                        id="picker-title")
            yield OrderedInput(placeholder=_("Type part of the name"), id="picker-search")
            yield OptionList(id="picker-list")
            yield Static(_("enter adds the highlighted one, escape cancels"),
                         id="picker-hint", classes="quiet")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-search", Input).focus()

    def _fill(self, query: str) -> None:
        words = fold(query).split()
        options = self.query_one("#picker-list", OptionList)
        options.clear_options()
        options.add_options([Option(c["name"], id=c["id"]) for c in self.choices
                             if all(w in fold(c["name"]) for w in words)])
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#picker-search")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-search")
    def _enter(self) -> None:
        options = self.query_one("#picker-list", OptionList)
        if options.highlighted is not None:
            self._pick(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def _pick(self, choice_id: str | None) -> None:
        found = next((c for c in self.choices if c["id"] == choice_id), None)
        if found is not None:
            self.dismiss(dict(found))

    def action_to_list(self) -> None:
        self.query_one("#picker-list", OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
