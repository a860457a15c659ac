"""A yes/no question with a typed answer."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.i18n import _


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True only on an explicit yes; escape is always no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", show=False),
        Binding("y,j", "answer(True)", show=False),
    ]

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None,
                 danger: bool = False) -> None:
        super().__init__(classes="danger" if danger else "")
        self.question = question
        self.yes = yes or _("Yes")
        self.no = no or _("No")
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            # Questions name records ("Delete Hold [A]?"): shown as text, not markup.
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="error" if self.danger else "primary")

    def on_mount(self) -> None:
        # The safe answer has the focus, so a stray enter throws nothing away.
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
