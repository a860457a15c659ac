"""The nine phases of an action-learning cycle as one line: where you are, what is written."""

from __future__ import annotations

from collections.abc import Collection

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.domain.journals import Phase

# A phase with at least one entry in the cycle shown.
WRITTEN = "✓"
SEPARATOR = " › "


def stepper_text(current: Phase, written: Collection[Phase], width: int) -> Text:
    """The strip at its most informative that fits ``width`` cells.

    Every phase's name fits on a wide terminal; on 80 columns only the current phase is
    named and the others are numbers. The current phase is in brackets as well as in
    reverse, so it reads without colour.
    """
    for named_all, separator in ((True, SEPARATOR), (False, SEPARATOR), (False, "›")):
        text = _strip(current, written, named_all, separator)
        if width <= 0 or cell_len(text.plain) <= width:
            return text
    return text


def _strip(current: Phase, written: Collection[Phase], named_all: bool,
           separator: str) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for phase in Phase:
        if phase > Phase.WONDER:
            text.append(separator, style="dim")
        mark = WRITTEN if phase in written else ""
        if phase == current:
            text.append(f"[{int(phase)} {phase.label}{' ' + mark if mark else ''}]",
                        style="bold reverse")
        elif named_all:
            text.append(f"{int(phase)} {phase.label}{' ' + mark if mark else ''}",
                        style="" if mark else "dim")
        else:
            text.append(f"{int(phase)}{mark}", style="" if mark else "dim")
    return text


class PhaseStepper(Widget):
    """Shows ``current`` among the nine phases; ``written`` are marked with a tick."""

    current: reactive[Phase] = reactive(Phase.WONDER)
    written: reactive[frozenset[Phase]] = reactive(frozenset())

    def show(self, current: Phase, written: Collection[Phase]) -> None:
        self.current = current
        self.written = frozenset(written)

    def render(self) -> Text:
        return stepper_text(self.current, self.written, self.size.width)
