"""The grid's keys: the marks in the UI language (the other language's work too), the
rest, and the hint line that tells how marking goes.

At 80 columns the footer holds the four marks and redo, sheet, cover and walk-in; the
hint line above the grid tells the clear, all-present and undo keys, and ``?`` lists
every key.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from tui.domain.attendance import PRIMARY_KEYS, MarkAction, mark_keys
from tui.i18n import N_, _
from tui.widgets.keys import key_for

# Short words: 80 columns hold the marks and the other actions only so.
ACTION_WORDS: dict[MarkAction, str] = {
    MarkAction.PRESENT: N_("Present"),
    MarkAction.ABSENT: N_("Absent"),
    MarkAction.EXCUSED: N_("Excused"),
    MarkAction.PARTIAL: N_("Part-day"),
    MarkAction.CLEAR: N_("Clear"),
}
# "Everyone present" is the shifted present key of each language.
ALL_PRESENT_KEYS: dict[str, str] = {"da": "T", "en": "P"}

BINDINGS: list[BindingType] = [
    Binding("u,ctrl+z", "undo", N_("Undo"), id="attendance.undo", show=False),
    Binding("ctrl+r,ctrl+y", "redo", N_("Redo"), id="attendance.redo"),
    Binding("s", "sheet", N_("Sheet"), id="attendance.sheet"),
    Binding("v", "substitute", N_("Cover"), id="attendance.substitute"),
    Binding("n", "walk_in", N_("Walk-in"), id="attendance.walk_in"),
    Binding("escape", "close", N_("Back"), id="attendance.close", show=False),
    Binding("h", "move('left')", N_("Left"), id="attendance.left", show=False),
    Binding("j", "move('down')", N_("Down"), id="attendance.down", show=False),
    Binding("k", "move('up')", N_("Up"), id="attendance.up", show=False),
    Binding("l", "move('right')", N_("Right"), id="attendance.right", show=False),
    # The grid has these itself once it is shown; before that (while the course is
    # read) they are kept by the screen, with the marks, to run in order once it is.
    *(Binding(key, f"move('{key}')", show=False)
      for key in ("left", "down", "up", "right", "home", "end")),
]


def add_mark_bindings(node: DOMNode, lang: str) -> None:
    """Put the mark keys first among ``node``'s bindings: the UI language's are shown
    (the footer lists them first), the other language's also work.

    Built at run time, not in BINDINGS, because the language is only known then.
    """
    table: dict[str, list[Binding]] = {}
    primary = {k for letters in PRIMARY_KEYS.get(lang, {}).values() for k in letters}
    shown: set[MarkAction] = set()
    for key, action in mark_keys()[lang].items():
        is_primary = key in primary
        binding = Binding(
            key, f"mark('{action.value}')", ACTION_WORDS[action],
            show=is_primary and action not in shown and action is not MarkAction.CLEAR,
            id=f"attendance.{action.value}{'' if is_primary else '.alt'}",
            key_display="␣" if key == "space" else None,
        )
        if is_primary:
            shown.add(action)
        table.setdefault(key, []).append(binding)
    for other, key in ALL_PRESENT_KEYS.items():
        table.setdefault(key, []).append(Binding(
            key, "all_present", N_("All present"), show=False,
            id="attendance.all_present" + ("" if other == lang else ".alt"),
        ))
    for key, bindings in node._bindings.key_to_bindings.items():
        table.setdefault(key, []).extend(bindings)
    node._bindings.key_to_bindings = table


def hint(node: DOMNode) -> Text:
    """One line on how marking goes, with the keys as the keymap has them."""
    marks = [key_for(node, f"attendance.{a.value}") for a in MarkAction
             if a is not MarkAction.CLEAR]
    parts = [_("{keys} mark and move down").format(keys="/".join(k for k in marks if k))]
    for binding_id, word in (("attendance.clear", N_("Clear")),
                             ("attendance.all_present", N_("All present")),
                             ("attendance.undo", N_("Undo"))):
        key = key_for(node, binding_id)
        if key:
            parts.append(f"{key} {_(word).lower()}")
    return Text(" · ".join(parts), no_wrap=True, overflow="ellipsis")
