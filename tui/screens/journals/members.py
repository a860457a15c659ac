"""Choosing the members of a PLF group: a checklist of the course's participants."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import N_, _
from tui.screens.base import EXPECTED, error_text, in_thread
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import translate_bindings

# Stores the chosen ids while the list is still open; raises a store error to refuse.
MembersSaver = Callable[[list[str]], object]


class Checklist(OptionList):
    """Moves and ticks are handled as the keys arrive, in the order they came.

    A binding runs only after its key has passed every handler, and a ticked option is a
    message of its own: in a burst typed ahead over a slow link ("space down space")
    each space could tick before the moves. Here each key does its work at once.
    """

    _MOVES: ClassVar[dict[str, str]] = {
        "down": "cursor_down", "up": "cursor_up", "pagedown": "page_down",
        "pageup": "page_up", "home": "first", "end": "last",
    }

    def on_key(self, event: events.Key) -> None:
        screen = self.screen
        if not isinstance(screen, MembersScreen):
            return
        if event.key in self._MOVES:
            getattr(self, f"action_{self._MOVES[event.key]}")()
        elif event.key in ("space", "enter"):
            screen.action_toggle()
        else:
            return
        event.stop()
        event.prevent_default()


class MembersScreen(ModalScreen[list[str] | None]):
    """A checklist of participants; space or enter ticks, ctrl+s keeps the choice.

    With ``save`` the choice is stored before the list closes: a refused save keeps the
    list open with every tick."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority binding: it would overtake the ticks typed just before it.
        Binding("ctrl+s", "save", N_("Save"), id="members.save"),
        Binding("escape", "cancel", N_("Cancel"), id="members.cancel"),
        Binding("space", "toggle", N_("Tick"), id="members.toggle", key_display="␣"),
    ]

    def __init__(self, title: str, people: Sequence[tuple[str, str]],
                 chosen: Sequence[str] = (), *, save: MembersSaver | None = None) -> None:
        super().__init__(classes="form")
        translate_bindings(self)
        self.title_text = title
        self.people = list(people)
        self.chosen = [pid for pid, _name in self.people if pid in set(chosen)]
        self._start = list(self.chosen)
        self.save = save
        self.saved: object = None

    def compose(self) -> ComposeResult:
        with Vertical(id="members-box"):
            yield Static(Text(self.title_text), id="form-title")
            yield Checklist(*[Option(self._prompt(pid, name), id=pid)
                              for pid, name in self.people], id="members-list")
            yield Static("", id="members-error", classes="form-error")
            yield Static(_("space or enter ticks, ctrl+s saves, escape cancels"),
                         id="form-hint")
        yield KeyFooter()

    def _prompt(self, pid: str, name: str) -> Text:
        # Brackets, not colour, say who is ticked (Text: not read as markup).
        return Text(f"[{'x' if pid in self.chosen else ' '}] {name}")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_toggle(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        pid, name = self.people[options.highlighted]
        if pid in self.chosen:
            self.chosen.remove(pid)
        else:
            self.chosen.append(pid)
        options.replace_option_prompt_at_index(options.highlighted, self._prompt(pid, name))
        self._problem("")

    def _problem(self, text: str) -> None:
        self.query_one("#members-error", Static).update(Text(text))

    async def action_save(self) -> None:
        if not self.chosen:
            self._problem(_("Tick at least one member of the group."))
            return
        order = [pid for pid, _name in self.people]
        chosen = sorted(self.chosen, key=order.index)
        if self.save is not None:
            save = self.save
            try:
                self.saved = await in_thread(self, lambda: save(chosen))
            except EXPECTED as error:
                self._problem(error_text(error) + " " + _("Nothing you typed is lost."))
                return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        if sorted(self.chosen) == sorted(self._start):
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(_("Throw away what you typed in this form?"),
                                           yes=_("Throw away"), no=_("Keep editing"),
                                           danger=True), answered)
