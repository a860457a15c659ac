"""When a record changed while its form was open: what the other person changed, field by
field, and a choice between keeping mine, taking theirs, or choosing per field.

Fields only one side changed are never in question: a change of theirs to a field the
user did not touch is kept whatever the choice, and so is the user's change to a field
they did not touch. Only fields both changed, differently, are chosen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tui.domain.parse import format_moment
from tui.i18n import N_, _
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import translate_bindings


@dataclass(frozen=True, slots=True)
class Underneath:
    """The record as it is stored now, in the form's own terms (what each field would
    hold, opened on it now), with who saved it and when."""

    values: Mapping[str, Any]
    version: int
    by: str
    at: str  # the stored UTC stamp


@dataclass(frozen=True, slots=True)
class FieldChange:
    name: str
    label: str
    base: Any  # what the form was opened with
    mine: Any
    theirs: Any

    @property
    def conflict(self) -> bool:
        return self.mine != self.base and self.mine != self.theirs


def changes(labels: Mapping[str, str], base: Mapping[str, Any], mine: Mapping[str, Any],
            theirs: Mapping[str, Any]) -> list[FieldChange]:
    """The fields the other person changed, in the form's order."""
    return [FieldChange(name, label, base[name], mine[name], theirs[name])
            for name, label in labels.items() if theirs[name] != base[name]]


def merged(base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any],
           keep_mine: frozenset[str]) -> dict[str, Any]:
    """Each field: mine where only I changed it, or both did and I keep mine; else theirs."""
    result = {}
    for name, value in mine.items():
        mine_changed = value != base[name]
        they_changed = theirs[name] != base[name]
        result[name] = value if mine_changed and (not they_changed or name in keep_mine) \
            else theirs[name]
    return result


def shown(value: Any, choices: Sequence[tuple[str, Any]] | None) -> str:
    if choices is not None:
        return next((str(label) for label, v in choices if v == value), "–")
    text = " ".join(str(value or "").split())
    return text or "–"


class ChangedUnderneathScreen(ModalScreen[frozenset[str] | None]):
    """Dismisses with the names of the conflicting fields whose typed value is kept
    (all of them: keep mine; none: take theirs), or None to go back to the form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "keep_mine", N_("Keep mine"), id="underneath.keep_mine"),
        Binding("t", "take_theirs", N_("Take theirs"), id="underneath.take_theirs"),
        Binding("space", "toggle", N_("Mine/theirs"), id="underneath.toggle"),
        Binding("enter", "as_chosen", N_("Save"), id="underneath.as_chosen",
                priority=True),
        Binding("escape", "back", N_("Back"), id="underneath.back"),
    ]

    def __init__(self, kind: str, underneath: Underneath, changed: list[FieldChange],
                 choices: Mapping[str, Sequence[tuple[str, Any]] | None]) -> None:
        super().__init__(classes="form")
        translate_bindings(self)
        self.kind = kind
        self.underneath = underneath
        self.changed = changed
        self.choices = choices
        conflicts = [c.name for c in changed if c.conflict]
        # Until the user says otherwise, what they typed is kept: it is what they see.
        self.keep: set[str] = set(conflicts)

    def compose(self) -> ComposeResult:
        with Vertical(id="underneath-box"):
            yield Static(
                _("{kind} was changed by {by} at {at}, while you had it open.").format(
                    kind=self.kind, by=self.underneath.by,
                    at=format_moment(self.underneath.at)),
                id="underneath-title", markup=False)
            table: DataTable[str] = DataTable(id="underneath-fields", cursor_type="row",
                                              zebra_stripes=False)
            yield table
            if any(c.conflict for c in self.changed):
                hint = _("Where you both changed a field, choose: m keeps yours, t takes "
                         "theirs, space chooses one field. Their other changes are kept.")
            else:
                hint = _("They changed other fields than you did: enter saves both "
                         "changes.")
            yield Static(hint, id="underneath-hint", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("Field"), key="field")
        table.add_column(_("Theirs"), key="theirs")
        table.add_column(_("Yours"), key="mine")
        table.add_column(_("Saved"), key="kept")
        for change in self.changed:
            table.add_row(*self._cells(change), key=change.name)
        table.focus()

    def _cells(self, change: FieldChange) -> tuple[str, str, str, str]:
        choices = self.choices.get(change.name)
        theirs = shown(change.theirs, choices)
        if change.mine != change.base:
            theirs, mine = _apart(theirs, shown(change.mine, choices))
        else:
            theirs, mine = _short(theirs), _("(unchanged)")
        if not change.conflict:
            kept = _("theirs")
        else:
            kept = _("yours") if change.name in self.keep else _("theirs")
        return (change.label, theirs, mine, kept)

    def _redraw(self, change: FieldChange) -> None:
        table = self.query_one(DataTable)
        table.update_cell(change.name, "kept", self._cells(change)[3])

    def action_toggle(self) -> None:
        table = self.query_one(DataTable)
        if not self.changed:
            return
        change = self.changed[table.cursor_row]
        if not change.conflict:
            return
        self.keep.symmetric_difference_update({change.name})
        self._redraw(change)

    def action_keep_mine(self) -> None:
        self.dismiss(frozenset(c.name for c in self.changed if c.conflict))

    def action_take_theirs(self) -> None:
        self.dismiss(frozenset())

    def action_as_chosen(self) -> None:
        self.dismiss(frozenset(self.keep))

    def action_back(self) -> None:
        self.dismiss(None)


def _short(text: str, width: int = 22) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _apart(theirs: str, mine: str, width: int = 22) -> tuple[str, str]:
    """Both cut to ``width`` from a little before where they first differ: two long
    texts (a journal entry) that differ only in their last words must not look alike."""
    if len(theirs) <= width and len(mine) <= width:
        return theirs, mine
    at = next((i for i, (t, m) in enumerate(zip(theirs, mine, strict=False)) if t != m),
              min(len(theirs), len(mine)))
    start = max(0, at - width // 3)
    if start == 0:
        return _short(theirs, width), _short(mine, width)
    return _short("…" + theirs[start:], width), _short("…" + mine[start:], width)
